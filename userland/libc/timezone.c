/*
 * The time zone: tzset, tzname, timezone, daylight (POSIX, "tzset").
 * WASI has no time zone tables, and wasi-libc's localtime and mktime work in
 * UTC, so local time in tabkernel is UTC whatever TZ says: tzset sets what
 * POSIX says it sets to UTC's values. wasi-libc declares these only in its
 * upstream (musl) build.
 */
#include <time.h>

char *tzname[2] = {"UTC", "UTC"};
long timezone = 0;
int daylight = 0;

void tzset(void) {
  tzname[0] = tzname[1] = "UTC";
  timezone = 0;
  daylight = 0;
}
