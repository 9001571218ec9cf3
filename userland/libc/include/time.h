/* wasi-libc's time.h, plus the time zone (userland/libc/timezone.c): tzset,
 * tzname, timezone and daylight, which wasi-libc leaves out ("WASI has no
 * timezone tables"; local time is UTC), and clock (userland/libc/clock.c),
 * which it declares deprecated unless emulated over the wall clock; and the
 * process and thread CPU clocks where a newer wasi-libc no longer names them. */
#ifndef _TABKERNEL_TIME_H
#define _TABKERNEL_TIME_H
/* wasi-libc's own declaration of clock carries a deprecation: give it another name. */
#define clock __wasilibc_deprecated_clock
#include_next <time.h>
#undef clock
#ifndef CLOCK_PROCESS_CPUTIME_ID
/* A wasi-libc of 2023 on (the toolchain image's, npm's @yowasp/clang) names
 * no process clock; its clockid_t points to the WASI clock's id, and
 * tabkernel's runtime answers that clock (docs/SYSCALLS.md). Debian's
 * wasi-libc defines the name: this changes nothing there. */
#include <wasi/api.h>
struct __clockid {
  __wasi_clockid_t id;
};
static const struct __clockid __tk_clock_process_cputime = {__WASI_CLOCKID_PROCESS_CPUTIME_ID};
static const struct __clockid __tk_clock_thread_cputime = {__WASI_CLOCKID_THREAD_CPUTIME_ID};
#define CLOCK_PROCESS_CPUTIME_ID (&__tk_clock_process_cputime)
#define CLOCK_THREAD_CPUTIME_ID (&__tk_clock_thread_cputime)
#endif
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
