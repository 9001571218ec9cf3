/*
 * Date strings for touch -d and date -d: "@SECONDS", "YYYY-MM-DD",
 * "YYYY-MM-DD HH:MM[:SS[.frac]]" (or with 'T'), "HH:MM[:SS]" (today),
 * optionally followed by "Z"/"UTC" (ignored: WASI has no time zones, local
 * time is UTC), "now", "today", "yesterday", "tomorrow". And POSIX touch -t
 * stamps [[CC]YY]MMDDhhmm[.ss].
 */
#ifndef DATE_H
#define DATE_H

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline int parse_date(const char *s, struct timespec *out) {
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  while (isspace((unsigned char)*s)) s++;
  if (*s == '@') {
    char *end;
    double v = strtod(s + 1, &end);
    if (end == s + 1 || *end) return -1;
    out->tv_sec = (time_t)v;
    out->tv_nsec = (long)((v - (double)out->tv_sec) * 1e9);
    return 0;
  }
  if (!*s || strcmp(s, "now") == 0) { *out = now; return 0; }
  long off = 0;
  if (strcmp(s, "yesterday") == 0) off = -86400;
  else if (strcmp(s, "tomorrow") == 0) off = 86400;
  if (off || strcmp(s, "today") == 0) { *out = now; out->tv_sec += off; return 0; }
  struct tm tm;
  gmtime_r(&now.tv_sec, &tm);
  int Y, M, D, h = 0, m = 0, sec = 0, n = 0;
  long nsec = 0;
  const char *p = s;
  if (sscanf(p, "%d-%d-%d%n", &Y, &M, &D, &n) == 3) {
    tm.tm_year = Y - 1900; tm.tm_mon = M - 1; tm.tm_mday = D;
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    p += n;
    if (*p == 'T' || *p == ' ') p++;
    while (*p == ' ') p++;
  }
  if (isdigit((unsigned char)*p)) {
    n = 0;
    if (sscanf(p, "%d:%d%n", &h, &m, &n) < 2) return -1;
    p += n;
    if (*p == ':') {
      p++;
      if (!isdigit((unsigned char)*p)) return -1;
      sec = (int)strtol(p, (char **)&p, 10);
      if (*p == '.' || *p == ',') {
        p++;
        long scale = 100000000;
        for (; isdigit((unsigned char)*p); p++, scale /= 10) nsec += (*p - '0') * scale;
      }
    }
    tm.tm_hour = h; tm.tm_min = m; tm.tm_sec = sec;
  }
  while (*p == ' ') p++;
  if (*p == 'Z' || strcmp(p, "UTC") == 0 || strcmp(p, "GMT") == 0) p += *p == 'Z' ? 1 : 3;
  else if (strcmp(p, "+0000") == 0 || strcmp(p, "+00:00") == 0) p += strlen(p);
  if (*p || p == s) return -1;
  if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || h > 24 || m > 59 || sec > 61) return -1;
  out->tv_sec = timegm(&tm);
  out->tv_nsec = nsec;
  return 0;
}

/* touch -t [[CC]YY]MMDDhhmm[.ss] */
static inline int parse_touch_stamp(const char *s, struct timespec *out) {
  size_t len = strlen(s);
  const char *dot = strchr(s, '.');
  size_t digits = dot ? (size_t)(dot - s) : len;
  if (digits != 8 && digits != 10 && digits != 12) return -1;
  for (size_t i = 0; i < digits; i++) if (!isdigit((unsigned char)s[i])) return -1;
  if (dot && (strlen(dot) != 3 || !isdigit((unsigned char)dot[1]) || !isdigit((unsigned char)dot[2]))) return -1;
  int v[6] = {0};
  for (size_t i = 0; i < digits / 2; i++) v[i] = (s[2 * i] - '0') * 10 + (s[2 * i + 1] - '0');
  struct tm tm = {0};
  time_t now = time(NULL);
  struct tm cur;
  gmtime_r(&now, &cur);
  int k = 0;
  if (digits == 12) { tm.tm_year = v[0] * 100 + v[1] - 1900; k = 2; }
  else if (digits == 10) { tm.tm_year = v[0] < 69 ? v[0] + 100 : v[0]; k = 1; }
  else tm.tm_year = cur.tm_year;
  tm.tm_mon = v[k] - 1;
  tm.tm_mday = v[k + 1];
  tm.tm_hour = v[k + 2];
  tm.tm_min = v[k + 3];
  tm.tm_sec = dot ? (dot[1] - '0') * 10 + (dot[2] - '0') : 0;
  if (tm.tm_mon > 11 || tm.tm_mon < 0 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60) return -1;
  out->tv_sec = timegm(&tm);
  out->tv_nsec = 0;
  return 0;
}

#endif
