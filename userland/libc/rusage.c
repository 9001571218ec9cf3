/*
 * getrusage (POSIX): RUSAGE_SELF reports the process's CPU time — what the
 * runtime answers for CLOCK_PROCESS_CPUTIME_ID, its life less its waits
 * (docs/SYSCALLS.md) — as user time; a process's own code is all user time
 * here, so the system time is 0. The kernel keeps no account of reaped
 * children's CPU time yet, so RUSAGE_CHILDREN reports zeros, as for a process
 * that has waited for none. The other fields (memory, faults, switches) are 0.
 */
#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

int getrusage(int who, struct rusage *usage) {
  if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN) {
    errno = EINVAL;
    return -1;
  }
  memset(usage, 0, sizeof *usage);
  if (who == RUSAGE_CHILDREN) return 0;
  struct timespec ts;
  if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0) return -1;
  usage->ru_utime.tv_sec = ts.tv_sec;
  usage->ru_utime.tv_usec = ts.tv_nsec / 1000;
  return 0;
}
