// SA_RESTART (issue 15, item 3), as signal(7) "Interruption of system calls
// and library functions by signal handlers" describes Linux: a handler with
// SA_RESTART restarts read and write on pipes, wait and waitpid, F_SETLKW and
// flock; without it they fail with EINTR; poll, select, pselect, nanosleep
// and sigsuspend fail with EINTR whatever the flags. A read of a regular file
// never waits, so a signal that arrived while the program computed only runs
// its handler (natively: "read 5 bytes, handler ran 1").
// Run as `tabkernel run restart.wasm`.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "../tk_test.h"

extern char **environ;

static volatile sig_atomic_t handled;
static void on_sig(int s) { (void)s; handled++; }

static void handle(int sig, int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sig;
  sa.sa_flags = flags;
  sigaction(sig, &sa, NULL);
  handled = 0;
}

static void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
}

/* A forked child that sends SIGUSR1 to its parent after `ms`, then runs `then` (if any). */
static pid_t signal_me_later(int ms, void (*then)(void)) {
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    sleep_ms(ms);
    kill(parent, SIGUSR1);
    if (then) then();
    _exit(7);
  }
  return pid;
}

static void reap(pid_t pid) {
  int st;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
}

/* The reproduction: SIGCHLD arrives while the program computes. */
static volatile unsigned sink;
static void regular_file(void) {
  int fd = open("/tmp/restart.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
  write(fd, "hello", 5);
  lseek(fd, 0, SEEK_SET);
  handle(SIGCHLD, SA_RESTART);
  pid_t pid;
  char *argv[] = {"true", NULL};
  posix_spawnp(&pid, "true", NULL, NULL, argv, environ);
  for (unsigned i = 0; i < 100000000u; i++) sink += i; /* compute: no calls, no handler */
  char buf[8];
  ssize_t n = read(fd, buf, sizeof buf);
  int e = errno;
  reap(pid); /* the child has certainly exited now, so SIGCHLD has come */
  printf("read %d bytes, handler ran %d\n", (int)n, (int)handled);
  CHECK("read of a regular file returns its bytes with SIGCHLD caught meanwhile", n == 5 && memcmp(buf, "hello", 5) == 0 && handled == 1, "read %d (errno %d), handler ran %d", (int)n, e, (int)handled);
  signal(SIGCHLD, SIG_DFL);
  close(fd);
  unlink("/tmp/restart.txt");
}

static int pfd[2];
static void write_hello(void) {
  sleep_ms(100);
  write(pfd[1], "hello", 5);
}

static void pipe_read(int flags, const char *name) {
  pipe(pfd);
  handle(SIGUSR1, flags);
  pid_t kid = signal_me_later(200, write_hello);
  char buf[8];
  ssize_t n = read(pfd[0], buf, sizeof buf);
  int e = errno;
  if (flags & SA_RESTART)
    CHECK(name, n == 5 && handled == 1, "read %d (errno %d), handler ran %d", (int)n, e, (int)handled);
  else
    CHECK(name, n == -1 && e == EINTR && handled == 1, "read %d (errno %d), handler ran %d", (int)n, e, (int)handled);
  reap(kid);
  close(pfd[0]);
  close(pfd[1]);
}

static void drain(void) {
  sleep_ms(100);
  char buf[4096];
  fcntl(pfd[0], F_SETFL, O_NONBLOCK);
  for (int idle = 0; idle < 20;) {
    if (read(pfd[0], buf, sizeof buf) > 0) idle = 0;
    else { idle++; sleep_ms(10); }
  }
}

static void pipe_write(int flags, const char *name) {
  pipe(pfd);
  fcntl(pfd[1], F_SETFL, O_NONBLOCK);
  char block[4096];
  memset(block, 'x', sizeof block);
  while (write(pfd[1], block, sizeof block) > 0) {}
  fcntl(pfd[1], F_SETFL, 0);
  handle(SIGUSR1, flags);
  pid_t kid = signal_me_later(200, drain);
  ssize_t n = write(pfd[1], block, 100); /* atomic (<= PIPE_BUF): all or nothing */
  int e = errno;
  if (flags & SA_RESTART)
    CHECK(name, n == 100 && handled == 1, "wrote %d (errno %d), handler ran %d", (int)n, e, (int)handled);
  else
    CHECK(name, n == -1 && e == EINTR && handled == 1, "wrote %d (errno %d), handler ran %d", (int)n, e, (int)handled);
  reap(kid);
  close(pfd[0]);
  close(pfd[1]);
}

static void wait_for_child(void) { sleep_ms(100); }

static void waiting(int flags, const char *name) {
  handle(SIGUSR1, flags);
  pid_t kid = signal_me_later(200, wait_for_child);
  int st = 0;
  pid_t got = waitpid(kid, &st, 0);
  int e = errno;
  if (flags & SA_RESTART) {
    CHECK(name, got == kid && WIFEXITED(st) && WEXITSTATUS(st) == 7 && handled == 1, "waitpid %d (errno %d), handler ran %d", (int)got, e, (int)handled);
  } else {
    CHECK(name, got == -1 && e == EINTR && handled == 1, "waitpid %d (errno %d), handler ran %d", (int)got, e, (int)handled);
    reap(kid);
  }
}

static int lockfd;
static void hold_lock(void) { /* the child holds the lock (taken before fork) a while longer */
  sleep_ms(100);
  flock(lockfd, LOCK_UN);
}

static void locking(int flags, const char *name) {
  lockfd = open("/tmp/restart.lock", O_RDWR | O_CREAT, 0644);
  flock(lockfd, LOCK_EX);
  handle(SIGUSR1, flags);
  pid_t kid = signal_me_later(200, hold_lock); /* shares the description, and the flock */
  int mine = open("/tmp/restart.lock", O_RDWR);
  int r = flock(mine, LOCK_EX);
  int e = errno;
  if (flags & SA_RESTART)
    CHECK(name, r == 0 && handled == 1, "flock %d (errno %d), handler ran %d", r, e, (int)handled);
  else
    CHECK(name, r == -1 && e == EINTR && handled == 1, "flock %d (errno %d), handler ran %d", r, e, (int)handled);
  reap(kid);
  close(mine);
  close(lockfd);
  unlink("/tmp/restart.lock");
}

/* These end with EINTR even when the handler has SA_RESTART. */
static void never_restarted(void) {
  int p[2];
  pipe(p);
  handle(SIGUSR1, SA_RESTART);
  pid_t kid = signal_me_later(200, NULL);
  struct timespec ts = {3, 0}, rem = {0, 0};
  int r = nanosleep(&ts, &rem);
  int e = errno;
  CHECK("nanosleep: EINTR and the time left, even with SA_RESTART", r == -1 && e == EINTR && handled == 1 && rem.tv_sec >= 1, "nanosleep %d (errno %d), handler ran %d, %ld s left", r, e, (int)handled, (long)rem.tv_sec);
  reap(kid);

  handle(SIGUSR1, SA_RESTART);
  kid = signal_me_later(200, NULL);
  struct pollfd fd = {.fd = p[0], .events = POLLIN};
  r = poll(&fd, 1, 3000);
  e = errno;
  CHECK("poll: EINTR even with SA_RESTART", r == -1 && e == EINTR && handled == 1, "poll %d (errno %d), handler ran %d", r, e, (int)handled);
  reap(kid);

  handle(SIGUSR1, SA_RESTART);
  kid = signal_me_later(200, NULL);
  fd_set rs;
  FD_ZERO(&rs);
  FD_SET(p[0], &rs);
  struct timeval tv = {3, 0};
  r = select(p[0] + 1, &rs, NULL, NULL, &tv);
  e = errno;
  CHECK("select: EINTR even with SA_RESTART", r == -1 && e == EINTR && handled == 1, "select %d (errno %d), handler ran %d", r, e, (int)handled);
  reap(kid);

  handle(SIGUSR1, SA_RESTART);
  kid = signal_me_later(200, NULL);
  sigset_t empty;
  sigemptyset(&empty);
  r = sigsuspend(&empty);
  e = errno;
  CHECK("sigsuspend: EINTR even with SA_RESTART", r == -1 && e == EINTR && handled == 1, "sigsuspend %d (errno %d), handler ran %d", r, e, (int)handled);
  reap(kid);
  close(p[0]);
  close(p[1]);
}

int main(void) {
  regular_file();
  pipe_read(SA_RESTART, "pipe read: restarted after a handler with SA_RESTART");
  pipe_read(0, "pipe read: EINTR after a handler without SA_RESTART");
  pipe_write(SA_RESTART, "pipe write: restarted after a handler with SA_RESTART");
  pipe_write(0, "pipe write: EINTR after a handler without SA_RESTART");
  waiting(SA_RESTART, "waitpid: restarted after a handler with SA_RESTART");
  waiting(0, "waitpid: EINTR after a handler without SA_RESTART");
  locking(SA_RESTART, "flock: restarted after a handler with SA_RESTART");
  locking(0, "flock: EINTR after a handler without SA_RESTART");
  never_restarted();
  return tk_done();
}
