// Waiting with a signal mask (issue 15, item 2): pselect and ppoll swap the
// mask and wait atomically (kernel/syscall/poll.ts ppoll, userland/libc/poll.c),
// sigtimedwait/sigwaitinfo/sigwait take a pending blocked signal
// (userland/libc/signal.c). GNU make's job server blocks SIGCHLD and waits in
// pselect(…, &empty): a child's exit must end that wait with EINTR. Each check
// is what Linux does.
// Run as `tabkernel run sigmask.wasm`.
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "../tk_test.h"

extern char **environ;

static volatile sig_atomic_t chld, usr1, usr2;
static void on_chld(int s) { (void)s; chld++; }
static void on_usr1(int s) { (void)s; usr1++; }
static void on_usr2(int s) { (void)s; usr2++; }

static void handle(int sig, void (*h)(int)) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = h;
  sigaction(sig, &sa, NULL);
}

static void block_only(int sig) {
  sigset_t s;
  sigemptyset(&s);
  if (sig) sigaddset(&s, sig);
  sigprocmask(SIG_SETMASK, &s, NULL);
}

static int blocked(int sig) {
  sigset_t s;
  sigprocmask(SIG_BLOCK, NULL, &s);
  return sigismember(&s, sig);
}

static int pending(int sig) {
  sigset_t s;
  sigpending(&s);
  return sigismember(&s, sig);
}

static pid_t spawn_true(void) {
  pid_t pid;
  char *argv[] = {"true", NULL};
  return posix_spawnp(&pid, "true", NULL, NULL, argv, environ) == 0 ? pid : -1;
}

static void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* A forked child that sends `sig` to its parent after `ms`. */
static pid_t signal_me_later(int sig, int ms) {
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    sleep_ms(ms);
    kill(parent, sig);
    _exit(0);
  }
  return pid;
}

static void reap(pid_t pid) {
  int st;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
}

static const struct timespec three_s = {3, 0};

static void pselect_sigchld(void) {
  int p[2];
  pipe(p);
  block_only(SIGCHLD);
  handle(SIGCHLD, on_chld);
  chld = 0;
  pid_t pid = spawn_true();
  sigset_t empty;
  sigemptyset(&empty);
  fd_set r;
  FD_ZERO(&r);
  FD_SET(p[0], &r);
  int n = pselect(p[0] + 1, &r, NULL, NULL, &three_s, &empty);
  int e = errno;
  CHECK("pselect: a child's exit ends the wait with EINTR", n == -1 && e == EINTR, "got %d, errno %d", n, e);
  CHECK("pselect: the SIGCHLD handler ran", chld == 1, "handler ran %d times", (int)chld);
  CHECK("pselect: SIGCHLD is blocked again afterwards", blocked(SIGCHLD), "not blocked");
  reap(pid);
  close(p[0]);
  close(p[1]);
}

static void ppoll_sigchld(void) {
  int p[2];
  pipe(p);
  block_only(SIGCHLD);
  handle(SIGCHLD, on_chld);
  chld = 0;
  pid_t pid = spawn_true();
  sigset_t empty;
  sigemptyset(&empty);
  struct pollfd fd = {.fd = p[0], .events = POLLIN};
  int n = ppoll(&fd, 1, &three_s, &empty);
  int e = errno;
  CHECK("ppoll: a child's exit ends the wait with EINTR", n == -1 && e == EINTR, "got %d, errno %d", n, e);
  CHECK("ppoll: the SIGCHLD handler ran", chld == 1, "handler ran %d times", (int)chld);
  CHECK("ppoll: SIGCHLD is blocked again afterwards", blocked(SIGCHLD), "not blocked");
  reap(pid);
  close(p[0]);
  close(p[1]);
}

/* The swap is atomic: a signal pending before the call ends the wait at once. */
static void pending_before(void) {
  int p[2];
  pipe(p);
  handle(SIGUSR1, on_usr1);
  block_only(SIGUSR1);
  usr1 = 0;
  raise(SIGUSR1);
  CHECK("a blocked SIGUSR1 waits", usr1 == 0 && pending(SIGUSR1), "handler ran %d, pending %d", (int)usr1, pending(SIGUSR1));
  sigset_t empty;
  sigemptyset(&empty);
  fd_set r;
  FD_ZERO(&r);
  FD_SET(p[0], &r);
  int n = pselect(p[0] + 1, &r, NULL, NULL, &three_s, &empty);
  int e = errno;
  CHECK("pselect: a signal pending before the wait ends it with EINTR", n == -1 && e == EINTR, "got %d, errno %d", n, e);
  CHECK("pselect: its handler ran once", usr1 == 1, "handler ran %d times", (int)usr1);
  CHECK("pselect: the mask is back and nothing is pending", blocked(SIGUSR1) && !pending(SIGUSR1), "blocked %d pending %d", blocked(SIGUSR1), pending(SIGUSR1));

  raise(SIGUSR1);
  struct pollfd fd = {.fd = p[0], .events = POLLIN};
  n = ppoll(&fd, 1, &three_s, &empty);
  e = errno;
  CHECK("ppoll: a signal pending before the wait ends it with EINTR", n == -1 && e == EINTR && usr1 == 2, "got %d, errno %d, handler ran %d", n, e, (int)usr1);

  /* A ready fd wins over the signal, which stays pending under the old mask. */
  write(p[1], "x", 1);
  raise(SIGUSR1);
  FD_ZERO(&r);
  FD_SET(p[0], &r);
  n = pselect(p[0] + 1, &r, NULL, NULL, &three_s, &empty);
  CHECK("pselect: a ready fd is reported though a signal is pending", n == 1 && FD_ISSET(p[0], &r), "got %d", n);
  CHECK("pselect: that signal stays pending, blocked, its handler not run", usr1 == 2 && pending(SIGUSR1) && blocked(SIGUSR1), "handler ran %d, pending %d", (int)usr1, pending(SIGUSR1));
  block_only(0);
  CHECK("unblocking it runs the handler", usr1 == 3, "handler ran %d times", (int)usr1);
  close(p[0]);
  close(p[1]);
}

static void timeouts(void) {
  int p[2];
  pipe(p);
  sigset_t empty;
  sigemptyset(&empty);
  struct timespec short_ts = {0, 50 * 1000000L};
  fd_set r;
  FD_ZERO(&r);
  FD_SET(p[0], &r);
  int n = pselect(p[0] + 1, &r, NULL, NULL, &short_ts, &empty);
  CHECK("pselect: a timeout with nothing ready is 0 and empty sets", n == 0 && r.__nfds == 0, "got %d", n);
  struct pollfd fd = {.fd = p[0], .events = POLLIN};
  n = ppoll(&fd, 1, &short_ts, NULL);
  CHECK("ppoll: a timeout with nothing ready is 0", n == 0 && fd.revents == 0, "got %d, revents %d", n, fd.revents);
  close(p[1]);
  n = ppoll(&fd, 1, &short_ts, NULL);
  CHECK("ppoll: a pipe whose writer closed is readable and hung up", n == 1 && (fd.revents & POLLIN) && (fd.revents & POLLHUP), "got %d, revents %#x", n, fd.revents);
  close(p[0]);
}

static void sigwaits(void) {
  handle(SIGUSR1, on_usr1);
  block_only(SIGUSR1);
  usr1 = 0;
  raise(SIGUSR1);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  siginfo_t info;
  struct timespec one_s = {1, 0}, short_ts = {0, 50 * 1000000L}, zero = {0, 0};
  int s = sigtimedwait(&set, &info, &one_s);
  CHECK("sigtimedwait: returns a pending blocked signal", s == SIGUSR1 && info.si_signo == SIGUSR1, "got %d (si_signo %d), errno %d", s, info.si_signo, errno);
  CHECK("sigtimedwait: the signal is taken, its handler not run", usr1 == 0 && !pending(SIGUSR1), "handler ran %d, pending %d", (int)usr1, pending(SIGUSR1));
  s = sigtimedwait(&set, &info, &short_ts);
  int e = errno;
  CHECK("sigtimedwait: EAGAIN when the timeout passes", s == -1 && e == EAGAIN, "got %d, errno %d", s, e);
  s = sigtimedwait(&set, &info, &zero);
  e = errno;
  CHECK("sigtimedwait: EAGAIN at once with a zero timeout", s == -1 && e == EAGAIN, "got %d, errno %d", s, e);

  pid_t kid = signal_me_later(SIGUSR1, 100);
  s = sigtimedwait(&set, &info, &three_s);
  CHECK("sigtimedwait: a signal sent during the wait ends it", s == SIGUSR1 && usr1 == 0, "got %d, errno %d, handler ran %d", s, errno, (int)usr1);
  reap(kid);

  handle(SIGUSR2, on_usr2);
  usr2 = 0;
  kid = signal_me_later(SIGUSR2, 100);
  s = sigtimedwait(&set, &info, &three_s);
  e = errno;
  CHECK("sigtimedwait: a caught signal outside the set ends it with EINTR", s == -1 && e == EINTR && usr2 == 1, "got %d, errno %d, handler ran %d", s, e, (int)usr2);
  reap(kid);

  /* SIGCHLD with its default action, blocked: kept pending for sigwaitinfo. */
  signal(SIGCHLD, SIG_DFL);
  block_only(SIGCHLD);
  pid_t pid = spawn_true();
  sigset_t chldset;
  sigemptyset(&chldset);
  sigaddset(&chldset, SIGCHLD);
  s = sigwaitinfo(&chldset, &info);
  CHECK("sigwaitinfo: takes a blocked SIGCHLD whose action is the default", s == SIGCHLD && info.si_signo == SIGCHLD, "got %d, errno %d", s, errno);
  reap(pid);

  block_only(SIGUSR2);
  kill(getpid(), SIGUSR2);
  sigset_t set2;
  sigemptyset(&set2);
  sigaddset(&set2, SIGUSR2);
  int got = 0;
  int r = sigwait(&set2, &got);
  CHECK("sigwait: 0 and the signal taken", r == 0 && got == SIGUSR2 && usr2 == 1, "got %d, sig %d, handler ran %d", r, got, (int)usr2);
  block_only(0);
}

int main(void) {
  pselect_sigchld();
  ppoll_sigchld();
  pending_before();
  timeouts();
  sigwaits();
  return tk_done();
}
