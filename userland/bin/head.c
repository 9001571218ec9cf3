/*
 * head: output the first part of files. -n N lines (default 10), -c N
 * bytes; a leading '-' (-n -N, -c -N) means all but the last N. -q never
 * prints "==> NAME <==" headers, -v always does (default: with more than
 * one file). The old form "head -N" means -n N. Spec: POSIX head.
 */
#include "lib/util.h"

static int by_bytes, all_but;
static long long count = 10;

static int head_fd(int fd) {
  if (all_but) {
    size_t len;
    char *buf = slurp(fd, &len);
    if (!buf) return -1;
    size_t keep;
    if (by_bytes) {
      keep = (unsigned long long)count >= len ? 0 : len - (size_t)count;
    } else {
      /* drop the last `count` lines (a final unterminated line counts) */
      size_t end = len;
      long long k = count;
      if (end > 0 && buf[end - 1] != '\n' && k > 0) {
        while (end > 0 && buf[end - 1] != '\n') end--;
        k--;
      }
      while (k > 0 && end > 0) {
        end--;
        while (end > 0 && buf[end - 1] != '\n') end--;
        k--;
      }
      keep = end;
    }
    write_all(1, buf, keep);
    free(buf);
    return 0;
  }
  static char buf[65536];
  long long left = count;
  while (left > 0) {
    ssize_t r = read(fd, buf, sizeof buf);
    if (r < 0) return -1;
    if (r == 0) break;
    size_t take = (size_t)r;
    if (by_bytes) {
      if ((long long)take > left) take = (size_t)left;
      left -= (long long)take;
    } else {
      size_t i = 0;
      for (; i < (size_t)r && left > 0; i++)
        if (buf[i] == '\n') left--;
      take = i;
    }
    if (write_all(1, buf, take) < 0) die_(1, "write error");
  }
  return 0;
}

static int set_count(const char *arg) {
  const char *s = arg;
  if (*s == '-') { all_but = 1; s++; }
  else if (*s == '+') s++;
  count = parse_count(s);
  if (count < 0) {
    warnx_("invalid number of %s: '%s'", by_bytes ? "bytes" : "lines", arg);
    return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  prog = "head";
  int headers = -1, c, status = 0;
  const char *num = NULL;
  /* "head -5": the historical form. */
  if (argc > 1 && argv[1][0] == '-' && argv[1][1] >= '0' && argv[1][1] <= '9') {
    num = argv[1] + 1;
    argv[1] = argv[0];
    argv++;
    argc--;
  }
  while ((c = getopt_(argc, argv, "n:c:qv")) != -1) {
    switch (c) {
    case 'n': by_bytes = 0; num = optarg; break;
    case 'c': by_bytes = 1; num = optarg; break;
    case 'q': headers = 0; break;
    case 'v': headers = 1; break;
    default: usage_hint(); return 1;
    }
  }
  if (num && set_count(num) != 0) return 1;
  char *dflt[] = {"-", NULL};
  char **files = optind < argc ? argv + optind : dflt;
  int nfiles = optind < argc ? argc - optind : 1;
  if (headers < 0) headers = nfiles > 1;
  int printed = 0;
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
    if (head_fd(fd) != 0) { warn_("error reading '%s'", *files); status = 1; }
    if (fd > 0) close(fd);
  }
  return status;
}
