/*
 * sort: sort lines of text files.
 * Options: -n numeric, -g general numeric, -h human sizes (2K < 1M), -M
 * months, -V versions, -f fold case, -d dictionary order, -b ignore
 * leading blanks, -r reverse, -k POS1[,POS2] keys (F[.C][bdfghMnrV]),
 * -t SEP, -u unique (by key), -s stable, -c/-C check, -o FILE, -z NUL lines.
 * As GNU sort: without -t a field is a run of non-blanks with the blanks
 * before it; keys compare in turn, then (unless -s or -u) whole lines
 * bytewise as a last resort. The sort is a stable merge sort.
 * Spec: POSIX sort.
 */
#define _GNU_SOURCE
#include "lib/util.h"
#include "lib/lines.h"
#include <ctype.h>
#include <math.h>
#include <string.h>

enum { F_NUM = 1, F_GEN = 2, F_HUM = 4, F_MON = 8, F_VER = 16, F_FOLD = 32, F_DICT = 64,
       F_BLANK_S = 128, F_BLANK_E = 256, F_REV = 512 };

struct key {
  int sf, sc;   /* start field (1-based), char (1-based; 0 = field start) */
  int ef, ec;   /* end field (0 = end of line), char (0 = end of field) */
  int flags;
};

static struct key keys[64];
static int nkeys, gflags, stable, unique;
static int sep = -1;

static int is_blank(int c) { return c == ' ' || c == '\t'; }

/* Start of field f (1-based) in [s, e): GNU rules. */
static const char *field_start(const char *s, const char *e, int f) {
  const char *p = s;
  for (int i = 1; i < f && p < e; i++) {
    if (sep >= 0) {
      while (p < e && *p != sep) p++;
      if (p < e) p++;
      else return e;
    } else {
      while (p < e && is_blank((unsigned char)*p)) p++;
      while (p < e && !is_blank((unsigned char)*p)) p++;
    }
  }
  return p;
}

static const char *field_end(const char *s, const char *e, int f) {
  const char *p = field_start(s, e, f);
  if (sep >= 0) {
    while (p < e && *p != sep) p++;
  } else {
    while (p < e && is_blank((unsigned char)*p)) p++;
    while (p < e && !is_blank((unsigned char)*p)) p++;
  }
  return p;
}

static void key_span(const struct key *k, const struct line *l, const char **ks, const char **ke) {
  const char *s = l->s, *e = l->s + l->len;
  const char *a = field_start(s, e, k->sf);
  if (k->flags & F_BLANK_S) while (a < e && is_blank((unsigned char)*a)) a++;
  if (k->sc > 1) a = (size_t)(e - a) > (size_t)(k->sc - 1) ? a + k->sc - 1 : e;
  const char *b;
  if (k->ef == 0) {
    b = e;
  } else if (k->ec == 0) {
    b = field_end(s, e, k->ef);
  } else {
    b = field_start(s, e, k->ef);
    if (k->flags & F_BLANK_E) while (b < e && is_blank((unsigned char)*b)) b++;
    b = (size_t)(e - b) > (size_t)k->ec ? b + k->ec : e;
  }
  if (b < a) b = a;
  *ks = a;
  *ke = b;
}

/* -n: compare the leading numbers as decimal strings (no precision limit). */
static int num_cmp(const char *a, const char *ae, const char *b, const char *be) {
  while (a < ae && is_blank((unsigned char)*a)) a++;
  while (b < be && is_blank((unsigned char)*b)) b++;
  int na = a < ae && *a == '-', nb = b < be && *b == '-';
  if (na) a++;
  if (nb) b++;
  const char *ia = a, *ib = b;
  while (ia < ae && isdigit((unsigned char)*ia)) ia++;
  while (ib < be && isdigit((unsigned char)*ib)) ib++;
  /* fractions */
  const char *fa = ia, *fb = ib, *fae = ia, *fbe = ib;
  if (fa < ae && *fa == '.') { fa++; fae = fa; while (fae < ae && isdigit((unsigned char)*fae)) fae++; }
  else fa = fae;
  if (fb < be && *fb == '.') { fb++; fbe = fb; while (fbe < be && isdigit((unsigned char)*fbe)) fbe++; }
  else fb = fbe;
  while (a < ia && *a == '0') a++;
  while (b < ib && *b == '0') b++;
  int za = a == ia && fa == fae, zb = b == ib && fb == fbe;
  /* all-zero fractions count as zero too */
  if (za == 0 && a == ia) { za = 1; for (const char *p = fa; p < fae; p++) if (*p != '0') za = 0; }
  if (zb == 0 && b == ib) { zb = 1; for (const char *p = fb; p < fbe; p++) if (*p != '0') zb = 0; }
  if (za) na = 0;
  if (zb) nb = 0;
  if (na != nb) return na ? -1 : 1;
  int sign = na ? -1 : 1;
  int r = 0;
  if (ia - a != ib - b) r = ia - a < ib - b ? -1 : 1;
  else {
    int c = memcmp(a, b, (size_t)(ia - a));
    if (c) r = c < 0 ? -1 : 1;
    else {
      for (; fa < fae || fb < fbe; fa++, fb++) {
        int da = fa < fae ? *fa : '0', db = fb < fbe ? *fb : '0';
        if (da != db) { r = da < db ? -1 : 1; break; }
      }
    }
  }
  return sign * r;
}

static double gen_value(const char *a, const char *ae) {
  char buf[64];
  size_t n = (size_t)(ae - a) < sizeof buf - 1 ? (size_t)(ae - a) : sizeof buf - 1;
  memcpy(buf, a, n);
  buf[n] = 0;
  char *end;
  double v = strtod(buf, &end);
  return end == buf ? -INFINITY : v;
}

/* -h: GNU compares the unit (none < K < M < ... < Y) first, then the number. */
static int human_cmp(const char *a, const char *ae, const char *b, const char *be) {
  const char *units = "KMGTPEZY";
  int ua = 0, ub = 0;
  const char *p;
  for (p = a; p < ae && (isdigit((unsigned char)*p) || *p == '.' || *p == '-' || is_blank((unsigned char)*p)); p++) {}
  if (p < ae && *p && (*p == 'k' || strchr(units, *p))) ua = *p == 'k' ? 1 : (int)(strchr(units, *p) - units) + 1;
  for (p = b; p < be && (isdigit((unsigned char)*p) || *p == '.' || *p == '-' || is_blank((unsigned char)*p)); p++) {}
  if (p < be && *p && (*p == 'k' || strchr(units, *p))) ub = *p == 'k' ? 1 : (int)(strchr(units, *p) - units) + 1;
  if (ua != ub) return ua < ub ? -1 : 1;
  return num_cmp(a, ae, b, be);
}

static int month(const char *a, const char *ae) {
  static const char *m[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  while (a < ae && is_blank((unsigned char)*a)) a++;
  if (ae - a < 3) return 0;
  for (int i = 0; i < 12; i++)
    if (toupper((unsigned char)a[0]) == m[i][0] && toupper((unsigned char)a[1]) == m[i][1] && toupper((unsigned char)a[2]) == m[i][2]) return i + 1;
  return 0;
}

static int text_cmp(const char *a, const char *ae, const char *b, const char *be, int fl) {
  if (!(fl & (F_FOLD | F_DICT))) {
    size_t la = (size_t)(ae - a), lb = (size_t)(be - b);
    int c = memcmp(a, b, la < lb ? la : lb);
    if (c) return c < 0 ? -1 : 1;
    return la < lb ? -1 : la > lb;
  }
  for (;;) {
    if (fl & F_DICT) {
      while (a < ae && !isalnum((unsigned char)*a) && !is_blank((unsigned char)*a)) a++;
      while (b < be && !isalnum((unsigned char)*b) && !is_blank((unsigned char)*b)) b++;
    }
    if (a == ae || b == be) return (a != ae) - (b != be);
    int ca = (unsigned char)*a++, cb = (unsigned char)*b++;
    if (fl & F_FOLD) { ca = toupper(ca); cb = toupper(cb); }
    if (ca != cb) return ca < cb ? -1 : 1;
  }
}

static int cmp_span(const char *a, const char *ae, const char *b, const char *be, int fl) {
  int r;
  if (fl & F_NUM) r = num_cmp(a, ae, b, be);
  else if (fl & F_HUM) r = human_cmp(a, ae, b, be);
  else if (fl & F_GEN) {
    double x = gen_value(a, ae), y = gen_value(b, be);
    r = x < y ? -1 : x > y;
  } else if (fl & F_MON) {
    int x = month(a, ae), y = month(b, be);
    r = x < y ? -1 : x > y;
  } else if (fl & F_VER) {
    char *x = strndup(a, (size_t)(ae - a)), *y = strndup(b, (size_t)(be - b));
    r = strverscmp(x, y);
    r = r < 0 ? -1 : r > 0;
    free(x);
    free(y);
  } else {
    r = text_cmp(a, ae, b, be, fl);
  }
  return (fl & F_REV) ? -r : r;
}

/* Keys only (what -u calls equal). */
static int key_cmp(const struct line *x, const struct line *y) {
  if (nkeys == 0) {
    const char *a = x->s, *ae = a + x->len, *b = y->s, *be = b + y->len;
    if (gflags & F_BLANK_S) {
      while (a < ae && is_blank((unsigned char)*a)) a++;
      while (b < be && is_blank((unsigned char)*b)) b++;
    }
    return cmp_span(a, ae, b, be, gflags);
  }
  for (int i = 0; i < nkeys; i++) {
    const char *a, *ae, *b, *be;
    key_span(&keys[i], x, &a, &ae);
    key_span(&keys[i], y, &b, &be);
    int r = cmp_span(a, ae, b, be, keys[i].flags);
    if (r) return r;
  }
  return 0;
}

static int full_cmp(const struct line *x, const struct line *y) {
  int r = key_cmp(x, y);
  if (r || stable || unique) return r;
  if (!(gflags & (F_NUM | F_GEN | F_HUM | F_MON | F_VER | F_FOLD | F_DICT | F_BLANK_S)) && nkeys == 0) return r;
  r = text_cmp(x->s, x->s + x->len, y->s, y->s + y->len, 0);
  return (gflags & F_REV) ? -r : r;
}

static int key_flags(const char **p) {
  int f = 0;
  for (; **p && strchr("bdfghiMnrRV", **p); (*p)++) {
    switch (**p) {
    case 'b': f |= F_BLANK_S | F_BLANK_E; break;
    case 'd': f |= F_DICT; break;
    case 'f': f |= F_FOLD; break;
    case 'g': f |= F_GEN; break;
    case 'h': f |= F_HUM; break;
    case 'M': f |= F_MON; break;
    case 'n': f |= F_NUM; break;
    case 'r': f |= F_REV; break;
    case 'V': f |= F_VER; break;
    }
  }
  return f;
}

static void parse_key(const char *s) {
  if (nkeys == 64) diex_(2, "too many keys");
  struct key *k = &keys[nkeys++];
  const char *p = s;
  char *end;
  k->sf = (int)strtol(p, &end, 10);
  if (end != p && k->sf == 0) diex_(2, "field number is zero: invalid field specification '%s'", s);
  if (end == p || k->sf < 1) diex_(2, "invalid number at field start: invalid count at start of '%s'", s);
  p = end;
  if (*p == '.') {
    k->sc = (int)strtol(p + 1, &end, 10);
    if (end == p + 1 || k->sc < 1) diex_(2, "invalid number after '.': invalid count at start of '%s'", p + 1);
    p = end;
  }
  int f = key_flags(&p);
  int sflags = f & ~F_BLANK_E;
  int eflags = 0;
  if (*p == ',') {
    p++;
    k->ef = (int)strtol(p, &end, 10);
    if (end == p || k->ef < 1) diex_(2, "invalid number after ',': invalid count at start of '%s'", p);
    p = end;
    if (*p == '.') {
      k->ec = (int)strtol(p + 1, &end, 10);
      p = end;
    }
    eflags = key_flags(&p);
  }
  if (*p) diex_(2, "stray character in field spec: invalid field specification '%s'", s);
  k->flags = sflags | eflags;
  if (!(eflags & F_BLANK_E)) k->flags &= ~F_BLANK_E;
  if (eflags & F_BLANK_E) k->flags |= F_BLANK_E;
  if ((k->flags & ~(F_BLANK_S | F_BLANK_E)) == 0 && !((sflags | eflags) & (F_BLANK_S | F_BLANK_E))) k->flags = -1;   /* inherit */
}

int main(int argc, char **argv) {
  prog = "sort";
  int c, check = 0, status = 0;
  char term = '\n';
  const char *outfile = NULL;
  while ((c = getopt_(argc, argv, "nghMVfdbrk:t:usCco:zS:T:m")) != -1) {
    switch (c) {
    case 'n': gflags |= F_NUM; break;
    case 'g': gflags |= F_GEN; break;
    case 'h': gflags |= F_HUM; break;
    case 'M': gflags |= F_MON; break;
    case 'V': gflags |= F_VER; break;
    case 'f': gflags |= F_FOLD; break;
    case 'd': gflags |= F_DICT; break;
    case 'b': gflags |= F_BLANK_S | F_BLANK_E; break;
    case 'r': gflags |= F_REV; break;
    case 'k': parse_key(optarg); break;
    case 't':
      if (strlen(optarg) != 1) {
        if (strcmp(optarg, "\\0") == 0) { sep = 0; break; }
        diex_(2, "multi-character tab '%s'", optarg);
      }
      sep = (unsigned char)optarg[0];
      break;
    case 'u': unique = 1; break;
    case 's': stable = 1; break;
    case 'c': check = 1; break;
    case 'C': check = 2; break;
    case 'o': outfile = optarg; break;
    case 'z': term = 0; break;
    case 'S': case 'T': case 'm': break;
    default: usage_hint(); return 2;
    }
  }
  for (int i = 0; i < nkeys; i++)
    if (keys[i].flags == -1) keys[i].flags = gflags;
  struct lines L = {0};
  char *dflt[] = {"-", NULL};
  char **files = optind < argc ? argv + optind : dflt;
  for (; *files; files++) {
    int fd = open_in(*files);
    if (fd < 0) die_(2, "cannot read: %s", *files);
    if (read_lines(fd, &L, term) != 0) die_(2, "read failed: %s", *files);
    if (fd > 0) close(fd);
  }
  if (check) {
    for (size_t i = 1; i < L.n; i++) {
      int r = unique ? key_cmp(&L.v[i - 1], &L.v[i]) : full_cmp(&L.v[i - 1], &L.v[i]);
      if (r > 0 || (unique && r == 0)) {
        if (check == 1) {
          fprintf(stderr, "sort: %s:%zu: disorder: ", optind < argc ? argv[optind] : "-", i + 1);
          fwrite(L.v[i].s, 1, L.v[i].len, stderr);
          fputc('\n', stderr);
        }
        return 1;
      }
    }
    return 0;
  }
  struct line *tmp = xmalloc(sizeof *tmp * (L.n ? L.n : 1));
  merge_sort(L.v, tmp, L.n, full_cmp);
  FILE *out = stdout;
  if (outfile && strcmp(outfile, "-") != 0 && !(out = fopen(outfile, "w"))) die_(2, "open failed: %s", outfile);
  for (size_t i = 0; i < L.n; i++) {
    if (unique && i > 0 && key_cmp(&L.v[i - 1], &L.v[i]) == 0) continue;
    fwrite(L.v[i].s, 1, L.v[i].len, out);
    putc(term, out);
  }
  if (fflush(out) != 0) die_(2, "write failed");
  return status;
}
