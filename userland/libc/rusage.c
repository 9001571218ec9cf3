/*
 * getrusage (POSIX): RUSAGE_SELF reports the process's CPU time — what the
 * runtime answers for CLOCK_PROCESS_CPUTIME_ID, its life less its waits
 * (docs/SYSCALLS.md) — as user time; a process's own code is all user time
 * here, so the system time is 0. RUSAGE_CHILDREN reports the CPU time of the
 * children that ended and were waited for, theirs included, as the kernel
 * counts it at each wait (a child reaped because SIGCHLD is ignored is not
 * counted, as on Linux). The other fields (memory, faults, switches) are 0.
 */
#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include "tabkernel.h"

int getrusage(int who, struct rusage *usage) {
  if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN) {
    errno = EINVAL;
    return -1;
  }
  memset(usage, 0, sizeof *usage);
  uint64_t ns;
  if (who == RUSAGE_CHILDREN) {
    int32_t e = tk_childtimes(&ns);
    if (e) {
      errno = e;
      return -1;
    }
  } else {
    struct timespec ts;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0) return -1;
    ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
  }
  usage->ru_utime.tv_sec = (time_t)(ns / 1000000000u);
  usage->ru_utime.tv_usec = (suseconds_t)(ns % 1000000000u / 1000);
  return 0;
}
