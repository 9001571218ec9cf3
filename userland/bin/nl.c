/*
 * nl: number lines. -b STYLE which lines get numbers (a all, t non-empty
 * (default), n none, pBRE those matching), -n FORMAT (ln, rn (default), rz),
 * -w WIDTH (6), -s SEP (TAB), -v FIRST (1), -i STEP (1). Unnumbered lines
 * are indented by WIDTH + the separator's length, as GNU nl does. Logical
 * page sections (\:\:\:) are not recognised. Spec: POSIX nl.
 */
#include "lib/util.h"
#include <regex.h>

int main(int argc, char **argv) {
  prog = "nl";
  int c, width = 6, status = 0;
  char style = 't';
  const char *fmt = "rn", *sep = "\t";
  long long num = 1, step = 1;
  regex_t re;
  while ((c = getopt_(argc, argv, "b:n:w:s:v:i:h:f:d:l:p")) != -1) {
    switch (c) {
    case 'b':
      style = optarg[0];
      if (style == 'p') { if (regcomp(&re, optarg + 1, 0) != 0) diex_(1, "invalid regular expression"); }
      else if (!strchr("atn", style) || optarg[1]) diex_(1, "invalid body numbering style: '%s'", optarg);
      break;
    case 'n':
      if (strcmp(optarg, "ln") && strcmp(optarg, "rn") && strcmp(optarg, "rz")) diex_(1, "invalid line numbering format: '%s'", optarg);
      fmt = optarg;
      break;
    case 'w': width = atoi(optarg); if (width < 1) diex_(1, "invalid line number field width: '%s'", optarg); break;
    case 's': sep = optarg; break;
    case 'v': num = atoll(optarg); break;
    case 'i': step = atoll(optarg); break;
    case 'h': case 'f': case 'd': case 'l': case 'p': break;
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
      if (nl) line[--n] = 0;
      int numbered = style == 'a' || (style == 't' && n > 0) || (style == 'p' && regexec(&re, line, 0, NULL, 0) == 0);
      if (numbered) {
        if (!strcmp(fmt, "ln")) printf("%-*lld", width, num);
        else if (!strcmp(fmt, "rz")) printf("%0*lld", width, num);
        else printf("%*lld", width, num);
        fputs(sep, stdout);
        num += step;
      } else {
        printf("%*s", width + (int)strlen(sep), "");
      }
      fwrite(line, 1, (size_t)n, stdout);
      if (nl) putchar('\n');
    }
    fclose_in(in);
  }
  if (fflush(stdout) != 0) die_(1, "write error");
  return status;
}
