/* The bodies of date.h: date -d and touch -d/-t strings. */
#include "date.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

/* One relative item ("3 days ago", "+1 hour", "next month", "week"); applied
 * to tm (months, years) and *secs (the rest). Returns the characters used, 0
 * when p is not one. */
static int parse_rel_item(const char *p, struct tm *tm, long long *secs) {
  static const struct { const char *name; long long secs; int months; } units[] = {
    {"second", 1, 0}, {"sec", 1, 0}, {"minute", 60, 0}, {"min", 60, 0}, {"hour", 3600, 0},
    {"day", 86400, 0}, {"week", 604800, 0}, {"fortnight", 1209600, 0}, {"month", 0, 1}, {"year", 0, 12},
  };
  const char *q = p;
  long long n = 1;
  while (*q == ' ') q++;
  if (!strncmp(q, "next", 4) && !isalpha((unsigned char)q[4])) { n = 1; q += 4; }
  else if (!strncmp(q, "last", 4) && !isalpha((unsigned char)q[4])) { n = -1; q += 4; }
  else if (!strncmp(q, "this", 4) && !isalpha((unsigned char)q[4])) { n = 0; q += 4; }
  else if (*q == '+' || *q == '-' || isdigit((unsigned char)*q)) {
    char *end;
    n = strtoll(q, &end, 10);
    if (end == q || (end == q + 1 && !isdigit((unsigned char)*q))) return 0;
    q = end;
  }
  while (*q == ' ') q++;
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
    size_t l = strlen(units[i].name);
    if (strncasecmp(q, units[i].name, l)) continue;
    const char *r = q + l;
    if (*r == 's' || *r == 'S') r++;
    if (isalpha((unsigned char)*r)) continue;
    while (*r == ' ') r++;
    if (!strncmp(r, "ago", 3) && !isalpha((unsigned char)r[3])) { n = -n; r += 3; }
    if (units[i].months) { tm->tm_mon += (int)(n * units[i].months); }
    else *secs += n * units[i].secs;
    return (int)(r - p);
  }
  return 0;
}

int parse_date(const char *s, struct timespec *out) {
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
  /* all digits: YYYYMMDD (GNU), or a touch -t stamp [CC]YYMMDDhhmm[.ss] (busybox) */
  size_t digits = strspn(s, "0123456789");
  if (digits == 8 && !s[8]) {
    char iso[16];
    snprintf(iso, sizeof iso, "%.4s-%.2s-%.2s", s, s + 4, s + 6);
    return parse_date(iso, out);
  }
  if ((digits == 10 || digits == 12) && (!s[digits] || s[digits] == '.')) return parse_touch_stamp(s, out);
  struct tm tm;
  gmtime_r(&now.tv_sec, &tm);
  long nsec = now.tv_nsec;
  long long rel = 0;
  const char *p = s;
  /* 1. words for a day */
  static const struct { const char *w; int days; } words[] = {{"now", 0}, {"today", 0}, {"yesterday", -1}, {"tomorrow", 1}};
  for (size_t i = 0; i < 4; i++) {
    size_t l = strlen(words[i].w);
    if (!strncasecmp(p, words[i].w, l) && !isalpha((unsigned char)p[l])) { rel += words[i].days * 86400LL; p += l; break; }
  }
  /* 2. a date, then a time of day */
  int Y, M, D, n = 0;
  while (*p == ' ') p++;
  if (sscanf(p, "%d-%d-%d%n", &Y, &M, &D, &n) == 3 && n >= 5 && p[n - 1] != '-') {
    tm.tm_year = Y - 1900; tm.tm_mon = M - 1; tm.tm_mday = D;
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    nsec = 0;
    if (M < 1 || M > 12 || D < 1 || D > 31) return -1;
    p += n;
    if (*p == 'T') p++;
    while (*p == ' ') p++;
  }
  int h, m, sec = 0;
  n = 0;
  if (isdigit((unsigned char)*p) && sscanf(p, "%d:%d%n", &h, &m, &n) == 2) {
    p += n;
    nsec = 0;
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
    if (h > 24 || m > 59 || sec > 61) return -1;
    tm.tm_hour = h; tm.tm_min = m; tm.tm_sec = sec;
  }
  /* 3. a zone (ignored: UTC is the only one), then relative items */
  while (*p == ' ') p++;
  if (*p == 'Z' && !isalpha((unsigned char)p[1])) p++;
  else if (!strncmp(p, "UTC", 3) || !strncmp(p, "GMT", 3)) p += 3;
  else if (!strncmp(p, "+0000", 5) || !strncmp(p, "+00:00", 6)) p += p[3] == ':' ? 6 : 5;
  for (;;) {
    while (*p == ' ') p++;
    if (!*p) break;
    int k = parse_rel_item(p, &tm, &rel);
    if (!k) return -1;
    p += k;
  }
  if (p == s) return -1;
  out->tv_sec = timegm(&tm) + (time_t)rel;
  out->tv_nsec = nsec;
  return 0;
}

int parse_touch_stamp(const char *s, struct timespec *out) {
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
