/*
 * fold: wrap lines at WIDTH columns (-w, default 80). -s breaks after the
 * last blank that fits; -b counts bytes (otherwise TAB advances to the next
 * multiple of 8 and backspace steps back). Spec: POSIX fold.
 */
#include "lib/util.h"

static int width = 80, at_space, bytes;

static size_t advance(size_t col, unsigned char c) {
  if (bytes) return col + 1;
  if (c == '\t') return col + 8 - col % 8;
  if (c == '\b') return col ? col - 1 : 0;
  if (c == '\r') return 0;
  return col + 1;
}

static void fold_line(const char *s, size_t n) {
  size_t start = 0;
  while (start < n) {
    size_t col = 0, i = start, last_blank = (size_t)-1;
    while (i < n) {
      size_t next = advance(col, (unsigned char)s[i]);
      if (next > (size_t)width && i > start) break;
      if (s[i] == ' ' || s[i] == '\t') last_blank = i;
      col = next;
      i++;
    }
    if (i < n && at_space && last_blank != (size_t)-1) i = last_blank + 1;
    fwrite(s + start, 1, i - start, stdout);
    if (i < n) putchar('\n');
    start = i;
  }
}

int main(int argc, char **argv) {
  prog = "fold";
  int c, status = 0;
  while ((c = getopt_(argc, argv, "w:sb")) != -1) {
    switch (c) {
    case 'w': width = atoi(optarg); if (width < 1) diex_(1, "invalid number of columns: '%s'", optarg); break;
    case 's': at_space = 1; break;
    case 'b': bytes = 1; break;
    default: usage_hint(); return 1;
    }
  }
  char *dflt[] = {"-", NULL};
  char *line = NULL;
  size_t cap = 0;
  for (char **f = optind < argc ? argv + optind : dflt; *f; f++) {
    FILE *in = fopen_in(*f);
    if (!in) { status = 1; continue; }
    ssize_t n;
    while ((n = getline(&line, &cap, in)) > 0) {
      int nl = line[n - 1] == '\n';
      fold_line(line, (size_t)n - (size_t)nl);
      if (nl) putchar('\n');
    }
    fclose_in(in);
  }
  if (fflush(stdout) != 0) die_(1, "write error");
  return status;
}
