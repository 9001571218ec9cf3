// setjmp/longjmp and sigsetjmp/siglongjmp (issue 15, item 7): values, nested
// and repeated jumps, jumps out of deep recursion and out of a signal
// handler, what happens to locals, and the signal mask.
#include <setjmp.h>
#include <signal.h>
#include <unistd.h>
#include "../tk_test.h"

static jmp_buf top;
static int depth_reached;

static void dive(int n, int stop, int val) {
  depth_reached = n;
  if (n == stop) longjmp(top, val);
  dive(n + 1, stop, val);
}

static jmp_buf inner_env;
static int inner(void) {
  int r = setjmp(inner_env);
  if (r == 0) longjmp(inner_env, 7);
  return r;
}

static sigjmp_buf from_handler;
static void on_usr1(int sig) { siglongjmp(from_handler, sig); }

static int blocked(int sig) {
  sigset_t cur;
  sigprocmask(SIG_BLOCK, NULL, &cur);
  return sigismember(&cur, sig);
}

int main(void) {
  /* The first return is 0; a longjmp returns its value there. */
  volatile int passes = 0;
  int r = setjmp(top);
  passes++;
  if (r == 0) dive(0, 100, 42);
  CHECK("longjmp.value", r == 42 && passes == 2, "r=%d passes=%d", r, passes);
  CHECK("longjmp.deep", depth_reached == 100, "depth %d", depth_reached);

  /* longjmp(env, 0) makes setjmp return 1. */
  r = setjmp(top);
  if (r == 0) longjmp(top, 0);
  CHECK("longjmp.zero-is-one", r == 1, "r=%d", r);

  /* A jump within a function that returns normally afterwards. */
  CHECK("longjmp.same-function", inner() == 7, "inner");

  /* Many jumps to one setjmp: each lands, nothing grows without bound. */
  volatile int count = 0;
  r = setjmp(top);
  if (count < 10000) {
    count++;
    longjmp(top, count);
  }
  CHECK("longjmp.repeated", r == 10000 && count == 10000, "r=%d count=%d", r, count);

  /* Two live setjmp records: the jump lands on the one named. */
  jmp_buf a, b;
  volatile int where = 0;
  if (setjmp(a) == 0) {
    if (setjmp(b) == 0) longjmp(a, 1);
    where = 2;
  } else {
    where = 1;
  }
  CHECK("longjmp.picks-its-record", where == 1, "landed at %d", where);

  /* sigsetjmp(env, 1) saves the mask; siglongjmp out of a handler restores it. */
  signal(SIGUSR1, on_usr1);
  volatile int jumped = 0;
  r = sigsetjmp(from_handler, 1);
  if (r == 0) {
    raise(SIGUSR1);
    CHECK("siglongjmp.handler", 0, "the handler returned");
  } else {
    jumped = 1;
  }
  CHECK("siglongjmp.handler", jumped && r == SIGUSR1, "r=%d", r);
  CHECK("siglongjmp.mask-restored", !blocked(SIGUSR1), "SIGUSR1 still blocked");
  /* And the handler runs again next time. */
  r = sigsetjmp(from_handler, 1);
  if (r == 0) raise(SIGUSR1);
  CHECK("siglongjmp.again", r == SIGUSR1, "r=%d", r);

  /* sigsetjmp(env, 0): the mask of the handler (SIGUSR1 blocked) stays, as on Linux. */
  r = sigsetjmp(from_handler, 0);
  if (r == 0) raise(SIGUSR1);
  CHECK("sigsetjmp.nosave", r == SIGUSR1 && blocked(SIGUSR1), "r=%d blocked=%d", r, blocked(SIGUSR1));
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);

  /* A mask set after sigsetjmp(env, 1) is undone by siglongjmp. */
  sigjmp_buf m;
  if (sigsetjmp(m, 1) == 0) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, NULL);
    siglongjmp(m, 1);
  }
  CHECK("siglongjmp.undoes-mask", !blocked(SIGUSR2), "SIGUSR2 still blocked");
  return tk_done();
}
