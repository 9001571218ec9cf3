/*
 * yes: print its arguments joined by spaces (or "y") forever, until a write
 * fails (EPIPE when the reader goes away). Spec: GNU coreutils yes.
 */
#include "lib/util.h"

int main(int argc, char **argv) {
  prog = "yes";
  int first = 1;
  if (argc > 1 && strcmp(argv[1], "--") == 0) first = 2;
  size_t len = 0;
  for (int i = first; i < argc; i++) len += strlen(argv[i]) + 1;
  char *line;
  if (first >= argc) {
    line = xstrdup("y\n");
    len = 2;
  } else {
    line = xmalloc(len + 1);
    char *p = line;
    for (int i = first; i < argc; i++) {
      size_t n = strlen(argv[i]);
      memcpy(p, argv[i], n);
      p += n;
      *p++ = i + 1 < argc ? ' ' : '\n';
    }
  }
  /* Fill a buffer with whole copies so each write carries many lines. */
  size_t copies = len < 4096 ? 8192 / len : 1;
  char *buf = xmalloc(len * copies);
  for (size_t i = 0; i < copies; i++) memcpy(buf + i * len, line, len);
  for (;;) {
    if (write_all(1, buf, len * copies) < 0) {
      if (errno == EPIPE) return 1;
      die_(1, "standard output");
    }
  }
}
