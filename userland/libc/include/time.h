/* wasi-libc's time.h, plus the time zone (userland/libc/timezone.c): tzset,
 * tzname, timezone and daylight, which wasi-libc leaves out ("WASI has no
 * timezone tables"; local time is UTC), and clock (userland/libc/clock.c),
 * which it declares deprecated unless emulated over the wall clock. */
#ifndef _TABKERNEL_TIME_H
#define _TABKERNEL_TIME_H
/* wasi-libc's own declaration of clock carries a deprecation: give it another name. */
#define clock __wasilibc_deprecated_clock
#include_next <time.h>
#undef clock
#ifdef __cplusplus
extern "C" {
#endif
clock_t clock(void);
void tzset(void);
extern char *tzname[2];
extern long timezone;
extern int daylight;
#ifdef __cplusplus
}
#endif
#endif
