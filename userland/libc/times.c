/*
 * times (POSIX): the process's CPU time and that of its children waited for
 * (getrusage's two figures: userland/libc/rusage.c), in clock ticks
 * (sysconf(_SC_CLK_TCK)), all of it user time; the return value is the
 * monotonic clock in ticks, from an arbitrary point as POSIX allows.
 * wasi-libc offers times only as an emulation over the wall clock
 * (-lwasi-emulated-process-clocks).
 */
#include <sys/resource.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

static clock_t ticks(long long sec, long long usec, long hz) {
  return (clock_t)(sec * hz + usec * hz / 1000000);
}

clock_t times(struct tms *buf) {
  long hz = sysconf(_SC_CLK_TCK);
  struct rusage self, children;
  struct timespec now;
  if (getrusage(RUSAGE_SELF, &self) != 0 || getrusage(RUSAGE_CHILDREN, &children) != 0) return (clock_t)-1;
  if (clock_gettime(CLOCK_MONOTONIC, &now) != 0) return (clock_t)-1;
  if (buf) {
    buf->tms_utime = ticks(self.ru_utime.tv_sec, self.ru_utime.tv_usec, hz);
    buf->tms_stime = 0;
    buf->tms_cutime = ticks(children.ru_utime.tv_sec, children.ru_utime.tv_usec, hz);
    buf->tms_cstime = 0;
  }
  return ticks(now.tv_sec, now.tv_nsec / 1000, hz);
}
