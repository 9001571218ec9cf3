// Processes through tabkernel's libc extension: fork, exec, posix_spawn,
// wait statuses, pipes, signals (handlers, EINTR, SIGPIPE, SIGKILL), process
// groups and orphans. Run as `tabkernel run process.wasm` (the root image
// provides /bin/echo, /bin/cat, /bin/yes, /bin/wc).
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>
#include "../tk_test.h"
#include "records.h"
#include "../tk_raw.h"

extern char **environ;

static ssize_t read_all(int fd, char *buf, size_t cap) {
  size_t n = 0;
  ssize_t r;
  while (n < cap - 1 && (r = read(fd, buf + n, cap - 1 - n)) > 0) n += (size_t)r;
  buf[n] = 0;
  return (ssize_t)n;
}

static void test_fork_copies_memory(void) {
  static int x = 1;
  size_t big = 1 << 20;
  char *heap = malloc(big);
  memset(heap, 'p', big);
  pid_t pid = fork();
  if (pid == 0) {
    int ok = x == 1 && heap[big - 1] == 'p';
    x = 2;
    memset(heap, 'c', big);
    _exit(ok ? 20 : 21);
  }
  CHECK("fork.parent-gets-pid", pid > 0, "fork returned %d", pid);
  int st = 0;
  pid_t w = waitpid(pid, &st, 0);
  CHECK("fork.wait-returns-child", w == pid, "waitpid=%d", w);
  CHECK("fork.child-saw-parent-memory", WIFEXITED(st) && WEXITSTATUS(st) == 20, "status=%#x", st);
  CHECK("fork.parent-memory-untouched", x == 1 && heap[0] == 'p' && heap[big - 1] == 'p', "x=%d", x);
  /* Forks in a row: a child's worker may reuse the memory an earlier child of
     the same size left behind; each must see its parent's memory, not that. */
  int fresh = 1;
  for (int i = 0; i < 4; i++) {
    heap[big / 2] = (char)('0' + i);
    pid = fork();
    if (pid == 0) {
      int ok = x == 1 && heap[0] == 'p' && heap[big / 2] == '0' + i && heap[big - 1] == 'p';
      memset(heap, 'c', big);
      _exit(ok ? 20 : 21);
    }
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 20) fresh = 0;
  }
  CHECK("fork.repeated-children-see-parent-not-previous-child", fresh, "status=%#x", st);
  free(heap);
  /* The child copies its parent's memory while the parent waits: what the
     parent writes once fork has returned must not show in the child. */
  size_t huge = 8u << 20;
  char *h = malloc(huge);
  memset(h, 'a', huge);
  pid = fork();
  if (pid == 0) {
    size_t bad = h[huge - 1] != 'a';
    for (size_t i = 0; i < huge; i += 4096) bad += h[i] != 'a';
    _exit(bad ? 21 : 20);
  }
  if (pid > 0) memset(h, 'b', huge);
  st = 0;
  CHECK("fork.parent-writes-after-fork-unseen", pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
        WEXITSTATUS(st) == 20, "pid=%d status=%#x", pid, st);
  free(h);
  /* Memory that grew just before a fork is the child's too: the kernel's view
     of the parent's (shared) memory must catch up with the growth first. */
  int grown = 1;
  for (int i = 0; i < 40 && grown; i++) {
    size_t sz = 256u << 10;
    char *g = malloc(sz);  /* never freed here: each one grows the heap */
    if (!g) break;
    g[0] = 'g';
    g[sz - 1] = (char)i;
    pid = fork();
    if (pid == 0) _exit(g[0] == 'g' && g[sz - 1] == (char)i ? 20 : 21);
    st = 0;
    grown = pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 20;
  }
  CHECK("fork.after-memory-grew", grown, "pid=%d status=%#x errno=%d", pid, st, errno);
}

static void test_pipe_between_processes(void) {
  int fds[2];
  CHECK("pipe.create", pipe(fds) == 0, "errno=%d", errno);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    write(fds[1], "hello", 5);
    _exit(0);
  }
  close(fds[1]);
  char buf[64];
  ssize_t n = read_all(fds[0], buf, sizeof buf);
  CHECK("pipe.reads-child-bytes-then-eof", n == 5 && strcmp(buf, "hello") == 0, "got %zd '%s'", n, buf);
  close(fds[0]);
  waitpid(pid, NULL, 0);
}

static void test_exec(void) {
  int fds[2];
  pipe(fds);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    char *argv[] = {"echo", "from-exec", NULL};
    execv("/bin/echo", argv);
    _exit(99);
  }
  close(fds[1]);
  char buf[64];
  read_all(fds[0], buf, sizeof buf);
  close(fds[0]);
  int st = 0;
  waitpid(pid, &st, 0);
  CHECK("exec.replaces-program", strcmp(buf, "from-exec\n") == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
        "got '%s' status=%#x", buf, st);
  char *bad[] = {"nope", NULL};
  CHECK("exec.missing-file-is-enoent", execv("/bin/does-not-exist", bad) == -1 && errno == ENOENT, "errno=%d", errno);
}

/* `ls /proc/self/fd` run by exec (fork) or posix_spawn: the fds it was given, one per line. */
static void fds_after(int via_spawn, char *out, size_t cap) {
  int p[2];
  pipe(p);
  char *argv[] = {"ls", "/proc/self/fd", NULL};
  if (via_spawn) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    pid_t pid;
    posix_spawn(&pid, "/bin/ls", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
  } else if (fork() == 0) {
    dup2(p[1], 1);
    execv("/bin/ls", argv);
    _exit(99);
  }
  close(p[1]);
  read_all(p[0], out, cap);
  close(p[0]);
  while (wait(NULL) > 0) {}
}

static void test_open_cloexec(void) {
  /* Above the fds the new program's preopens take (the lowest free ones), so
     a number missing from its list is a descriptor exec closed. */
  int fill[12];
  for (int i = 0; i < 12; i++) fill[i] = dup(0);
  int a = open("/tmp/cloexec-a", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int b = open("/tmp/cloexec-b", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  for (int i = 0; i < 12; i++) close(fill[i]);
  CHECK("cloexec.open-sets-fd-flag", a >= 0 && fcntl(a, F_GETFD) == FD_CLOEXEC, "fd=%d F_GETFD=%d", a, fcntl(a, F_GETFD));
  CHECK("cloexec.plain-open-does-not", b >= 0 && fcntl(b, F_GETFD) == 0, "F_GETFD=%d", fcntl(b, F_GETFD));
  int fl = fcntl(a, F_GETFL);
  CHECK("cloexec.not-a-status-flag", (fl & O_CLOEXEC) == 0 && (fl & O_ACCMODE) == O_WRONLY, "F_GETFL=%#x", fl);
  CHECK("cloexec.dup3", dup3(b, 30, O_CLOEXEC) == 30 && fcntl(30, F_GETFD) == FD_CLOEXEC, "F_GETFD=%d", fcntl(30, F_GETFD));
  CHECK("cloexec.dup2-clears", dup2(a, 31) == 31 && fcntl(31, F_GETFD) == 0, "F_GETFD=%d", fcntl(31, F_GETFD));
  int p[2];
  CHECK("cloexec.pipe2", pipe2(p, O_CLOEXEC) == 0 && fcntl(p[0], F_GETFD) == FD_CLOEXEC && fcntl(p[1], F_GETFD) == FD_CLOEXEC, "F_GETFD=%d", fcntl(p[0], F_GETFD));
  close(p[0]);
  close(p[1]);
  FILE *fe = fopen("/tmp/cloexec-e", "we"), *fw = fopen("/tmp/cloexec-w", "w");
  CHECK("cloexec.fopen-e", fe && fcntl(fileno(fe), F_GETFD) == FD_CLOEXEC, "F_GETFD=%d", fe ? fcntl(fileno(fe), F_GETFD) : -1);
  CHECK("cloexec.fopen-plain", fw && fcntl(fileno(fw), F_GETFD) == 0, "F_GETFD=%d", fw ? fcntl(fileno(fw), F_GETFD) : -1);
  if (fe) fclose(fe);
  if (fw) fclose(fw);
  unlink("/tmp/cloexec-e");
  unlink("/tmp/cloexec-w");
  for (int spawn = 0; spawn < 2; spawn++) {
    char list[256], fa[8], fb[8];
    fds_after(spawn, list, sizeof list);
    snprintf(fa, sizeof fa, "\n%d\n", a);
    snprintf(fb, sizeof fb, "\n%d\n", b);
    /* a and 30 (close-on-exec) are gone in the new program; b and 31 are there. */
    CHECK(spawn ? "cloexec.spawn-closes" : "cloexec.exec-closes",
          strstr(list, fa) == NULL && strstr(list, "\n30\n") == NULL && strstr(list, fb) != NULL && strstr(list, "\n31\n") != NULL,
          "a=%d b=%d; ls /proc/self/fd printed: %s", a, b, list);
  }
  close(a);
  close(b);
  close(30);
  close(31);
  unlink("/tmp/cloexec-a");
  unlink("/tmp/cloexec-b");
}

static void test_spawn_with_file_actions(void) {
  int in[2], out[2];
  pipe(in);
  pipe(out);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_addclose(&fa, in[1]);
  posix_spawn_file_actions_addclose(&fa, out[0]);
  char *argv[] = {"cat", NULL};
  pid_t pid = 0;
  int r = posix_spawnp(&pid, "cat", &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  CHECK("spawn.starts", r == 0 && pid > 0, "r=%d pid=%d", r, pid);
  close(in[0]);
  close(out[1]);
  write(in[1], "through cat\n", 12);
  close(in[1]);
  char buf[64];
  read_all(out[0], buf, sizeof buf);
  close(out[0]);
  int st = 0;
  waitpid(pid, &st, 0);
  CHECK("spawn.file-actions-wire-stdio", strcmp(buf, "through cat\n") == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
        "got '%s' status=%#x", buf, st);
  char *nope[] = {"no-such-command", NULL};
  CHECK("spawn.unknown-command-is-enoent", posix_spawnp(&pid, "no-such-command", NULL, NULL, nope, environ) == ENOENT, "");
}

static void test_signal_status(void) {
  pid_t pid = fork();
  if (pid == 0) {
    for (;;) pause();
  }
  CHECK("kill.sigterm", kill(pid, SIGTERM) == 0, "errno=%d", errno);
  int st = 0;
  waitpid(pid, &st, 0);
  CHECK("wait.signaled-status", WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "status=%#x", st);
  CHECK("wait.no-children-is-echild", waitpid(-1, &st, 0) == -1 && errno == ECHILD, "errno=%d", errno);
}

static void test_wnohang(void) {
  int fds[2];
  pipe(fds);
  pid_t pid = fork();
  if (pid == 0) {
    char c;
    read(fds[0], &c, 1);
    _exit(3);
  }
  int st = 0;
  CHECK("wait.wnohang-running-child-is-0", waitpid(pid, &st, WNOHANG) == 0, "");
  write(fds[1], "x", 1);
  waitpid(pid, &st, 0);
  CHECK("wait.exit-code", WIFEXITED(st) && WEXITSTATUS(st) == 3, "status=%#x", st);
  close(fds[0]);
  close(fds[1]);
}

static void test_sigpipe(void) {
  int fds[2];
  pipe(fds);
  close(fds[0]);
  signal(SIGPIPE, SIG_IGN);
  CHECK("sigpipe.ignored-gives-epipe", write(fds[1], "x", 1) == -1 && errno == EPIPE, "errno=%d", errno);
  signal(SIGPIPE, SIG_DFL);
  pid_t pid = fork();
  if (pid == 0) {
    write(fds[1], "x", 1);
    _exit(0);
  }
  close(fds[1]);
  int st = 0;
  waitpid(pid, &st, 0);
  CHECK("sigpipe.default-kills-writer", WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE, "status=%#x", st);
}

static volatile sig_atomic_t got;
static void on_usr1(int sig) { got = sig; }

static void test_handlers(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, NULL);
  raise(SIGUSR1);
  CHECK("handler.runs-on-raise", got == SIGUSR1, "got=%d", (int)got);

  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  got = 0;
  sigprocmask(SIG_BLOCK, &block, &old);
  raise(SIGUSR1);
  CHECK("handler.blocked-stays-pending", got == 0, "got=%d", (int)got);
  sigset_t pend;
  sigpending(&pend);
  CHECK("handler.sigpending-shows-it", sigismember(&pend, SIGUSR1) == 1, "");
  sigprocmask(SIG_SETMASK, &old, NULL);
  CHECK("handler.runs-when-unblocked", got == SIGUSR1, "got=%d", (int)got);

  // A handled signal interrupts a sleeping child: nanosleep fails with EINTR.
  int fds[2];
  pipe(fds);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    write(fds[1], "r", 1);
    struct timespec ts = {10, 0};
    int r = nanosleep(&ts, NULL);
    _exit(r == -1 && errno == EINTR && got == SIGUSR1 ? 0 : 1);
  }
  close(fds[1]);
  char c;
  read(fds[0], &c, 1);
  close(fds[0]);
  struct timespec tiny = {0, 20 * 1000 * 1000};
  nanosleep(&tiny, NULL);
  kill(pid, SIGUSR1);
  int st = 0;
  waitpid(pid, &st, 0);
  CHECK("handler.interrupts-sleep-with-eintr", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status=%#x", st);

  // ... and a read of an empty pipe whose writer is still open.
  int ready[2], empty[2];
  pipe(ready);
  pipe(empty);
  pid = fork();
  if (pid == 0) {
    close(ready[0]);
    close(empty[1]);
    write(ready[1], "r", 1);
    char b;
    ssize_t r = read(empty[0], &b, 1);
    _exit(r == -1 && errno == EINTR ? 0 : 1);
  }
  close(ready[1]);
  close(empty[0]);
  read(ready[0], &c, 1);
  close(ready[0]);
  nanosleep(&tiny, NULL);
  kill(pid, SIGUSR1);
  waitpid(pid, &st, 0);
  close(empty[1]);
  CHECK("handler.interrupts-pipe-read-with-eintr", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status=%#x", st);
  signal(SIGUSR1, SIG_DFL);
}

static pid_t spawn_fds(const char *cmd, int in, int out, int *closefds, int nclose) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (in >= 0) posix_spawn_file_actions_adddup2(&fa, in, 0);
  if (out >= 0) posix_spawn_file_actions_adddup2(&fa, out, 1);
  for (int i = 0; i < nclose; i++) posix_spawn_file_actions_addclose(&fa, closefds[i]);
  char *argv[] = {(char *)cmd, "-c", NULL};
  if (strcmp(cmd, "wc") != 0) argv[1] = NULL;
  pid_t pid = -1;
  posix_spawnp(&pid, cmd, &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

static void test_kill_pipeline_middle(void) {
  int a[2], b[2], out[2];
  pipe(a);
  pipe(b);
  pipe(out);
  int all[] = {a[0], a[1], b[0], b[1], out[0], out[1]};
  pid_t yes = spawn_fds("yes", -1, a[1], all, 6);
  pid_t cat = spawn_fds("cat", a[0], b[1], all, 6);
  pid_t wc = spawn_fds("wc", b[0], out[1], all, 6);
  for (int i = 0; i < 6; i++) close(all[i] == out[0] ? -1 : all[i]);
  struct timespec t = {0, 50 * 1000 * 1000};
  nanosleep(&t, NULL);
  kill(cat, SIGKILL);
  int sy = 0, sc = 0, sw = 0;
  waitpid(cat, &sc, 0);
  waitpid(yes, &sy, 0);
  waitpid(wc, &sw, 0);
  char buf[64];
  read_all(out[0], buf, sizeof buf);
  close(out[0]);
  CHECK("pipeline.killed-middle-is-sigkill", WIFSIGNALED(sc) && WTERMSIG(sc) == SIGKILL, "cat status=%#x", sc);
  CHECK("pipeline.writer-gets-sigpipe", WIFSIGNALED(sy) && WTERMSIG(sy) == SIGPIPE, "yes status=%#x", sy);
  CHECK("pipeline.reader-gets-eof", WIFEXITED(sw) && WEXITSTATUS(sw) == 0 && buf[0] >= '0' && buf[0] <= '9', "wc status=%#x out='%s'", sw, buf);
}

static void test_groups_and_orphans(void) {
  int fds[2];
  pipe(fds);
  pid_t me = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    int ok = getppid() == me && setpgid(0, 0) == 0 && getpgrp() == getpid();
    pid_t grandchild = fork();
    if (grandchild == 0) {
      // Wait until our parent is gone, then report who adopted us.
      while (getppid() != 1) {
        struct timespec t = {0, 5 * 1000 * 1000};
        nanosleep(&t, NULL);
      }
      char c = 'A';
      write(fds[1], &c, 1);
      _exit(0);
    }
    _exit(ok ? 0 : 1);
  }
  close(fds[1]);
  int st = 0;
  waitpid(pid, &st, 0);
  CHECK("groups.setpgid-in-child", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status=%#x", st);
  char c = 0;
  read(fds[0], &c, 1);
  close(fds[0]);
  CHECK("orphans.adopted-by-pid-1", c == 'A' && me == 1, "c=%c me=%d", c ? c : '?', me);
  while (waitpid(-1, NULL, 0) > 0) {}
}

// A group lives while any member does, a zombie leader included (Linux): the
// shell spawns a pipeline's later commands into the group of its first, which
// may have exited already.
static void test_zombie_leader_keeps_group(void) {
  int fds[2];
  pipe(fds);
  pid_t leader = fork();
  if (leader == 0) {
    setpgid(0, 0);
    close(fds[0]);
    write(fds[1], "L", 1);
    _exit(7);
  }
  setpgid(leader, leader); /* as a shell does, from both sides */
  close(fds[1]);
  char c;
  read(fds[0], &c, 1);
  /* EOF on the pipe: the leader has exited and not been reaped. */
  CHECK("groups.leader-exited", read(fds[0], &c, 1) == 0, "errno=%d", errno);
  close(fds[0]);
  CHECK("groups.kill-0-zombie", kill(leader, 0) == 0, "errno=%d", errno);
  CHECK("groups.kill-0-zombie-group", kill(-leader, 0) == 0, "errno=%d", errno);
  pid_t member = fork();
  if (member == 0) {
    int ok = setpgid(0, leader) == 0 && getpgrp() == leader;
    _exit(ok ? 0 : 10 + errno % 100);
  }
  int st = 0;
  waitpid(member, &st, 0);
  CHECK("groups.join-zombie-leaders-group", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status=%#x", st);
  waitpid(leader, &st, 0);
  CHECK("groups.leader-status", WIFEXITED(st) && WEXITSTATUS(st) == 7, "status=%#x", st);
  /* Reaped, and its group empty: joining it is EPERM, signalling it ESRCH. */
  CHECK("groups.gone-after-reap", setpgid(0, leader) == -1 && errno == EPERM, "errno=%d", errno);
  CHECK("groups.kill-gone", kill(-leader, 0) == -1 && errno == ESRCH, "errno=%d", errno);
}

// With SIGCHLD ignored (or SA_NOCLDWAIT), children are reaped as they exit: a
// waiting parent wakes when the last one is gone and fails with ECHILD (Linux).
static void test_sigchld_ignored(void) {
  struct sigaction ign, old;
  memset(&ign, 0, sizeof ign);
  ign.sa_handler = SIG_IGN;
  sigaction(SIGCHLD, &ign, &old);
  pid_t a = fork();
  if (a == 0) _exit(1);
  pid_t b = fork();
  if (b == 0) {
    struct timespec t = {0, 50 * 1000 * 1000};
    nanosleep(&t, NULL);
    _exit(2);
  }
  int st = 0;
  pid_t r = waitpid(-1, &st, 0);
  CHECK("sigchld-ignored.wait-echild", r == -1 && errno == ECHILD, "r=%d errno=%d", r, errno);
  CHECK("sigchld-ignored.no-zombie", kill(a, 0) == -1 && kill(b, 0) == -1, "a child is still there");

  struct sigaction nocldwait;
  memset(&nocldwait, 0, sizeof nocldwait);
  nocldwait.sa_handler = SIG_DFL;
  nocldwait.sa_flags = SA_NOCLDWAIT;
  sigaction(SIGCHLD, &nocldwait, NULL);
  pid_t c = fork();
  if (c == 0) _exit(3);
  r = waitpid(c, &st, 0);
  CHECK("sa-nocldwait.wait-echild", r == -1 && errno == ECHILD, "r=%d errno=%d", r, errno);
  sigaction(SIGCHLD, &old, NULL);
}

/* Spin until this process has used `ms` of CPU time. */
static void burn_cpu(long ms) {
  struct timespec t;
  do clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  while (t.tv_sec * 1000 + t.tv_nsec / 1000000 < ms);
}

static long long children_us(void) {
  struct rusage ru;
  if (getrusage(RUSAGE_CHILDREN, &ru) != 0) return -1;
  return (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec;
}

/* getrusage(RUSAGE_CHILDREN) and times(): the CPU time of the children waited
   for, and of theirs; nothing for a child not yet waited for. */
static void test_children_cpu_time(void) {
  long long before = children_us();
  int p[2];
  pipe(p);
  pid_t c = fork();
  if (c == 0) {
    close(p[0]);
    pid_t g = fork();
    if (g == 0) {
      burn_cpu(100);
      _exit(0);
    }
    waitpid(g, NULL, 0);
    burn_cpu(60);
    write(p[1], "x", 1); /* done burning: the parent looks before it waits */
    _exit(0);
  }
  close(p[1]);
  char x;
  read(p[0], &x, 1);
  close(p[0]);
  long long unwaited = children_us();
  CHECK("rusage-children.not-before-wait", unwaited == before, "before=%lld after=%lld us", before, unwaited);
  waitpid(c, NULL, 0);
  long long waited = children_us() - before;
  /* The child's 60 ms and its own child's 100 ms (waited for by it). */
  CHECK("rusage-children.child-and-grandchild", waited >= 155000 && waited < 5000000, "%lld us", waited);
  struct tms t;
  long hz = sysconf(_SC_CLK_TCK);
  clock_t now = times(&t);
  long long cut_us = (long long)t.tms_cutime * 1000000 / hz;
  CHECK("times.cutime", now != (clock_t)-1 && cut_us <= children_us() && cut_us > children_us() - 2000000 / hz,
        "tms_cutime=%lld ticks of %ld Hz, getrusage %lld us", (long long)t.tms_cutime, hz, children_us());
  CHECK("times.utime", t.tms_utime >= 0 && t.tms_stime == 0 && t.tms_cstime == 0, "utime=%lld", (long long)t.tms_utime);
}

// Writers of up to PIPE_BUF bytes are never interleaved, whichever path moved them.
static void test_pipe_buf_atomicity(void) {
  enum { WRITERS = 3, RECORDS = 60, SIZE = 4096 };
  struct records got = race_writers(WRITERS, RECORDS, SIZE, 0);
  CHECK("pipe.writes-up-to-pipe-buf-are-atomic",
        got.whole == WRITERS * RECORDS && got.torn == 0 && got.rest == 0 && got.failed == 0,
        "records=%d torn=%d rest=%zu bad=%d", got.whole, got.torn, got.rest, got.failed);
}

/* Writes to /dev/null are completed inside the process (no kernel hop); they
   must still count bytes, fault on bad pointers, respect the open mode and
   rights, and follow the fd when dup2 makes it something else. */
static void test_devnull_writes(void) {
  int fd = open("/dev/null", O_WRONLY);
  CHECK("devnull.open", fd >= 0, "errno=%d", errno);
  if (fd < 0) return;
  CHECK("devnull.write-counts", write(fd, "hello", 5) == 5, "errno=%d", errno);
  struct iovec iov[2] = {{"ab", 2}, {"cde", 3}};
  CHECK("devnull.writev-counts", writev(fd, iov, 2) == 5, "errno=%d", errno);
  CHECK("devnull.write-zero", write(fd, "", 0) == 0, "errno=%d", errno);
  int32_t bad_iov[2] = {0x7ffffff0, 4096}, out;
  EXPECT_ERR("devnull.bad-buffer-faults", raw_fd_write(fd, PTR(bad_iov), 1, PTR(&out)), __WASI_ERRNO_FAULT);
  EXPECT_ERR("devnull.bad-iovec-faults", raw_fd_write(fd, 0x7ffffff0, 1, PTR(&out)), __WASI_ERRNO_FAULT);
  int rd = open("/dev/null", O_RDONLY);
  CHECK("devnull.read-only-refuses-write", write(rd, "x", 1) == -1 && errno == EBADF, "errno=%d", errno);
  close(rd);

  /* The fd becomes a pipe's write end: the bytes must reach the pipe. */
  int p[2];
  CHECK("devnull.pipe", pipe(p) == 0, "errno=%d", errno);
  CHECK("devnull.dup2-pipe", dup2(p[1], fd) == fd, "errno=%d", errno);
  CHECK("devnull.write-after-dup2", write(fd, "abc", 3) == 3, "errno=%d", errno);
  char buf[8] = {0};
  CHECK("devnull.bytes-reach-pipe", read(p[0], buf, sizeof buf) == 3 && memcmp(buf, "abc", 3) == 0,
        "buf=%s", buf);
  /* And back to /dev/null: nothing reaches the pipe any more. */
  int nul = open("/dev/null", O_WRONLY);
  CHECK("devnull.dup2-back", dup2(nul, fd) == fd, "errno=%d", errno);
  CHECK("devnull.write-after-dup2-back", write(fd, "zzz", 3) == 3, "errno=%d", errno);
  fcntl(p[0], F_SETFL, O_NONBLOCK);
  CHECK("devnull.pipe-stays-empty", read(p[0], buf, sizeof buf) == -1 && errno == EAGAIN, "errno=%d", errno);

  /* Rights dropped after the first write: the next one is refused. */
  __wasi_fdstat_t st;
  EXPECT_OK("devnull.fdstat", __wasi_fd_fdstat_get(nul, &st));
  EXPECT_OK("devnull.drop-write-right",
            __wasi_fd_fdstat_set_rights(nul, st.fs_rights_base & ~__WASI_RIGHTS_FD_WRITE, st.fs_rights_inheriting));
  CHECK("devnull.no-right-no-write", write(nul, "x", 1) == -1 && errno == EBADF, "errno=%d", errno); /* wasmtime: EBADF */
  close(nul);
  close(fd);
  close(p[0]);
  close(p[1]);
}

int main(void) {
  test_devnull_writes();
  test_pipe_buf_atomicity();
  test_fork_copies_memory();
  test_pipe_between_processes();
  test_exec();
  test_open_cloexec();
  test_children_cpu_time();
  test_spawn_with_file_actions();
  test_signal_status();
  test_wnohang();
  test_sigpipe();
  test_handlers();
  test_kill_pipeline_middle();
  test_zombie_leader_keeps_group();
  test_sigchld_ignored();
  test_groups_and_orphans();
  return tk_done();
}
