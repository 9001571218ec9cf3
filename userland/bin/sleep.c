/*
 * sleep: pause for the sum of its operands, each a decimal number of
 * seconds (fractions allowed) with an optional s/m/h/d suffix.
 * Spec: POSIX sleep; GNU coreutils for fractions, suffixes and several operands.
 */
#include "lib/util.h"
#include <time.h>

int main(int argc, char **argv) {
  prog = "sleep";
  int i = 1;
  if (i < argc && strcmp(argv[i], "--") == 0) i++;
  if (i >= argc) { warnx_("missing operand"); usage_hint(); return 1; }
  double total = 0;
  int bad = 0;
  for (; i < argc; i++) {
    char *end;
    errno = 0;
    double v = strtod(argv[i], &end);
    double mul = 1;
    if (end != argv[i] && *end && !end[1]) {
      switch (*end) {
      case 's': end++; break;
      case 'm': mul = 60; end++; break;
      case 'h': mul = 3600; end++; break;
      case 'd': mul = 86400; end++; break;
      }
    }
    if (end == argv[i] || *end || v < 0 || v != v) {
      warnx_("invalid time interval '%s'", argv[i]);
      bad = 1;
      continue;
    }
    total += v * mul;
  }
  if (bad) { usage_hint(); return 1; }
  struct timespec ts;
  if (total > 1e9) total = 1e9;
  ts.tv_sec = (time_t)total;
  ts.tv_nsec = (long)((total - (double)ts.tv_sec) * 1e9);
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
  return 0;
}
