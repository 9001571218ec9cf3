/*
 * echo: write the arguments separated by spaces, then a newline.
 * -n: no newline; -e: interpret backslash escapes (\c stops output);
 * -E: don't (the default). Options are recognised only as leading words made
 * solely of n, e and E, as in coreutils and busybox.
 * Spec: POSIX echo; GNU coreutils for -n/-e/-E.
 */
#include "lib/util.h"
#include "../common/escape.h"

int main(int argc, char **argv) {
  prog = "echo";
  int nl = 1, esc = 0, i = 1;
  for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
    const char *p = argv[i] + 1;
    if (strspn(p, "neE") != strlen(p)) break;
    for (; *p; p++) {
      if (*p == 'n') nl = 0;
      else if (*p == 'e') esc = 1;
      else esc = 0;
    }
  }
  for (int first = 1; i < argc; i++, first = 0) {
    if (!first) putchar(' ');
    if (!esc) { fputs(argv[i], stdout); continue; }
    for (const char *s = argv[i]; *s; s++) {
      if (*s != '\\' || !s[1]) { putchar(*s); continue; }
      int c, n = parse_escape(s + 1, &c, 1);
      if (c == ESC_STOP) { fflush(stdout); return 0; }
      putchar(c);
      s += n;
    }
  }
  if (nl) putchar('\n');
  if (fflush(stdout) != 0) die_(1, "write error");
  return 0;
}
