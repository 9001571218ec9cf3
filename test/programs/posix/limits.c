// Resource limits: getrlimit/setrlimit/prlimit, what each enforced limit does
// (RLIMIT_NOFILE: EMFILE; RLIMIT_NPROC: EAGAIN from fork and posix_spawn;
// RLIMIT_FSIZE: short writes, then EFBIG and SIGXFSZ), inheritance across fork
// and exec, and /proc/PID/limits. Run as `tabkernel run limits.wasm`.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../tk_test.h"

extern char **environ;

static void test_get_set(void) {
  struct rlimit r;
  CHECK("get.nofile", getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur == 1024 && r.rlim_max == 1024,
        "cur=%llu max=%llu", r.rlim_cur, r.rlim_max);
  CHECK("get.as-default", getrlimit(RLIMIT_AS, &r) == 0 && r.rlim_cur == 1ULL << 30 && r.rlim_max == RLIM_INFINITY,
        "cur=%llu max=%llu", r.rlim_cur, r.rlim_max);
  CHECK("get.bad-resource", getrlimit(99, &r) == -1 && errno == EINVAL, "errno=%d", errno);
  struct rlimit bad = {10, 5};
  CHECK("set.soft-above-hard", setrlimit(RLIMIT_CORE, &bad) == -1 && errno == EINVAL, "errno=%d", errno);
  struct rlimit big = {2048, 2048};
  CHECK("set.nofile-past-table", setrlimit(RLIMIT_NOFILE, &big) == -1 && errno == EPERM, "errno=%d", errno);
  struct rlimit core = {100, 200};
  CHECK("set.core", setrlimit(RLIMIT_CORE, &core) == 0 && getrlimit(RLIMIT_CORE, &r) == 0 &&
        r.rlim_cur == 100 && r.rlim_max == 200, "cur=%llu max=%llu", r.rlim_cur, r.rlim_max);
  struct rlimit old;
  CHECK("prlimit.old", prlimit(0, RLIMIT_CORE, NULL, &old) == 0 && old.rlim_cur == 100, "cur=%llu", old.rlim_cur);
  CHECK("prlimit.no-such-pid", prlimit(99999, RLIMIT_CORE, NULL, &old) == -1 && errno == ESRCH, "errno=%d", errno);
}

static void test_nofile(void) {
  struct rlimit r = {8, 1024};
  setrlimit(RLIMIT_NOFILE, &r);
  int fds[16], n = 0, fd;
  while (n < 16 && (fd = open("/dev/null", O_RDONLY)) >= 0) fds[n++] = fd;
  CHECK("nofile.emfile", n < 16 && errno == EMFILE, "opened %d, errno=%d", n, errno);
  CHECK("nofile.below-limit", n > 0 && fds[n - 1] == 7, "last fd %d", n > 0 ? fds[n - 1] : -1);
  CHECK("nofile.dup2-past", dup2(0, 8) == -1 && errno == EBADF, "errno=%d", errno);
  while (n > 0) close(fds[--n]);
  // posix_spawn's dup2 file action answers as dup2 would in the child: EBADF at or past its limit.
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, 0, 100);
  char *argv[] = {"true", NULL};
  pid_t child;
  int e = posix_spawn(&child, "/bin/true", &fa, NULL, argv, environ);
  CHECK("nofile.spawn-dup2-past", e == EBADF, "e=%d", e);
  posix_spawn_file_actions_destroy(&fa);
  r.rlim_cur = 1024;
  setrlimit(RLIMIT_NOFILE, &r);
}

static void test_fsize(void) {
  signal(SIGXFSZ, SIG_IGN);
  struct rlimit r = {10, RLIM_INFINITY};
  setrlimit(RLIMIT_FSIZE, &r);
  int fd = open("/tmp/fsize", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  CHECK("fsize.short-write", write(fd, "0123456789abcdef", 16) == 10, "errno=%d", errno);
  CHECK("fsize.efbig", write(fd, "x", 1) == -1 && errno == EFBIG, "errno=%d", errno);
  CHECK("fsize.pwrite-inside", pwrite(fd, "A", 1, 0) == 1, "errno=%d", errno);
  CHECK("fsize.ftruncate", ftruncate(fd, 100) == -1 && errno == EFBIG, "errno=%d", errno);
  close(fd);
  // SIGXFSZ's default action ends a child that passes the limit.
  pid_t pid = fork();
  if (pid == 0) {
    signal(SIGXFSZ, SIG_DFL);
    int f = open("/tmp/fsize", O_WRONLY | O_APPEND);
    write(f, "y", 1);
    _exit(0);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  CHECK("fsize.sigxfsz-kills", WIFSIGNALED(st) && WTERMSIG(st) == SIGXFSZ, "status=%#x", st);
  r.rlim_cur = RLIM_INFINITY;
  setrlimit(RLIMIT_FSIZE, &r);
  signal(SIGXFSZ, SIG_DFL);
}

static void test_nproc(void) {
  struct rlimit r;
  getrlimit(RLIMIT_NPROC, &r);
  struct rlimit one = {1, r.rlim_max};
  setrlimit(RLIMIT_NPROC, &one);
  pid_t pid = fork();
  if (pid == 0) _exit(0);
  CHECK("nproc.fork-eagain", pid == -1 && errno == EAGAIN, "pid=%d errno=%d", pid, errno);
  pid_t child;
  char *argv[] = {"true", NULL};
  int e = posix_spawnp(&child, "true", NULL, NULL, argv, environ);
  CHECK("nproc.spawn-eagain", e == EAGAIN, "e=%d", e);
  setrlimit(RLIMIT_NPROC, &r);
  pid = fork();
  if (pid == 0) _exit(0);
  CHECK("nproc.fork-again", pid > 0, "errno=%d", errno);
  waitpid(pid, NULL, 0);
}

// RLIMIT_AS holds the memory of the programs started after it is set: a fork
// child's malloc fails with ENOMEM past it, and the parent is unaffected.
static void test_as(void) {
  struct rlimit old, r;
  getrlimit(RLIMIT_AS, &old);
  r.rlim_cur = 32u << 20;
  r.rlim_max = old.rlim_max;
  setrlimit(RLIMIT_AS, &r);
  pid_t pid = fork();
  if (pid == 0) {
    // Kept and touched: the compiler may drop an allocation nobody uses.
    static char *volatile blocks[256];
    size_t got = 0;
    char *p;
    while (got < 256 && (p = malloc(1u << 20)) != NULL) {
      p[0] = 1;
      blocks[got++] = p;
    }
    _exit(got < 64 && got >= 4 && errno == ENOMEM ? 0 : 1);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  CHECK("as.child-malloc-null", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status=%#x", st);
  setrlimit(RLIMIT_AS, &old);
  char *volatile big = malloc(48u << 20);
  if (big) big[(48u << 20) - 1] = 1;
  CHECK("as.parent-unaffected", big != NULL, "errno=%d", errno);
  free(big);
}

static void test_inherit(void) {
  struct rlimit r = {123, 456};
  setrlimit(RLIMIT_CORE, &r);
  pid_t pid = fork();
  if (pid == 0) {
    struct rlimit c;
    getrlimit(RLIMIT_CORE, &c);
    _exit(c.rlim_cur == 123 && c.rlim_max == 456 ? 0 : 1);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  CHECK("inherit.fork", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status=%#x", st);
  // Across exec: the shell's ulimit reads what exec kept.
  int p[2];
  pipe(p);
  pid = fork();
  if (pid == 0) {
    dup2(p[1], 1);
    execl("/bin/sh", "sh", "-c", "ulimit -c; ulimit -H -c; grep 'core file' /proc/$$/limits", (char *)NULL);
    _exit(127);
  }
  close(p[1]);
  char buf[512] = {0};
  size_t n = 0;
  ssize_t k;
  while (n < sizeof buf - 1 && (k = read(p[0], buf + n, sizeof buf - 1 - n)) > 0) n += (size_t)k;
  close(p[0]);
  waitpid(pid, &st, 0);
  CHECK("inherit.exec", strcmp(buf, "0\n0\nMax core file size        123                  456                  bytes\n") == 0,
        "got '%s'", buf);
}

int main(void) {
  test_get_set();
  test_nofile();
  test_fsize();
  test_nproc();
  test_as();
  test_inherit();
  return tk_done();
}
