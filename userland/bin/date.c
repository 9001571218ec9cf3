/*
 * date: print the date and time. date [-u] [-d DATE | -r FILE] [-R | -I[FMT]] [+FORMAT].
 * FORMAT is strftime's plus GNU's %N (nanoseconds), %s (epoch seconds),
 * %:z, and the padding flags - _ 0 ^ # (e.g. %-d). WASI has no time zones:
 * local time is UTC, so -u changes nothing and %Z is "UTC".
 * Setting the clock (-s, or an MMDDhhmm operand) is refused.
 * Spec: POSIX date; GNU coreutils for -d -r -R -I and the extensions.
 */
#include "lib/util.h"
#include "lib/date.h"
#include <ctype.h>
#include <time.h>

/* One conversion with GNU padding flags applied to strftime's result. */
static void conv(FILE *out, char flag, int width, char spec, const struct tm *tm, const struct timespec *ts) {
  char buf[128], fmt[4] = {'%', spec, 0, 0};
  switch (spec) {
  case 'N': snprintf(buf, sizeof buf, "%09ld", ts->tv_nsec); if (width > 0 && width < 9) buf[width] = 0; width = 0; break;
  case 's': snprintf(buf, sizeof buf, "%lld", (long long)ts->tv_sec); break;
  case 'Z': strcpy(buf, "UTC"); break;
  case 'z': strcpy(buf, "+0000"); break;
  case 'P': strftime(buf, sizeof buf, "%p", tm); for (char *p = buf; *p; p++) *p = (char)tolower((unsigned char)*p); break;
  default:
    if (strftime(buf, sizeof buf, fmt, tm) == 0) buf[0] = 0;
  }
  char *p = buf;
  int numeric = isdigit((unsigned char)buf[0]) || buf[0] == ' ';
  if (flag == '-' && numeric) {
    while (p[0] && p[1] && (p[0] == '0' || p[0] == ' ')) p++;
  } else if (flag == '_' && numeric) {
    for (char *q = buf; q[0] == '0' && q[1]; q++) *q = ' ';
  } else if (flag == '0') {
    for (char *q = buf; q[0] == ' ' && q[1]; q++) *q = '0';
  } else if (flag == '^') {
    for (char *q = buf; *q; q++) *q = (char)toupper((unsigned char)*q);
  } else if (flag == '#') {
    for (char *q = buf; *q; q++) *q = isupper((unsigned char)*q) ? (char)tolower((unsigned char)*q) : (char)toupper((unsigned char)*q);
  }
  int len = (int)strlen(p);
  for (int k = len; k < width; k++) putc(flag == '_' || !numeric ? ' ' : '0', out);
  fputs(p, out);
}

static void format(const char *f, const struct timespec *ts) {
  struct tm tm;
  gmtime_r(&ts->tv_sec, &tm);
  for (; *f; f++) {
    if (*f != '%' || !f[1]) { putchar(*f); continue; }
    f++;
    char flag = 0;
    if (strchr("-_0^#", *f)) flag = *f++;
    int width = 0;
    while (isdigit((unsigned char)*f)) width = width * 10 + (*f++ - '0');
    if (*f == ':' && f[1] == 'z') { fputs("+00:00", stdout); f++; continue; }
    if (*f == 'E' || *f == 'O') f++;
    if (!*f) { putchar('%'); break; }
    if (*f == '%') { putchar('%'); continue; }
    conv(stdout, flag, width, *f, &tm, ts);
  }
  putchar('\n');
}

int main(int argc, char **argv) {
  prog = "date";
  int c;
  const char *fmt = "%a %b %e %H:%M:%S %Z %Y", *iso = NULL;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--utc") || !strcmp(argv[i], "--universal")) argv[i] = "-u";
    else if (!strcmp(argv[i], "--rfc-email")) argv[i] = "-R";
    else if (!strncmp(argv[i], "--date=", 7)) { if (parse_date(argv[i] + 7, &ts) != 0) diex_(1, "invalid date '%s'", argv[i] + 7); argv[i] = "-u"; }
    else if (!strncmp(argv[i], "--iso-8601", 10)) { iso = argv[i][10] == '=' ? argv[i] + 11 : "date"; argv[i] = "-u"; }
  }
  while ((c = getopt_(argc, argv, "ud:r:RI::s:")) != -1) {
    switch (c) {
    case 'u': break;
    case 'd':
      if (parse_date(optarg, &ts) != 0) diex_(1, "invalid date '%s'", optarg);
      break;
    case 'r': {
      struct stat st;
      if (stat(optarg, &st) != 0) die_(1, "%s", optarg);
      ts = st.st_mtim;
      break;
    }
    case 'R': fmt = "%a, %d %b %Y %H:%M:%S +0000"; break;
    case 'I': iso = optarg ? optarg : "date"; break;
    case 's': errno = EPERM; die_(1, "cannot set date");
    default: usage_hint(); return 1;
    }
  }
  if (iso) {
    if (!strncmp(iso, "date", 4)) fmt = "%Y-%m-%d";
    else if (!strncmp(iso, "hours", 5)) fmt = "%Y-%m-%dT%H+00:00";
    else if (!strncmp(iso, "minutes", 7)) fmt = "%Y-%m-%dT%H:%M+00:00";
    else if (!strncmp(iso, "seconds", 7)) fmt = "%Y-%m-%dT%H:%M:%S+00:00";
    else if (!strncmp(iso, "ns", 2)) fmt = "%Y-%m-%dT%H:%M:%S,%N+00:00";
    else diex_(1, "invalid argument '%s' for '--iso-8601'", iso);
  }
  if (optind < argc) {
    if (argv[optind][0] == '+') fmt = argv[optind] + 1;
    else { errno = EPERM; die_(1, "cannot set date"); }
    if (optind + 1 < argc) { warnx_("extra operand '%s'", argv[optind + 1]); usage_hint(); return 1; }
  }
  format(fmt, &ts);
  if (fflush(stdout) != 0) die_(1, "write error");
  return 0;
}
