// nohandler: a program without the libc extension's signal trampoline (it
// imports tabkernel's sigaction directly) cannot run a handler, so installing
// one fails with ENOTSUP instead of leaving the signal pending for ever;
// SIG_IGN and SIG_DFL still work.
#include "tk_test.h"

__attribute__((import_module("tabkernel"), import_name("sigaction")))
int32_t tk_sigaction(int32_t sig, uint32_t handler, uint32_t flags, uint64_t mask,
                     uint32_t *old_handler, uint32_t *old_flags, uint64_t *old_mask);
__attribute__((import_module("tabkernel"), import_name("kill"))) int32_t tk_kill(int32_t pid, int32_t sig);
__attribute__((import_module("tabkernel"), import_name("getpid"))) int32_t tk_getpid(int32_t *pid, int32_t *ppid);

enum { USR1 = 10, IGN = 0xfffffffe };
static void handler(int sig) { (void)sig; }

int main(void) {
  uint32_t old = 1;
  EXPECT_ERR("handler-refused", tk_sigaction(USR1, (uint32_t)(uintptr_t)handler, 0, 0, 0, 0, 0), __WASI_ERRNO_NOTSUP);
  EXPECT_OK("query", tk_sigaction(USR1, 0xffffffffu, 0, 0, &old, 0, 0));
  CHECK("still-default", old == 0, "handler=%u", old);
  EXPECT_OK("ignore", tk_sigaction(USR1, IGN, 0, 0, 0, 0, 0));
  int32_t pid = 0, ppid = 0;
  tk_getpid(&pid, &ppid);
  EXPECT_OK("kill-ignored", tk_kill(pid, USR1));
  EXPECT_OK("default", tk_sigaction(USR1, 0, 0, 0, 0, 0, 0));
  return tk_done();
}
