// setjmp/longjmp in a program that forks (issue 15, item 7). Binaryen's
// asyncify, which fork needs, cannot instrument WebAssembly exception
// handling, so userland/build.sh builds this program with invoke trampolines
// (kernel/runtime/sjlj.ts): fork unwinds and rewinds through them, and a jump
// recorded before a fork lands in the parent and in the child alike.
#include <setjmp.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../tk_test.h"

static jmp_buf top;

static void dive(int n, int val) {
  if (n == 0) longjmp(top, val);
  dive(n - 1, val);
}

/* The child's exit status, or -1. */
static int status_of(pid_t pid) {
  int st;
  if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st)) return -1;
  return WEXITSTATUS(st);
}

/* fork called from a function holding a setjmp: the call goes through an
   invoke, which the fork's unwind and rewind pass through. */
static pid_t fork_under_setjmp(int *jumped) {
  jmp_buf here;
  volatile pid_t pid = -2;
  if (setjmp(here) == 0) {
    pid = fork();
    if (pid == 0) dive(5, 9); /* the child jumps to main's record */
    longjmp(here, 1);        /* the parent to this function's own */
  }
  *jumped = 1;
  return pid;
}

/* Several frames holding setjmp records stacked over the fork: the child
   lands on its copy of the innermost record, the parent on its own. */
static pid_t nested_parent;
static int nested(int depth) {
  jmp_buf here;
  volatile int r = setjmp(here);
  if (r == 100 && getpid() != nested_parent) _exit(105);
  if (r != 0) return r;
  if (depth > 0) return nested(depth - 1) + 1;
  pid_t pid = fork();
  if (pid == 0) longjmp(here, 100); /* the child: its copy of the innermost record */
  if (pid < 0) return -1000;
  int st = status_of(pid);
  longjmp(here, st == 105 ? 100 : -1000);
}

static sigjmp_buf from_handler;
static void on_usr1(int sig) { siglongjmp(from_handler, sig); }

int main(void) {
  /* A record made before the fork: the child jumps to it, then the parent. */
  volatile int landed = 0;
  int r = setjmp(top);
  if (r == 0) {
    pid_t pid = fork();
    if (pid == 0) dive(10, 7);
    int st = status_of(pid);
    CHECK("fork.child-jumps", st == 7, "child status %d", st);
    dive(10, 3);
  } else if (r == 7) {
    _exit(7); /* the child landed */
  }
  landed = r;
  CHECK("fork.parent-jumps", landed == 3, "r=%d", r);

  /* fork through an invoke: the parent's jump, then the child's to main. */
  int jumped = 0;
  r = setjmp(top);
  if (r == 0) {
    pid_t pid = fork_under_setjmp(&jumped);
    CHECK("fork.under-setjmp.parent", pid > 0 && jumped, "pid=%d jumped=%d", (int)pid, jumped);
    int st = status_of(pid);
    CHECK("fork.under-setjmp.child", st == 9, "child status %d", st);
  } else {
    _exit(r); /* the child, from dive(5, 9) */
  }

  /* Five records above the fork; each side jumps within its own copy. */
  nested_parent = getpid();
  r = nested(4);
  CHECK("fork.nested", r == 104, "r=%d (-996: the child did not land)", r);
  pid_t pid;

  /* In a forked child, a handler leaves by siglongjmp. */
  signal(SIGUSR1, on_usr1);
  pid = fork();
  if (pid == 0) {
    if (sigsetjmp(from_handler, 1) == 0) {
      raise(SIGUSR1);
      _exit(1);
    }
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    _exit(sigismember(&cur, SIGUSR1) ? 2 : 0);
  }
  int st = status_of(pid);
  CHECK("fork.child-siglongjmp", st == 0, "child status %d", st);

  /* Many jumps after forks: nothing piles up on the stack. */
  volatile int count = 0;
  r = setjmp(top);
  if (count < 2000) {
    count++;
    longjmp(top, count);
  }
  CHECK("longjmp.repeated", r == 2000, "r=%d", r);
  return tk_done();
}
