/*
 * cat: concatenate files to standard output.
 * Options: -n number lines, -b number non-blank lines, -s squeeze blank
 * lines, -E mark line ends with '$', -T show tabs as ^I, -v show
 * non-printing characters, -A (= -vET), -e (= -vE), -t (= -vT), -u ignored.
 * Without formatting options bytes are copied through unchanged.
 * Spec: POSIX cat; GNU coreutils for the extensions.
 */
#include "lib/util.h"

static int opt_n, opt_b, opt_s, opt_E, opt_T, opt_v;
static long long lineno;
static int at_bol = 1, blank_run;

static void put_visible(int c, FILE *out) {
  if (opt_v) {
    if (c >= 128) { fputs("M-", out); c -= 128; }
    if (c < 32 && c != '\n' && !(c == '\t' && !opt_T)) { putc('^', out); putc(c + 64, out); return; }
    if (c == 127) { fputs("^?", out); return; }
  }
  if (c == '\t' && opt_T) { fputs("^I", out); return; }
  putc(c, out);
}

/* The formatting path: byte at a time through stdio. -1 on a read error. */
static int cat_formatted(int fd) {
  char buf[8192];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) {
    for (ssize_t i = 0; i < n; i++) {
      int c = (unsigned char)buf[i];
      if (at_bol) {
        if (c == '\n') {
          if (opt_s && blank_run) continue;
          blank_run = 1;
        } else {
          blank_run = 0;
        }
        if (opt_n && !(opt_b && c == '\n')) printf("%6lld\t", ++lineno);
        else if (opt_b && c != '\n') printf("%6lld\t", ++lineno);
      }
      if (c == '\n') {
        if (opt_E) putchar('$');
        putchar('\n');
        at_bol = 1;
      } else {
        put_visible(c, stdout);
        at_bol = 0;
      }
    }
  }
  return n < 0 ? -1 : 0;
}

int main(int argc, char **argv) {
  prog = "cat";
  int c;
  while ((c = getopt_(argc, argv, "nbsETvAetu")) != -1) {
    switch (c) {
    case 'n': opt_n = 1; break;
    case 'b': opt_b = 1; break;
    case 's': opt_s = 1; break;
    case 'E': opt_E = 1; break;
    case 'T': opt_T = 1; break;
    case 'v': opt_v = 1; break;
    case 'A': opt_v = opt_E = opt_T = 1; break;
    case 'e': opt_v = opt_E = 1; break;
    case 't': opt_v = opt_T = 1; break;
    case 'u': break;
    default: usage_hint(); return 1;
    }
  }
  int fmt = opt_n || opt_b || opt_s || opt_E || opt_T || opt_v;
  int status = 0;
  char *dflt[] = {"-", NULL};
  char **files = optind < argc ? argv + optind : dflt;
  for (; *files; files++) {
    int fd = open_in(*files);
    if (fd < 0) { warn_("%s", *files); status = 1; continue; }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
      warnx_("%s: Is a directory", *files);
      status = 1;
      if (fd) close(fd);
      continue;
    }
    if (fmt) {
      if (cat_formatted(fd) != 0) { warn_("%s", *files); status = 1; }
    } else {
      static char buf[65536];
      ssize_t n;
      while ((n = read(fd, buf, sizeof buf)) > 0) {
        if (write_all(1, buf, (size_t)n) < 0) die_(1, "write error");
      }
      if (n < 0) { warn_("%s", *files); status = 1; }
    }
    if (fd) close(fd);
  }
  if (fflush(stdout) != 0) die_(1, "write error");
  return status;
}
