/*
 * clock (C11 7.27.2.1): the processor time the process has used, in
 * CLOCKS_PER_SEC units. wasi-libc offers only an emulation over the wall clock
 * (-lwasi-emulated-process-clocks); tabkernel's runtime answers
 * CLOCK_PROCESS_CPUTIME_ID with the process's real CPU time (its life less
 * its waits: docs/SYSCALLS.md), so clock is that.
 */
#include <time.h>

clock_t clock(void) {
  struct timespec ts;
  if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0) return (clock_t)-1;
  return (clock_t)ts.tv_sec * CLOCKS_PER_SEC + (clock_t)(ts.tv_nsec / (1000000000 / CLOCKS_PER_SEC));
}
