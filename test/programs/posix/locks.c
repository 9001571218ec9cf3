// File locks between processes (kernel/fs/locks.ts, kernel/syscall/locks.ts;
// userland/libc/fd.c): fcntl record locks (F_SETLK, F_SETLKW, F_GETLK),
// flock and lockf, checked as Linux behaves; and locks on stdout, whatever
// it is (GNU make -O locks it). Children are forked; each
// reports one errno (or 0) as its exit status.
// Run as `tabkernel run locks.wasm`.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "../tk_test.h"

static char path[64];
static int fd;      /* read-write, the parent's */
static int ready[2]; /* a child says it got this far */

static int lk(int f, int cmd, int type, int whence, off_t start, off_t len) {
  struct flock fl;
  memset(&fl, 0, sizeof fl);
  fl.l_type = (short)type;
  fl.l_whence = (short)whence;
  fl.l_start = start;
  fl.l_len = len;
  return fcntl(f, cmd, &fl) == 0 ? 0 : errno;
}
#define SETLK(type, start, len) lk(fd, F_SETLK, type, SEEK_SET, start, len)
#define UNLOCK_ALL() lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0)

static void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* Run fn in a forked child: its exit status, or 200 + the signal that ended it. */
static int child(int (*fn)(void)) {
  pid_t pid = fork();
  if (pid == 0) _exit(fn());
  int st;
  if (waitpid(pid, &st, 0) != pid) return 255;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 200 + WTERMSIG(st);
}

static pid_t start(int (*fn)(void)) {
  pid_t pid = fork();
  if (pid == 0) _exit(fn());
  return pid;
}

static int finish(pid_t pid) {
  int st;
  if (waitpid(pid, &st, 0) != pid) return 255;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 200 + WTERMSIG(st);
}

static void say_ready(void) {
  char c = 'r';
  write(ready[1], &c, 1);
}
static void await_ready(void) {
  char c;
  read(ready[0], &c, 1);
}

static int reopen(void) {
  return open(path, O_RDWR);
}

#define ERRCHECK(name, got, want) \
  do { int g_ = (got), w_ = (want); CHECK(name, g_ == w_, "got %d (%s), want %d (%s)", g_, strerror(g_), w_, strerror(w_)); } while (0)

/* ---- children ------------------------------------------------------------- */

static int c_write_all(void) { return lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0); }
static int c_read_all(void) { return lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 0, 0); }
static int c_write_30_10(void) { return lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 30, 10); }
static int c_write_40_10(void) { return lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 40, 10); }
static int c_write_39_1(void) { return lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 39, 1); }
static int c_write_50_1(void) { return lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 50, 1); }

/* F_GETLK names the parent's write lock on 10..29: 0, or which field was wrong. */
static int c_getlk(void) {
  struct flock fl;
  memset(&fl, 0, sizeof fl);
  fl.l_type = F_RDLCK;
  fl.l_whence = SEEK_SET;
  if (fcntl(fd, F_GETLK, &fl) != 0) return errno;
  if (fl.l_type != F_WRLCK) return 101;
  if (fl.l_pid != getppid()) return 102;
  if (fl.l_whence != SEEK_SET) return 103;
  if (fl.l_start != 10 || fl.l_len != 20) return 104;
  return 0;
}

/* F_GETLK of a lock "to the end" made from SEEK_END - 10 of a 100-byte file. */
static int c_getlk_to_end(void) {
  struct flock fl;
  memset(&fl, 0, sizeof fl);
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  fl.l_start = 1000;
  fl.l_len = 1;
  if (fcntl(fd, F_GETLK, &fl) != 0) return errno;
  if (fl.l_type != F_WRLCK) return 101;
  if (fl.l_start != 90 || fl.l_len != 0) return 104;
  return 0;
}

static int c_unlock_then_exit(void) { return UNLOCK_ALL(); }

static int c_lock_and_exit(void) { return lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0); }

static int c_setlkw_then_tell(void) {
  int r = lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 0);
  char c = 'x';
  write(ready[1], &c, 1);
  return r;
}

static volatile sig_atomic_t got_usr1;
static void on_usr1(int sig) { (void)sig; got_usr1 = 1; }

static int c_setlkw_interrupted(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, NULL); /* no SA_RESTART */
  say_ready();
  int r = lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 0);
  return r == EINTR && got_usr1 ? EINTR : 100 + r;
}

/* The other half of a deadlock: byte 1, then byte 0 (which the parent holds). */
static int c_deadlock(void) {
  if (lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 1, 1) != 0) return 101;
  say_ready();
  return lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1);
}

static int c_flock_other_nb(void) {
  int f = reopen();
  int r = flock(f, LOCK_EX | LOCK_NB) == 0 ? 0 : errno;
  close(f);
  return r;
}
static int c_flock_other_sh_nb(void) {
  int f = reopen();
  int r = flock(f, LOCK_SH | LOCK_NB) == 0 ? 0 : errno;
  close(f);
  return r;
}
static int c_flock_inherited_nb(void) { return flock(fd, LOCK_EX | LOCK_NB) == 0 ? 0 : errno; }
static int c_flock_wait_then_tell(void) {
  int f = reopen();
  int r = flock(f, LOCK_EX) == 0 ? 0 : errno;
  char c = 'x';
  write(ready[1], &c, 1);
  return r;
}

/* Holds an inherited flocked fd until told to go. */
static int go[2];
static int c_hold_until_told(void) {
  say_ready();
  char c;
  read(go[0], &c, 1);
  return 0;
}

static int c_lockf_tlock(void) { return lockf(fd, F_TLOCK, 0) == 0 ? 0 : errno; }
static int c_lockf_test(void) { return lockf(fd, F_TEST, 0) == 0 ? 0 : errno; }

/* ---- the checks ------------------------------------------------------------ */

static void record_locks(void) {
  ERRCHECK("setlk.write", SETLK(F_WRLCK, 10, 20), 0);
  ERRCHECK("setlk.conflict-is-eagain", child(c_write_all), EAGAIN);
  ERRCHECK("setlk.outside-the-range", child(c_write_30_10), 0);
  ERRCHECK("getlk.names-holder-pid-range", child(c_getlk), 0);
  {
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    CHECK("getlk.own-lock-is-no-conflict", fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type == F_UNLCK, "l_type %d", fl.l_type);
  }
  ERRCHECK("unlock", UNLOCK_ALL(), 0);
  ERRCHECK("setlk.free-after-unlock", child(c_write_all), 0);

  ERRCHECK("read.lock", SETLK(F_RDLCK, 0, 0), 0);
  ERRCHECK("read.shared", child(c_read_all), 0);
  ERRCHECK("read.excludes-write", child(c_write_all), EAGAIN);
  ERRCHECK("read.upgrade-to-write", SETLK(F_WRLCK, 0, 0), 0);
  ERRCHECK("read.after-upgrade", child(c_read_all), EAGAIN);

  /* Unlocking the middle of a lock splits it. */
  ERRCHECK("split.lock", SETLK(F_WRLCK, 0, 100), 0);
  ERRCHECK("split.unlock-middle", SETLK(F_UNLCK, 40, 10), 0);
  ERRCHECK("split.hole-is-free", child(c_write_40_10), 0);
  ERRCHECK("split.left-part-held", child(c_write_39_1), EAGAIN);
  ERRCHECK("split.right-part-held", child(c_write_50_1), EAGAIN);
  UNLOCK_ALL();

  /* SEEK_END and "to the end": 90.. of a 100-byte file. */
  ERRCHECK("whence.end", lk(fd, F_SETLK, F_WRLCK, SEEK_END, -10, 0), 0);
  ERRCHECK("getlk.to-the-end-is-len-0", child(c_getlk_to_end), 0);
  UNLOCK_ALL();
  ERRCHECK("inval.negative-start", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, -1, 1), EINVAL);
  ERRCHECK("inval.type", lk(fd, F_SETLK, 7, SEEK_SET, 0, 1), EINVAL);
  ERRCHECK("inval.getlk-unlck", lk(fd, F_GETLK, F_UNLCK, SEEK_SET, 0, 1), EINVAL);
  {
    int ro = open(path, O_RDONLY);
    ERRCHECK("badf.write-lock-on-read-only-fd", lk(ro, F_SETLK, F_WRLCK, SEEK_SET, 0, 1), EBADF);
    ERRCHECK("read-lock-on-read-only-fd", lk(ro, F_SETLK, F_RDLCK, SEEK_SET, 0, 1), 0);
    close(ro);
  }
  ERRCHECK("badf.not-an-fd", lk(77, F_SETLK, F_WRLCK, SEEK_SET, 0, 1), EBADF);

  /* Closing ANY fd of the file lets go of the process's locks on it. */
  ERRCHECK("close.lock", SETLK(F_WRLCK, 0, 0), 0);
  close(reopen());
  ERRCHECK("close.other-fd-releases", child(c_write_all), 0);

  /* A child neither inherits the parent's locks nor can unlock them. */
  ERRCHECK("fork.lock", SETLK(F_WRLCK, 0, 0), 0);
  ERRCHECK("fork.child-unlock-is-its-own", child(c_unlock_then_exit), 0);
  ERRCHECK("fork.parent-lock-stays", child(c_write_all), EAGAIN);
  UNLOCK_ALL();

  /* A process's locks go when it ends. */
  ERRCHECK("exit.child-locked", child(c_lock_and_exit), 0);
  ERRCHECK("exit.releases", SETLK(F_WRLCK, 0, 0), 0);

  /* F_SETLKW waits until the lock is let go. */
  {
    pid_t p = start(c_setlkw_then_tell);
    sleep_ms(200);
    fcntl(ready[0], F_SETFL, O_NONBLOCK);
    char c;
    ssize_t n = read(ready[0], &c, 1);
    int e = errno;
    fcntl(ready[0], F_SETFL, 0);
    CHECK("setlkw.waits", n < 0 && e == EAGAIN, "read gave %zd (%s): the child did not wait", n, strerror(e));
    UNLOCK_ALL();
    n = read(ready[0], &c, 1);
    CHECK("setlkw.gets-it-after-unlock", n == 1 && c == 'x', "read gave %zd", n);
    ERRCHECK("setlkw.status", finish(p), 0);
  }

  /* A signal ends the wait with EINTR. */
  {
    ERRCHECK("eintr.lock", SETLK(F_WRLCK, 0, 0), 0);
    pid_t p = start(c_setlkw_interrupted);
    await_ready();
    sleep_ms(150);
    kill(p, SIGUSR1);
    ERRCHECK("eintr.setlkw-interrupted", finish(p), EINTR);
    UNLOCK_ALL();
  }

  /* Two processes each waiting for the other: one of them gets EDEADLK. */
  {
    ERRCHECK("deadlock.lock-0", SETLK(F_WRLCK, 0, 1), 0);
    pid_t p = start(c_deadlock);
    await_ready();
    sleep_ms(150);
    int mine = lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 1, 1);
    if (mine == EDEADLK) UNLOCK_ALL(); /* let the child have byte 0 */
    int theirs = finish(p);
    CHECK("deadlock.one-side-edeadlk", (mine == EDEADLK && theirs == 0) || (mine == 0 && theirs == EDEADLK),
          "parent %d (%s), child %d", mine, strerror(mine), theirs);
    UNLOCK_ALL();
  }

  /* lockf: F_TLOCK fails with EAGAIN, F_TEST with EACCES, where another holds it. */
  lseek(fd, 0, SEEK_SET);
  ERRCHECK("lockf.lock", lockf(fd, F_LOCK, 0) == 0 ? 0 : errno, 0);
  ERRCHECK("lockf.tlock-elsewhere", child(c_lockf_tlock), EAGAIN);
  ERRCHECK("lockf.test-elsewhere", child(c_lockf_test), EACCES);
  ERRCHECK("lockf.test-own", lockf(fd, F_TEST, 0) == 0 ? 0 : errno, 0);
  ERRCHECK("lockf.ulock", lockf(fd, F_ULOCK, 0) == 0 ? 0 : errno, 0);
  ERRCHECK("lockf.free", child(c_lockf_tlock), 0);
}

static void flock_locks(void) {
  ERRCHECK("flock.ex", flock(fd, LOCK_EX) == 0 ? 0 : errno, 0);
  ERRCHECK("flock.other-description-ewouldblock", child(c_flock_other_nb), EWOULDBLOCK);
  ERRCHECK("flock.inherited-description-shares-it", child(c_flock_inherited_nb), 0);
  /* Closing a dup leaves the description open: the lock stays. */
  close(dup(fd));
  ERRCHECK("flock.dup-close-keeps", child(c_flock_other_nb), EWOULDBLOCK);
  /* flock and fcntl locks do not see each other (Linux). */
  ERRCHECK("flock.does-not-block-fcntl", child(c_write_all), 0);
  ERRCHECK("flock.un", flock(fd, LOCK_UN) == 0 ? 0 : errno, 0);
  ERRCHECK("flock.free-after-un", child(c_flock_other_nb), 0);
  ERRCHECK("fcntl.lock", SETLK(F_WRLCK, 0, 0), 0);
  ERRCHECK("fcntl.does-not-block-flock", child(c_flock_other_nb), 0);
  UNLOCK_ALL();

  ERRCHECK("flock.sh", flock(fd, LOCK_SH) == 0 ? 0 : errno, 0);
  ERRCHECK("flock.sh-shared", child(c_flock_other_sh_nb), 0);
  ERRCHECK("flock.sh-excludes-ex", child(c_flock_other_nb), EWOULDBLOCK);
  flock(fd, LOCK_UN);

  /* The last fd of the description closing lets go. */
  {
    int f = reopen();
    flock(f, LOCK_EX);
    ERRCHECK("flock.held-by-other-fd", child(c_flock_other_nb), EWOULDBLOCK);
    close(f);
    ERRCHECK("flock.last-close-releases", child(c_flock_other_nb), 0);
  }

  /* A forked child shares the description: the parent's close is not the last. */
  {
    int f = reopen();
    flock(f, LOCK_EX);
    pipe(go);
    pid_t p = start(c_hold_until_told);
    await_ready();
    close(f);
    ERRCHECK("flock.child-still-holds-it", child(c_flock_other_nb), EWOULDBLOCK);
    write(go[1], "g", 1);
    finish(p);
    ERRCHECK("flock.gone-with-the-child", child(c_flock_other_nb), 0);
    close(go[0]);
    close(go[1]);
  }

  /* Without LOCK_NB, flock waits. */
  {
    flock(fd, LOCK_EX);
    pid_t p = start(c_flock_wait_then_tell);
    sleep_ms(200);
    fcntl(ready[0], F_SETFL, O_NONBLOCK);
    char c;
    ssize_t n = read(ready[0], &c, 1);
    fcntl(ready[0], F_SETFL, 0);
    CHECK("flock.waits", n < 0, "the child did not wait");
    flock(fd, LOCK_UN);
    n = read(ready[0], &c, 1);
    CHECK("flock.gets-it-after-un", n == 1, "read gave %zd", n);
    ERRCHECK("flock.wait-status", finish(p), 0);
  }
  ERRCHECK("flock.inval", flock(fd, 0) == 0 ? 0 : errno, EINVAL);
}

/* ---- stdout ---------------------------------------------------------------- */
/* Under `tabkernel run`, stdout is the host's stream, whose stat is all zeros
 * (as wasmtime's); on Linux stdout is always a file one can lock, and GNU
 * make's output sync (-O) takes its lock on it. A forked child shares the
 * description but not the parent's record locks. */
static int c_stdout_setlk(void) { return lk(1, F_SETLK, F_WRLCK, SEEK_SET, 0, 1); }

static void stdout_locks(void) {
  ERRCHECK("stdout.setlkw", lk(1, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1), 0);
  ERRCHECK("stdout.other-is-refused", child(c_stdout_setlk), EAGAIN);
  ERRCHECK("stdout.unlock", lk(1, F_SETLK, F_UNLCK, SEEK_SET, 0, 1), 0);
  ERRCHECK("stdout.other-gets-it", child(c_stdout_setlk), 0);
  ERRCHECK("stdout.flock", flock(1, LOCK_EX | LOCK_NB) == 0 ? 0 : errno, 0);
  ERRCHECK("stdout.flock-un", flock(1, LOCK_UN) == 0 ? 0 : errno, 0);
}

int main(void) {
  snprintf(path, sizeof path, "/tmp/tk-locks-%d", (int)getpid());
  fd = open(path, O_RDWR | O_CREAT | O_TRUNC);
  if (fd < 0) {
    printf("FAIL open %s: %s\n", path, strerror(errno));
    return 1;
  }
  char buf[100];
  memset(buf, 'a', sizeof buf);
  write(fd, buf, sizeof buf);
  pipe(ready);
  record_locks();
  flock_locks();
  stdout_locks();
  unlink(path);
  return tk_done();
}
