/*
 * tr: translate, squeeze or delete bytes. tr [-cdst] SET1 [SET2].
 * Sets take ranges (a-z), escapes (\n \t \\ \NNN ...), classes
 * ([:alpha:] [:digit:] [:lower:] [:upper:] [:space:] [:blank:] [:punct:]
 * [:alnum:] [:xdigit:] [:cntrl:] [:print:] [:graph:]), equivalence classes
 * ([=c=]) and repeats ([c*N], [c*] fills SET2). A short SET2 is padded with
 * its last byte unless -t truncates SET1. -c/-C complements SET1 (in byte
 * order). -s squeezes runs of the last set's bytes. Spec: POSIX tr.
 */
#include "lib/util.h"
#include "../common/escape.h"
#include <ctype.h>

struct set {
  unsigned char v[4096];
  int n;
  int fill_at;   /* index of a [c*] to grow, or -1 */
  int fill_c;
};

static int class_match(const char *name, int c) {
  if (!strcmp(name, "alpha")) return isalpha(c);
  if (!strcmp(name, "digit")) return isdigit(c);
  if (!strcmp(name, "lower")) return islower(c);
  if (!strcmp(name, "upper")) return isupper(c);
  if (!strcmp(name, "space")) return isspace(c);
  if (!strcmp(name, "blank")) return isblank(c);
  if (!strcmp(name, "punct")) return ispunct(c);
  if (!strcmp(name, "alnum")) return isalnum(c);
  if (!strcmp(name, "xdigit")) return isxdigit(c);
  if (!strcmp(name, "cntrl")) return iscntrl(c);
  if (!strcmp(name, "print")) return isprint(c);
  if (!strcmp(name, "graph")) return isgraph(c);
  return -1;
}

static void add(struct set *s, int c) {
  if (s->n < (int)sizeof s->v) s->v[s->n++] = (unsigned char)c;
}

/* One (possibly escaped) character at *p; advances p. */
static int one_char(const char **p) {
  if (**p == '\\' && (*p)[1]) {
    int c, k = parse_escape(*p + 1, &c, 0);
    if (k == 0) { *p += 2; return (unsigned char)(*p)[-1]; }   /* \X is X */
    *p += 1 + k;
    return c;
  }
  return (unsigned char)*(*p)++;
}

static void parse_set(const char *str, struct set *s, int is_set2) {
  const char *p = str;
  s->n = 0;
  s->fill_at = -1;
  while (*p) {
    if (p[0] == '[' && p[1] == ':') {
      const char *e = strstr(p + 2, ":]");
      if (e) {
        char name[16];
        size_t l = (size_t)(e - p - 2);
        if (l < sizeof name) {
          memcpy(name, p + 2, l);
          name[l] = 0;
          if (class_match(name, 'a') >= 0) {
            for (int c = 0; c < 256; c++) if (class_match(name, c)) add(s, c);
            p = e + 2;
            continue;
          }
          diex_(1, "invalid character class '%s'", name);
        }
      }
    }
    if (p[0] == '[' && p[1] == '=' && p[2] && p[3] == '=' && p[4] == ']') {
      add(s, (unsigned char)p[2]);
      p += 5;
      continue;
    }
    if (p[0] == '[' && p[1]) {
      /* [c*N] or [c*] */
      const char *q = p + 1;
      int c = one_char(&q);
      if (*q == '*') {
        const char *r = q + 1;
        char *end;
        long n = strtol(r, &end, *r == '0' ? 8 : 10);
        if (*end == ']') {
          if (end == r || n == 0) {
            if (!is_set2) diex_(1, "the [c*] repeat construct may not appear in string1");
            s->fill_at = s->n;
            s->fill_c = c;
          } else {
            for (long i = 0; i < n; i++) add(s, c);
          }
          p = end + 1;
          continue;
        }
      }
    }
    int c = one_char(&p);
    if (*p == '-' && p[1]) {
      const char *q = p + 1;
      int hi = one_char(&q);
      if (hi < c) diex_(1, "range-endpoints of '%c-%c' are in reverse collating sequence order", c, hi);
      for (int x = c; x <= hi; x++) add(s, x);
      p = q;
      continue;
    }
    add(s, c);
  }
}

int main(int argc, char **argv) {
  prog = "tr";
  int c, comp = 0, del = 0, squeeze = 0, trunc = 0;
  while ((c = getopt_(argc, argv, "cCdst")) != -1) {
    switch (c) {
    case 'c': case 'C': comp = 1; break;
    case 'd': del = 1; break;
    case 's': squeeze = 1; break;
    case 't': trunc = 1; break;
    default: usage_hint(); return 1;
    }
  }
  int nsets = argc - optind;
  if (nsets < 1) { warnx_("missing operand"); usage_hint(); return 1; }
  int need2 = !del && !squeeze;
  if (need2 && nsets < 2) { warnx_("missing operand after '%s'", argv[optind]); fprintf(stderr, "Two strings must be given when translating.\n"); usage_hint(); return 1; }
  if (nsets > 2 || (del && !squeeze && nsets > 1)) {
    warnx_("extra operand '%s'", argv[optind + (del && !squeeze ? 1 : 2)]);
    if (del && !squeeze) fprintf(stderr, "Only one string may be given when deleting without squeezing repeats.\n");
    usage_hint();
    return 1;
  }
  static struct set s1, s2;
  parse_set(argv[optind], &s1, 0);
  int in1[256] = {0};
  for (int i = 0; i < s1.n; i++) in1[s1.v[i]] = 1;
  if (comp) {
    s1.n = 0;
    for (int x = 0; x < 256; x++) if (!in1[x]) add(&s1, x);
    for (int x = 0; x < 256; x++) in1[x] = !in1[x];
  }
  int map[256], squeeze_set[256] = {0};
  for (int x = 0; x < 256; x++) map[x] = x;
  if (nsets == 2) {
    parse_set(argv[optind + 1], &s2, 1);
    if (s2.fill_at >= 0) {
      /* [c*]: as many c as make SET2 as long as SET1 */
      int extra = s1.n - s2.n;
      if (extra > 0) {
        memmove(s2.v + s2.fill_at + extra, s2.v + s2.fill_at, (size_t)(s2.n - s2.fill_at));
        memset(s2.v + s2.fill_at, s2.fill_c, (size_t)extra);
        s2.n += extra;
      }
    }
    if (!del) {
      if (s2.n == 0 && s1.n > 0 && !trunc) diex_(1, "when not truncating set1, string2 must be non-empty");
      int n = trunc && s1.n > s2.n ? s2.n : s1.n;
      for (int i = 0; i < n; i++) map[s1.v[i]] = s2.v[i < s2.n ? i : s2.n - 1];
    }
    for (int i = 0; i < s2.n; i++) squeeze_set[s2.v[i]] = 1;
  } else {
    for (int i = 0; i < 256; i++) squeeze_set[i] = in1[i];
  }
  static unsigned char buf[65536], out[65536];
  ssize_t r;
  int last = -1;
  while ((r = read(0, buf, sizeof buf)) > 0) {
    size_t o = 0;
    for (ssize_t i = 0; i < r; i++) {
      int ch = buf[i];
      if (del && in1[ch]) continue;
      ch = map[ch];
      if (squeeze && squeeze_set[ch] && ch == last) continue;
      last = ch;
      out[o++] = (unsigned char)ch;
    }
    if (write_all(1, out, o) < 0) die_(1, "write error");
  }
  if (r < 0) die_(1, "read error");
  return 0;
}
