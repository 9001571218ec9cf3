/*
 * rev: reverse the characters of each line (UTF-8 sequences stay whole).
 * Spec: util-linux rev.
 */
#include "lib/util.h"

int main(int argc, char **argv) {
  prog = "rev";
  int status = 0;
  char *dflt[] = {"-", NULL};
  char *line = NULL;
  size_t cap = 0;
  for (char **f = argc > 1 ? argv + 1 : dflt; *f; f++) {
    FILE *in = fopen_in(*f);
    if (!in) { status = 1; continue; }
    ssize_t n;
    while ((n = getline(&line, &cap, in)) > 0) {
      int nl = line[n - 1] == '\n';
      size_t len = (size_t)n - (size_t)nl;
      for (size_t end = len; end > 0;) {
        size_t start = end - 1;
        while (start > 0 && ((unsigned char)line[start] & 0xC0) == 0x80) start--;
        fwrite(line + start, 1, end - start, stdout);
        end = start;
      }
      if (nl) putchar('\n');
    }
    fclose_in(in);
  }
  if (fflush(stdout) != 0) die_(1, "write error");
  return status;
}
