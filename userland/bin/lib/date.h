/*
 * Date strings for touch -d and date -d: "@SECONDS", or
 * [now|today|yesterday|tomorrow] [YYYY-MM-DD] [[T]HH:MM[:SS[.frac]]] [Z|UTC]
 * followed by relative items ("3 days ago", "+1 hour", "next month",
 * "-2 weeks"; units sec min hour day week fortnight month year), or digits:
 * YYYYMMDD, or [CC]YYMMDDhhmm[.ss] as busybox takes them. WASI has no
 * time zones: local time is UTC. And POSIX touch -t stamps
 * [[CC]YY]MMDDhhmm[.ss].
 */
#ifndef DATE_H
#define DATE_H

#include <time.h>

/* A date string as above into *out; 0, or -1 when it is not one. */
int parse_date(const char *s, struct timespec *out);

/* touch -t [[CC]YY]MMDDhhmm[.ss] */
int parse_touch_stamp(const char *s, struct timespec *out);

#endif
