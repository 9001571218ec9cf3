/*
 * uniq: report or omit repeated adjacent lines. uniq [OPTIONS] [INPUT [OUTPUT]].
 * -c prefix counts ("%7d "), -d only repeated lines (one each), -D every
 * repeated line, -u only unique lines, -i ignore case, -f N skip fields,
 * -s N skip characters, -w N compare at most N characters, -z NUL lines.
 * Spec: POSIX uniq.
 */
#include "lib/util.h"
#include <ctype.h>
#include <strings.h>

static int opt_c, opt_d, opt_D, opt_u, opt_i;
static long skip_fields, skip_chars, width = -1;

/* The part of a line that is compared. */
static const char *cmp_start(const char *s, size_t len, size_t *n) {
  const char *p = s, *e = s + len;
  for (long f = 0; f < skip_fields; f++) {
    while (p < e && isblank((unsigned char)*p)) p++;
    while (p < e && !isblank((unsigned char)*p)) p++;
  }
  for (long c = 0; c < skip_chars && p < e; c++) p++;
  *n = (size_t)(e - p);
  if (width >= 0 && *n > (size_t)width) *n = (size_t)width;
  return p;
}

static int same(const char *a, size_t al, const char *b, size_t bl) {
  size_t na, nb;
  const char *pa = cmp_start(a, al, &na), *pb = cmp_start(b, bl, &nb);
  if (na != nb) return 0;
  return opt_i ? strncasecmp(pa, pb, na) == 0 : memcmp(pa, pb, na) == 0;
}

static long num_arg(const char *s, const char *what) {
  char *end;
  long v = strtol(s, &end, 10);
  if (end == s || *end || v < 0) diex_(1, "%s: invalid number of %s to skip", s, what);
  return v;
}

int main(int argc, char **argv) {
  prog = "uniq";
  int c;
  char term = '\n';
  while ((c = getopt_(argc, argv, "cdDuif:s:w:z")) != -1) {
    switch (c) {
    case 'c': opt_c = 1; break;
    case 'd': opt_d = 1; break;
    case 'D': opt_D = 1; break;
    case 'u': opt_u = 1; break;
    case 'i': opt_i = 1; break;
    case 'f': skip_fields = num_arg(optarg, "fields"); break;
    case 's': skip_chars = num_arg(optarg, "bytes"); break;
    case 'w': width = num_arg(optarg, "bytes"); break;
    case 'z': term = 0; break;
    default: usage_hint(); return 1;
    }
  }
  if (argc - optind > 2) { warnx_("extra operand '%s'", argv[optind + 2]); usage_hint(); return 1; }
  FILE *in = stdin, *out = stdout;
  if (optind < argc && strcmp(argv[optind], "-") != 0 && !(in = fopen(argv[optind], "r"))) die_(1, "%s", argv[optind]);
  if (optind + 1 < argc && strcmp(argv[optind + 1], "-") != 0 && !(out = fopen(argv[optind + 1], "w"))) die_(1, "%s", argv[optind + 1]);
  char *prev = NULL, *cur = NULL;
  size_t prevcap = 0, curcap = 0;
  ssize_t prevlen = -1, curlen;
  long count = 0;
  for (;;) {
    curlen = getdelim(&cur, &curcap, term, in);
    int eof = curlen < 0;
    size_t cl = eof ? 0 : (size_t)curlen - (curlen > 0 && cur[curlen - 1] == term);
    if (prevlen >= 0 && !eof && same(prev, (size_t)prevlen, cur, cl)) {
      count++;
      if (opt_D) {
        if (count == 2) { fwrite(prev, 1, (size_t)prevlen, out); putc(term, out); }
        fwrite(cur, 1, cl, out);
        putc(term, out);
      }
      continue;
    }
    if (prevlen >= 0) {
      int show = opt_D ? 0 : (opt_d || opt_u) ? ((opt_d && count > 1) || (opt_u && count == 1)) : 1;
      if (opt_d && opt_u) show = 0;
      if (show) {
        if (opt_c) fprintf(out, "%7ld ", count);
        fwrite(prev, 1, (size_t)prevlen, out);
        putc(term, out);
      }
    }
    if (eof) break;
    /* swap: cur becomes prev */
    char *t = prev; prev = cur; cur = t;
    size_t tc = prevcap; prevcap = curcap; curcap = tc;
    prevlen = (ssize_t)cl;
    count = 1;
  }
  if (fflush(out) != 0) die_(1, "write error");
  return 0;
}
