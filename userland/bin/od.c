/*
 * od: dump files in octal and other formats.
 * -A d|o|x|n offset radix; -t TYPE (a, c, d/o/u/x with size 1 2 4 8 or
 * C S I L, f with 4 or 8; a trailing z adds the printable characters);
 * the classic -b -c -d -o -s -x -i -l (and -B -h -f -F); -N COUNT, -j SKIP, -w[N], -v.
 * Lines that repeat the previous one print as "*" unless -v. With several
 * types every element is widened to a common width per byte, so columns
 * line up as in GNU od. Input is little-endian (wasm32).
 * Spec: POSIX od.
 */
#include "lib/util.h"
#include <ctype.h>

struct type {
  char fmt;      /* a c d o u x f */
  int size;      /* bytes per element */
  int width;     /* digits per element */
  int z;         /* show printable characters */
};

static struct type types[16];
static int ntypes;
static int maxsize;    /* the largest element: one "block" */
static int block_w;    /* columns per block, common to every type */

static void add_type(char fmt, int size, int z) {
  static const int wd[9] = {0, 4, 6, 0, 11, 0, 0, 0, 20};
  static const int wo[9] = {0, 3, 6, 0, 11, 0, 0, 0, 22};
  static const int wu[9] = {0, 3, 5, 0, 10, 0, 0, 0, 20};
  static const int wx[9] = {0, 2, 4, 0, 8, 0, 0, 0, 16};
  if (ntypes == 16) diex_(1, "too many types");
  struct type *t = &types[ntypes++];
  t->fmt = fmt;
  t->size = size;
  t->z = z;
  switch (fmt) {
  case 'a': case 'c': t->size = 1; t->width = 3; break;
  case 'd': t->width = wd[size]; break;
  case 'o': t->width = wo[size]; break;
  case 'u': t->width = wu[size]; break;
  case 'x': t->width = wx[size]; break;
  case 'f': t->width = size == 4 ? 15 : 24; break;
  }
}

static void parse_type(const char *s) {
  while (*s) {
    char f = *s++;
    int size;
    if (!strchr("acdoux f", f) || f == ' ') diex_(1, "invalid character '%c' in type string '%s'", f, s - 1);
    if (f == 'a' || f == 'c') size = 1;
    else {
      size = f == 'f' ? 8 : 4;
      if (isdigit((unsigned char)*s)) size = (int)strtol(s, (char **)&s, 10);
      else if (*s == 'C') { size = 1; s++; }
      else if (*s == 'S') { size = 2; s++; }
      else if (*s == 'I') { size = 4; s++; }
      else if (*s == 'L') { size = 8; s++; }
      else if (f == 'f' && *s == 'F') { size = 4; s++; }
      else if (f == 'f' && (*s == 'D' || *s == 'L')) { size = 8; s++; }
      if (f == 'f' ? (size != 4 && size != 8) : (size != 1 && size != 2 && size != 4 && size != 8))
        diex_(1, "invalid type string '%s';\nthis system doesn't provide a %d-byte %s type", s, size, f == 'f' ? "floating point" : "integral");
    }
    int z = 0;
    if (*s == 'z') { z = 1; s++; }
    add_type(f, size, z);
  }
}

static const char *names[33] = {"nul", "soh", "stx", "etx", "eot", "enq", "ack", "bel", "bs", "ht", "nl", "vt", "ff", "cr", "so", "si",
                                "dle", "dc1", "dc2", "dc3", "dc4", "nak", "syn", "etb", "can", "em", "sub", "esc", "fs", "gs", "rs", "us", "sp"};

static void element(const struct type *t, const unsigned char *p, int w) {
  char b[64];
  unsigned long long u = 0;
  for (int i = t->size - 1; i >= 0; i--) u = (u << 8) | p[i];
  switch (t->fmt) {
  case 'a': {
    int c = p[0] & 127;
    if (c <= 32) snprintf(b, sizeof b, "%s", names[c]);
    else if (c == 127) snprintf(b, sizeof b, "del");
    else snprintf(b, sizeof b, "%c", c);
    break;
  }
  case 'c': {
    int c = p[0];
    const char *e = c == 0 ? "\\0" : c == '\a' ? "\\a" : c == '\b' ? "\\b" : c == '\f' ? "\\f" : c == '\n' ? "\\n"
                  : c == '\r' ? "\\r" : c == '\t' ? "\\t" : c == '\v' ? "\\v" : NULL;
    if (e) snprintf(b, sizeof b, "%s", e);
    else if (c >= 32 && c < 127) snprintf(b, sizeof b, "%c", c);
    else snprintf(b, sizeof b, "%03o", c);
    break;
  }
  case 'o': snprintf(b, sizeof b, "%0*llo", t->width, u); break;
  case 'x': snprintf(b, sizeof b, "%0*llx", t->width, u); break;
  case 'u': snprintf(b, sizeof b, "%llu", u); break;
  case 'd': {
    long long v = t->size == 8 ? (long long)u : (long long)(u << (64 - 8 * t->size)) >> (64 - 8 * t->size);
    snprintf(b, sizeof b, "%lld", v);
    break;
  }
  case 'f':
    if (t->size == 4) { float f; memcpy(&f, p, 4); snprintf(b, sizeof b, "%.8g", (double)f); }
    else { double d; memcpy(&d, p, 8); snprintf(b, sizeof b, "%.17g", d); }
    break;
  }
  printf("%*s", w, b);
}

static char radix = 'o';
static void offset(unsigned long long off) {
  switch (radix) {
  case 'o': printf("%07llo", off); break;
  case 'd': printf("%07llu", off); break;
  case 'x': printf("%06llx", off); break;
  }
}

int main(int argc, char **argv) {
  prog = "od";
  int c, verbose = 0, width = 16;
  for (int i = 1; i < argc; i++) if (!strcmp(argv[i], "--traditional")) argv[i] = (char *)"-v";
  long long limit = -1, skip = 0;
  while ((c = getopt_(argc, argv, "A:t:abcdosxilvN:j:w::BhfF")) != -1) {
    switch (c) {
    case 'A':
      if (!strchr("doxn", optarg[0]) || optarg[1]) diex_(1, "invalid output address radix '%s'; it must be one character from [doxn]", optarg);
      radix = optarg[0];
      break;
    case 't': parse_type(optarg); break;
    case 'a': add_type('a', 1, 0); break;
    case 'b': add_type('o', 1, 0); break;
    case 'c': add_type('c', 1, 0); break;
    case 'd': add_type('u', 2, 0); break;
    case 'o': add_type('o', 2, 0); break;
    case 's': add_type('d', 2, 0); break;
    case 'x': case 'h': add_type('x', 2, 0); break;
    case 'B': add_type('o', 2, 0); break;
    case 'f': add_type('f', 4, 0); break;
    case 'F': add_type('f', 8, 0); break;
    case 'i': add_type('d', 4, 0); break;
    case 'l': add_type('d', 8, 0); break;
    case 'v': verbose = 1; break;
    case 'N': limit = parse_count(optarg); if (limit < 0) diex_(1, "invalid -N argument '%s'", optarg); break;
    case 'j': skip = parse_count(optarg); if (skip < 0) diex_(1, "invalid -j argument '%s'", optarg); break;
    case 'w': width = optarg ? atoi(optarg) : 32; if (width <= 0) diex_(1, "invalid -w argument '%s'", optarg); break;
    default: usage_hint(); return 1;
    }
  }
  if (!ntypes) add_type('o', 2, 0);
  /* GNU's alignment: every type gets the widest type's columns per block */
  for (int i = 0; i < ntypes; i++) {
    if (types[i].size > maxsize) maxsize = types[i].size;
    if (width % types[i].size) diex_(1, "invalid -w argument '%d'", width);
  }
  for (int i = 0; i < ntypes; i++) {
    int w = (types[i].width + 1) * (maxsize / types[i].size);
    if (w > block_w) block_w = w;
  }
  /* read everything (files concatenated), then dump */
  char *dflt[] = {"-", NULL};
  char **files = optind < argc ? argv + optind : dflt;
  size_t cap = 65536, n = 0;
  unsigned char *data = xmalloc(cap);
  int status = 0;
  for (; *files; files++) {
    int fd = open_in(*files);
    if (fd < 0) { warn_("%s", *files); status = 1; continue; }
    ssize_t r;
    for (;;) {
      if (n + 8 >= cap) data = xrealloc(data, cap *= 2);
      r = read(fd, data + n, cap - n - 8);
      if (r <= 0) break;
      n += (size_t)r;
    }
    if (r < 0) { warn_("%s", *files); status = 1; }
    if (fd > 0) close(fd);
  }
  size_t start = (size_t)skip < n ? (size_t)skip : n;
  if ((size_t)skip > n) diex_(1, "cannot skip past end of combined input");
  size_t end = limit >= 0 && start + (size_t)limit < n ? start + (size_t)limit : n;
  memset(data + end, 0, 8);
  int offw = radix == 'x' ? 6 : radix == 'n' ? 0 : 7;
  int starred = 0;
  for (size_t pos = start; pos < end; pos += (size_t)width) {
    size_t len = end - pos < (size_t)width ? end - pos : (size_t)width;
    if (!verbose && pos > start && len == (size_t)width && memcmp(data + pos, data + pos - width, (size_t)width) == 0) {
      if (!starred) puts("*");
      starred = 1;
      continue;
    }
    starred = 0;
    for (int i = 0; i < ntypes; i++) {
      const struct type *t = &types[i];
      if (i == 0) offset(pos);
      else printf("%*s", offw, "");
      /* spread this type's padding over the line's fields, as GNU od does */
      int fields = width / t->size;
      int pad = (block_w - (t->width + 1) * (maxsize / t->size)) * (width / maxsize);
      int pad_left = pad;
      size_t k = 0;
      for (int f = fields; f > 0; f--, k += (size_t)t->size) {
        int next_pad = pad * (f - 1) / fields;
        int w = pad_left - next_pad + t->width + 1;
        pad_left = next_pad;
        if (k < len) element(t, data + pos + k, w);
        else if (t->z) printf("%*s", w, "");
      }
      if (t->z) {
        printf("  >");
        for (size_t j = 0; j < len; j++) putchar(isprint(data[pos + j]) ? data[pos + j] : '.');
        putchar('<');
      }
      putchar('\n');
    }
  }
  if (radix != 'n' && !(status && n == 0)) { offset(end); putchar('\n'); }
  if (fflush(stdout) != 0) die_(1, "write error");
  return status;
}
