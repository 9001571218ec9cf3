/* The bodies of util.h, and the stdio buffers of every program that uses them. */
#include "util.h"

const char *prog = "?";

/*
 * Larger stdio buffers. wasi-libc's are BUFSIZ (1 KiB), so a utility
 * streaming through a pipe made a read or a write per KiB, each of which may
 * wake the process at the other end (glibc sizes them by st_blksize, 4 KiB
 * and up; coreutils reads and writes 128 KiB itself). stdin reads 64 KiB at
 * a time; stdout buffers 64 KiB unless it is a terminal, where it stays
 * line-buffered (the isatty() is the one wasi-libc makes at the first write
 * anyway). stderr stays unbuffered. Output is flushed at exit, and before
 * diagnostics (warnx_) and spawns, as before.
 */
__attribute__((constructor)) static void util_stdio_buffers(void) {
  static char inbuf[8 + 65536], outbuf[8 + 65536];   /* musl keeps 8 bytes for ungetc */
  int e = errno;
  setvbuf(stdin, inbuf, _IOFBF, sizeof inbuf);
  if (isatty(1)) setvbuf(stdout, NULL, _IOLBF, 0);
  else setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
  errno = e;   /* isatty's ENOTTY is nobody's business */
}

/* "prog: MESSAGE\n", or with why "prog: MESSAGE: why\n", after what stdout holds. */
static void vwarn(const char *fmt, va_list ap, const char *why) {
  fflush(stdout);
  fprintf(stderr, "%s: ", prog);
  vfprintf(stderr, fmt, ap);
  if (why) fprintf(stderr, ": %s", why);
  fputc('\n', stderr);
}

void warnx_(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vwarn(fmt, ap, NULL);
  va_end(ap);
}

void warn_(const char *fmt, ...) {
  const char *why = strerror(errno);   /* before stdio can change errno */
  va_list ap;
  va_start(ap, fmt);
  vwarn(fmt, ap, why);
  va_end(ap);
}

void usage_hint(void) {
  fprintf(stderr, "Try '%s --help' for more information.\n", prog);
}

int getopt_(int argc, char *const argv[], const char *opts) {
  /* getopt_long permutes like GNU getopt ("grep PAT FILE -n"); a leading
   * '+' in opts stops at the first operand instead. */
  static const struct option none[] = {{0, 0, 0, 0}};
  opterr = 0;
  int c = getopt_long(argc, argv, opts, none, NULL);
  if (c == '?') {
    const char *a = optind < argc && strncmp(argv[optind], "--", 2) == 0 ? argv[optind] : argv[optind - 1];
    if (optopt == '-' && strncmp(a, "--", 2) == 0) warnx_("unrecognized option '%s'", a);
    else if (optopt && strchr(opts, optopt)) warnx_("option requires an argument -- '%c'", optopt);
    else if (optopt) warnx_("invalid option -- '%c'", optopt);
    else warnx_("unrecognized option '%s'", argv[optind - 1]);
  }
  return c;
}

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) diex_(1, "out of memory");
  return p;
}

void *xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (!p) diex_(1, "out of memory");
  return p;
}

char *xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  return memcpy(xmalloc(n), s, n);
}

int write_all(int fd, const void *buf, size_t n) {
  const char *p = buf;
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

char *slurp(int fd, size_t *len) {
  size_t cap = 65536, n = 0;
  char *buf = xmalloc(cap);
  ssize_t r;
  for (;;) {
    if (n == cap) buf = xrealloc(buf, cap *= 2);
    r = read(fd, buf + n, cap - n);
    if (r <= 0) break;
    n += (size_t)r;
  }
  *len = n;
  if (r < 0) { free(buf); return NULL; }
  return buf;
}

int open_in(const char *name) {
  if (strcmp(name, "-") == 0) return 0;
  return open(name, O_RDONLY);
}

FILE *fopen_in(const char *name) {
  if (strcmp(name, "-") == 0) return stdin;
  FILE *f = fopen(name, "r");
  if (!f) warn_("%s", name);
  return f;
}

void fclose_in(FILE *f) {
  if (f == stdin) clearerr(f);
  else fclose(f);
}

char *path_join(const char *dir, const char *name) {
  size_t dl = strlen(dir), nl = strlen(name);
  char *p = xmalloc(dl + nl + 2);
  memcpy(p, dir, dl);
  if (dl == 0 || dir[dl - 1] != '/') p[dl++] = '/';
  memcpy(p + dl, name, nl + 1);
  return p;
}

const char *base_name(const char *path, char *buf, size_t cap) {
  size_t n = strlen(path);
  while (n > 1 && path[n - 1] == '/') n--;
  size_t s = n;
  while (s > 0 && path[s - 1] != '/') s--;
  if (n == 1 && path[0] == '/') s = 0;
  size_t len = n - s;
  if (len >= cap) len = cap - 1;
  memcpy(buf, path + s, len);
  buf[len] = 0;
  return buf;
}

char *mode_string(mode_t m, char *b) {
  b[0] = S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISCHR(m) ? 'c' : S_ISBLK(m) ? 'b'
       : S_ISFIFO(m) ? 'p' : S_ISSOCK(m) ? 's' : '-';
  const char *rwx = "rwxrwxrwx";
  for (int i = 0; i < 9; i++) b[i + 1] = (m & (0400 >> i)) ? rwx[i] : '-';
  if (m & S_ISUID) b[3] = (m & 0100) ? 's' : 'S';
  if (m & S_ISGID) b[6] = (m & 0010) ? 's' : 'S';
  if (m & S_ISVTX) b[9] = (m & 0001) ? 't' : 'T';
  b[10] = 0;
  return b;
}

char *human_size(uint64_t n, char *b, size_t cap) {
  static const char units[] = "BKMGTPE";
  if (n < 1024) {
    snprintf(b, cap, "%llu", (unsigned long long)n);
    return b;
  }
  double v = (double)n;
  int u = 0;
  while (v >= 1024 && u < 6) { v /= 1024; u++; }
  if (v < 10) {
    /* one decimal, rounded up as coreutils does */
    double r = (double)(uint64_t)(v * 10);
    if (r < v * 10) r += 1;
    if (r >= 100) snprintf(b, cap, "%d%c", 10, units[u]);
    else snprintf(b, cap, "%.1f%c", r / 10, units[u]);
  } else {
    double r = (double)(uint64_t)v;
    if (r < v) r += 1;
    if (r >= 1024 && u < 6) snprintf(b, cap, "1.0%c", units[u + 1]);
    else snprintf(b, cap, "%.0f%c", r, units[u]);
  }
  return b;
}

long long parse_count(const char *s) {
  char *end;
  if (!*s) return -1;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || end == s || v < 0) return -1;
  if (!*end) return v;
  long long mul = 1;
  switch (*end) {
  case 'b': mul = 512; break;
  case 'k': case 'K': mul = 1024; break;
  case 'm': case 'M': mul = 1024LL * 1024; break;
  case 'g': case 'G': mul = 1024LL * 1024 * 1024; break;
  default: return -1;
  }
  end++;
  if (*end == 'B' && mul != 512) { mul = mul == 1024 ? 1000 : mul == 1048576 ? 1000000 : 1000000000; end++; }
  else if (*end == 'i' && end[1] == 'B') end += 2;
  if (*end) return -1;
  return v * mul;
}
