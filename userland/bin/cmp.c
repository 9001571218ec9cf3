/*
 * cmp: compare two files byte by byte. cmp [-l | -s] [-b] [-n N] [-i SKIP] FILE1 [FILE2 [SKIP1 [SKIP2]]].
 * Default: report the first difference ("F1 F2 differ: byte N, line L");
 * -l lists every differing byte (decimal offset, octal values); -s says
 * nothing; -b also shows the differing bytes. "-" is stdin.
 * Exit 0 identical, 1 different, 2 trouble. Spec: POSIX cmp.
 */
#include "lib/util.h"
#include <ctype.h>

static long long parse_skip(const char *s) {
  long long v = parse_count(s);
  if (v < 0) diex_(2, "invalid --ignore-initial value '%s'", s);
  return v;
}

static void show_byte(int c, char *b) {
  if (c >= 128) { c -= 128; *b++ = 'M'; *b++ = '-'; }
  if (c < 32) { *b++ = '^'; *b++ = (char)(c + 64); }
  else if (c == 127) { *b++ = '^'; *b++ = '?'; }
  else *b++ = (char)c;
  *b = 0;
}

int main(int argc, char **argv) {
  prog = "cmp";
  int c, list = 0, silent = 0, bytes = 0;
  long long limit = -1, skip1 = 0, skip2 = 0;
  while ((c = getopt_(argc, argv, "lsbn:i:")) != -1) {
    switch (c) {
    case 'l': list = 1; break;
    case 's': silent = 1; break;
    case 'b': bytes = 1; break;
    case 'n': limit = parse_count(optarg); if (limit < 0) diex_(2, "invalid --bytes value '%s'", optarg); break;
    case 'i': {
      char *colon = strchr(optarg, ':');
      if (colon) { *colon = 0; skip2 = parse_skip(colon + 1); skip1 = parse_skip(optarg); }
      else skip1 = skip2 = parse_skip(optarg);
      break;
    }
    default: usage_hint(); return 2;
    }
  }
  if (list && silent) diex_(2, "options -l and -s are incompatible");
  int n = argc - optind;
  if (n < 1) { warnx_("missing operand after '%s'", argv[0]); usage_hint(); return 2; }
  if (n > 4) { warnx_("invalid --ignore-initial value '%s'", argv[optind + 4]); usage_hint(); return 2; }
  const char *name[2] = {argv[optind], n > 1 ? argv[optind + 1] : "-"};
  if (n > 2) skip1 = parse_skip(argv[optind + 2]);
  if (n > 3) skip2 = parse_skip(argv[optind + 3]);
  FILE *f[2];
  struct stat st[2];
  for (int i = 0; i < 2; i++) {
    f[i] = strcmp(name[i], "-") == 0 ? stdin : fopen(name[i], "r");
    if (!f[i]) { if (!silent) warn_("%s", name[i]); return 2; }
    if (fstat(fileno(f[i]), &st[i]) != 0) st[i].st_size = 0;
  }
  long long skip[2] = {skip1, skip2};
  for (int i = 0; i < 2; i++)
    for (long long k = 0; k < skip[i] && getc(f[i]) != EOF; k++) {}
  int width = 1;
  if (list) {
    long long m = S_ISREG(st[0].st_mode) && S_ISREG(st[1].st_mode) ? (st[0].st_size < st[1].st_size ? st[0].st_size : st[1].st_size) : 0;
    for (; m >= 10; m /= 10) width++;
  }
  long long byte = 0, line = 1;
  int differ = 0, last = -1;
  for (;;) {
    if (limit >= 0 && byte >= limit) break;
    int a = getc(f[0]), b = getc(f[1]);
    if (a == EOF || b == EOF) {
      if (a == b) break;
      if (!silent) {
        fflush(stdout);
        const char *which = a == EOF ? name[0] : name[1];
        if (byte == 0) fprintf(stderr, "cmp: EOF on %s which is empty\n", which);
        else if (list) fprintf(stderr, "cmp: EOF on %s after byte %lld\n", which, byte);
        /* the line holding the last byte read: a final newline ends that line */
        else if (last == '\n') fprintf(stderr, "cmp: EOF on %s after byte %lld, line %lld\n", which, byte, line - 1);
        else fprintf(stderr, "cmp: EOF on %s after byte %lld, in line %lld\n", which, byte, line);
      }
      return 1;
    }
    byte++;
    if (a != b) {
      differ = 1;
      if (silent) return 1;
      if (!list) {
        if (bytes) {
          char x[8], y[8];
          show_byte(a, x);
          show_byte(b, y);
          printf("%s %s differ: byte %lld, line %lld is %3o %s %3o %s\n", name[0], name[1], byte, line, a, x, b, y);
        } else {
          printf("%s %s differ: byte %lld, line %lld\n", name[0], name[1], byte, line);
        }
        return 1;
      }
      printf("%*lld %3o %3o\n", width, byte, a, b);
    }
    if (a == '\n') line++;
    last = a;
  }
  if (fflush(stdout) != 0) return 2;
  return differ;
}
