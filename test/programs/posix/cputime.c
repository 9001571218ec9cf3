// CPU time and RLIMIT_CPU: the CPU clock advances while the process computes
// and not while it sleeps or blocks (nanosleep, a read of an empty pipe,
// waitpid); a fork child starts from 0; exec keeps the count (the shell's `times`);
// at the soft RLIMIT_CPU a process gets SIGXCPU (a handler runs, and again
// each second), SIGXCPU's default action ends it, and at the hard limit it
// gets SIGKILL — also when it spins without a single syscall.
// Run as `tabkernel run cputime.wasm`; the limit checks take ~3 s of CPU.
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "../tk_test.h"

static long long ns_of(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}
static long long cpu_ns(void) {
  return ns_of(CLOCK_PROCESS_CPUTIME_ID);
}
#define MS 1000000LL

/** Compute (calling the monotonic clock) for `ms` of wall time. */
static void spin_ms(long long ms) {
  long long end = ns_of(CLOCK_MONOTONIC) + ms * MS;
  while (ns_of(CLOCK_MONOTONIC) < end) { /* spin */ }
}

static void test_clock(void) {
  long long a = cpu_ns();
  spin_ms(300);
  long long b = cpu_ns();
  CHECK("clock.advances-computing", b - a >= 250 * MS, "+%lld ms over 300 ms of computing", (b - a) / MS);
  long long t = ns_of(CLOCK_THREAD_CPUTIME_ID);
  CHECK("clock.thread-is-process", t >= b && t - b < 100 * MS, "thread %lld ms, process %lld ms", t / MS, b / MS);

  struct timespec nap = {0, 300 * MS};
  a = cpu_ns();
  nanosleep(&nap, NULL);
  b = cpu_ns();
  CHECK("clock.still-sleeping", b - a < 100 * MS, "+%lld ms over a 300 ms nanosleep", (b - a) / MS);
}

/** A child that sleeps 300 ms, then writes a byte to `fd` and exits. */
static pid_t late_writer(int fd) {
  pid_t pid = fork();
  if (pid == 0) {
    struct timespec nap = {0, 300 * MS};
    nanosleep(&nap, NULL);
    write(fd, "x", 1);
    _exit(0);
  }
  return pid;
}

static void test_blocked(void) {
  int p[2];
  pipe(p);
  pid_t pid = late_writer(p[1]);
  long long a = cpu_ns();
  char c;
  ssize_t n = read(p[0], &c, 1);
  long long b = cpu_ns();
  CHECK("clock.still-reading-empty-pipe", n == 1 && b - a < 100 * MS, "read %zd, +%lld ms", n, (b - a) / MS);
  waitpid(pid, NULL, 0);

  pid = late_writer(p[1]);
  a = cpu_ns();
  int st = 0;
  waitpid(pid, &st, 0);
  b = cpu_ns();
  CHECK("clock.still-in-waitpid", WIFEXITED(st) && b - a < 100 * MS, "status=%#x, +%lld ms", st, (b - a) / MS);
  read(p[0], &c, 1);
  close(p[0]);
  close(p[1]);
}

static void test_fork_exec(void) {
  spin_ms(200); // the parent has used well over 200 ms by now
  int p[2];
  pipe(p);
  pid_t pid = fork();
  if (pid == 0) {
    long long child = cpu_ns();
    write(p[1], &child, sizeof child);
    _exit(0);
  }
  long long child = -1;
  read(p[0], &child, sizeof child);
  waitpid(pid, NULL, 0);
  CHECK("fork.child-starts-near-0", child >= 0 && child < 150 * MS && child < cpu_ns() - 200 * MS,
        "child %lld ms, parent %lld ms", child / MS, cpu_ns() / MS);

  // exec keeps the count: the shell's `times` shows what the child computed before.
  pid = fork();
  if (pid == 0) {
    spin_ms(300);
    dup2(p[1], 1);
    execl("/bin/sh", "sh", "-c", "times", (char *)NULL);
    _exit(127);
  }
  close(p[1]);
  char buf[256] = {0};
  size_t got = 0;
  ssize_t k;
  while (got < sizeof buf - 1 && (k = read(p[0], buf + got, sizeof buf - 1 - got)) > 0) got += (size_t)k;
  close(p[0]);
  waitpid(pid, NULL, 0);
  int min = -1;
  double sec = -1;
  sscanf(buf, "%dm%lfs", &min, &sec);
  CHECK("exec.keeps-cpu-time", min == 0 && sec >= 0.25 && sec < 5, "times printed '%s'", buf);
}

static int report_fd = -1;
static volatile int xcpus;

static void on_xcpu(int sig) {
  xcpus++;
  write(report_fd, cpu_ns() >= 999 * MS ? "x" : "E", 1); // never before the soft limit
}

/** Fork a child that sets RLIMIT_CPU to {soft, hard} and runs `body`; its pid. */
static pid_t limited(rlim_t soft, rlim_t hard, void (*body)(void)) {
  pid_t pid = fork();
  if (pid == 0) {
    struct rlimit r = {soft, hard};
    if (setrlimit(RLIMIT_CPU, &r) != 0) _exit(100);
    body();
    _exit(101);
  }
  return pid;
}

/** Count SIGXCPUs in a handler while computing with syscalls, until SIGKILL. */
static void handled(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_xcpu;
  sigaction(SIGXCPU, &sa, NULL);
  int seen = 0;
  for (;;) {
    ns_of(CLOCK_MONOTONIC); // a call: where the handler runs
    if (xcpus != seen) {
      seen = xcpus;
      struct rlimit r;
      getrlimit(RLIMIT_CPU, &r); // Linux moves the soft limit up a second at each SIGXCPU
      if (r.rlim_cur != (rlim_t)(1 + seen)) write(report_fd, "S", 1);
    }
  }
}

/** Compute without a single syscall: only the kernel can end this. */
static void pure(void) {
  for (volatile unsigned long i = 0;; i++) { /* spin */ }
}

static void ignoring(void) {
  signal(SIGXCPU, SIG_IGN);
  pure();
}

static void test_rlimit_cpu(void) {
  int p[2];
  pipe(p);
  report_fd = p[1];
  long long start = ns_of(CLOCK_MONOTONIC);
  // Side by side: CPU time is counted per process, so they do not slow each other's limits.
  pid_t h = limited(1, 3, handled);
  pid_t d = limited(1, RLIM_INFINITY, pure);
  pid_t i = limited(1, 1, ignoring);
  close(p[1]);
  char buf[16] = {0};
  size_t got = 0;
  ssize_t k;
  while (got < sizeof buf - 1 && (k = read(p[0], buf + got, sizeof buf - 1 - got)) > 0) got += (size_t)k;
  close(p[0]);
  int sh = 0, sd = 0, si = 0;
  waitpid(h, &sh, 0);
  waitpid(d, &sd, 0);
  waitpid(i, &si, 0);
  long long took = (ns_of(CLOCK_MONOTONIC) - start) / MS;
  CHECK("rlimit.handler-each-second", strcmp(buf, "xx") == 0, "the handler reported '%s' (x: SIGXCPU past 1 s; E: before; S: soft limit not raised)", buf);
  CHECK("rlimit.hard-sigkill", WIFSIGNALED(sh) && WTERMSIG(sh) == SIGKILL, "status=%#x", sh);
  CHECK("rlimit.default-ends", WIFSIGNALED(sd) && WTERMSIG(sd) == SIGXCPU, "status=%#x", sd);
  CHECK("rlimit.ignored-then-sigkill", WIFSIGNALED(si) && WTERMSIG(si) == SIGKILL, "status=%#x", si);
  CHECK("rlimit.in-time", took < 30000, "took %lld ms", took);
  struct rlimit r;
  CHECK("rlimit.parent-unlimited", getrlimit(RLIMIT_CPU, &r) == 0 && r.rlim_cur == RLIM_INFINITY, "cur=%llu", r.rlim_cur);
}

int main(void) {
  test_clock();
  test_blocked();
  test_fork_exec();
  test_rlimit_cpu();
  return tk_done();
}
