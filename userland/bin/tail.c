/*
 * tail: output the last part of files. -n N lines (default 10) or -c N
 * bytes; "+N" starts at line/byte N instead. -q/-v control the
 * "==> NAME <==" headers (default: with more than one file). -f keeps
 * reading regular files as they grow (polling). Historical forms: -N, +N, -Nc.
 * Spec: POSIX tail.
 */
#include "lib/util.h"
#include <time.h>

static int by_bytes, from_start;
static long long count = 10;

/* Offset where the output starts within buf. */
static size_t start_of(const char *buf, size_t len) {
  if (by_bytes) {
    if (from_start) return count <= 1 ? 0 : ((size_t)(count - 1) > len ? len : (size_t)(count - 1));
    return (unsigned long long)count >= len ? 0 : len - (size_t)count;
  }
  if (from_start) {
    size_t i = 0;
    for (long long line = 1; line < count && i < len; i++)
      if (buf[i] == '\n') line++;
    return i;
  }
  if (count == 0) return len;
  size_t i = len;
  long long k = count;
  if (i > 0 && buf[i - 1] == '\n') i--;   /* the final newline ends the last line */
  while (i > 0) {
    if (buf[i - 1] == '\n' && --k == 0) break;
    i--;
  }
  return i;
}

static int tail_fd(int fd) {
  size_t len;
  char *buf = slurp(fd, &len);
  if (!buf) return -1;
  size_t s = start_of(buf, len);
  if (write_all(1, buf + s, len - s) < 0) die_(1, "write error");
  free(buf);
  return 0;
}

static int set_count(const char *arg) {
  const char *s = arg;
  from_start = 0;
  if (*s == '+') { from_start = 1; s++; }
  else if (*s == '-') s++;
  count = parse_count(s);
  if (count < 0) {
    warnx_("invalid number of %s: '%s'", by_bytes ? "bytes" : "lines", arg);
    return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  prog = "tail";
  int headers = -1, c, status = 0, follow = 0;
  const char *num = NULL;
  /* Historical "tail -5", "tail +5", "tail -5c". */
  if (argc > 1 && (argv[1][0] == '-' || argv[1][0] == '+') && argv[1][1] >= '0' && argv[1][1] <= '9') {
    static char nb[64];
    const char *a = argv[1];
    size_t n = strlen(a);
    if (n < sizeof nb) {
      memcpy(nb, a, n + 1);
      if (nb[n - 1] == 'c') { by_bytes = 1; nb[n - 1] = 0; }
      else if (nb[n - 1] == 'l') nb[n - 1] = 0;
      num = nb;
      argv[1] = argv[0];
      argv++;
      argc--;
    }
  }
  while ((c = getopt_(argc, argv, "n:c:qvfFs:")) != -1) {
    switch (c) {
    case 'n': by_bytes = 0; num = optarg; break;
    case 'c': by_bytes = 1; num = optarg; break;
    case 'q': headers = 0; break;
    case 'v': headers = 1; break;
    case 'f': case 'F': follow = 1; break;
    case 's': break;
    default: usage_hint(); return 1;
    }
  }
  if (num && set_count(num) != 0) return 1;
  char *dflt[] = {"-", NULL};
  char **files = optind < argc ? argv + optind : dflt;
  int nfiles = optind < argc ? argc - optind : 1;
  if (headers < 0) headers = nfiles > 1;
  int printed = 0, last_fd = -1;
  for (; *files; files++) {
    int fd = open_in(*files);
    if (fd < 0) {
      warn_("cannot open '%s' for reading", *files);
      status = 1;
      continue;
    }
    if (headers) {
      printf("%s==> %s <==\n", printed ? "\n" : "", strcmp(*files, "-") ? *files : "standard input");
      fflush(stdout);
    }
    printed = 1;
    if (tail_fd(fd) != 0) { warn_("error reading '%s'", *files); status = 1; }
    if (follow && nfiles == 1 && fd > 0) last_fd = fd;
    else if (fd > 0) close(fd);
  }
  /* -f on one regular file: poll for growth. */
  while (last_fd >= 0) {
    static char buf[65536];
    ssize_t r = read(last_fd, buf, sizeof buf);
    if (r > 0) { write_all(1, buf, (size_t)r); continue; }
    struct timespec ts = {0, 200000000};
    nanosleep(&ts, NULL);
  }
  return status;
}
