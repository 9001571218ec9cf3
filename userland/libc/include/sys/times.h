/* times (userland/libc/times.c): the process's and its waited-for children's
   CPU time in clock ticks. wasi-libc's own <sys/times.h> offers times only
   behind its wall-clock emulation flag; this one replaces it. */
#ifndef _SYS_TIMES_H
#define _SYS_TIMES_H
#ifdef __cplusplus
extern "C" {
#endif
#include <__struct_tms.h>

clock_t times(struct tms *);

#ifdef __cplusplus
}
#endif
#endif
