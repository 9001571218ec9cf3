// proc: process exit paths and their statuses.
// Usage: proc.wasm exit N      prints "ok before-exit", then proc_exit(N) (no libc cleanup)
//        proc.wasm return N    returns N from main
//        proc.wasm atexit      exit(3) after registering an atexit handler that prints
//        proc.wasm buffered    leaves "buffered-output" (no newline) in stdio's buffer, returns 0
//        proc.wasm raise       proc_raise(SIGTERM) must fail with NOTSUP (wasmtime), exit 0
#include "tk_raw.h"
#include "tk_test.h"

static void on_exit_handler(void) {
  tk_line("ok atexit-ran");
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "return";
  int n = argc > 2 ? atoi(argv[2]) : 0;
  if (strcmp(mode, "exit") == 0) {
    tk_line("ok before-exit");
    __wasi_proc_exit((__wasi_exitcode_t)n);
    tk_line("FAIL proc_exit returned");
    return 99;
  }
  if (strcmp(mode, "return") == 0) return n;
  if (strcmp(mode, "atexit") == 0) {
    atexit(on_exit_handler);
    exit(3);
  }
  if (strcmp(mode, "buffered") == 0) {
    setvbuf(stdout, NULL, _IOFBF, 4096);
    fputs("buffered-output", stdout);
    return 0;
  }
  if (strcmp(mode, "raise") == 0) {
    int e = raw_proc_raise(15 /* TERM */);
    CHECK("raise.notsup", e == __WASI_ERRNO_NOTSUP || e == __WASI_ERRNO_NOSYS, "got %s",
          tk_errname(e));
    return tk_done();
  }
  tk_line("FAIL unknown mode %s", mode);
  return 2;
}
