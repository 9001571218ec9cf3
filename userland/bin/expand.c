/*
 * expand: convert TABs to spaces. -t N (tab stops every N, default 8) or
 * -t LIST (explicit stops, comma or blank separated); -i only leading TABs.
 * Spec: POSIX expand.
 */
#include "lib/util.h"
#include <ctype.h>

static long stops[64];
static int nstops;
static long every = 8;

static long next_stop(long col) {
  if (nstops <= 1) return (col / every + 1) * every;
  for (int i = 0; i < nstops; i++) if (stops[i] > col) return stops[i];
  return col + 1;   /* past the last stop: one space */
}

static void parse_stops(const char *s) {
  nstops = 0;
  while (*s) {
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || v <= 0 || (nstops && v <= stops[nstops - 1])) diex_(1, "tab sizes must be ascending");
    if (nstops < 64) stops[nstops++] = v;
    s = end;
    while (*s == ',' || isblank((unsigned char)*s)) s++;
  }
  if (nstops == 1) every = stops[0];
}

int main(int argc, char **argv) {
  prog = "expand";
  int c, initial = 0, status = 0;
  for (int i = 1; i < argc; i++)   /* historical -N */
    if (argv[i][0] == '-' && isdigit((unsigned char)argv[i][1])) { parse_stops(argv[i] + 1); argv[i] = (char *)"-i"; initial = -1; }
  while ((c = getopt_(argc, argv, "it:")) != -1) {
    if (c == 'i') initial = initial == -1 ? 0 : 1;
    else if (c == 't') parse_stops(optarg);
    else { usage_hint(); return 1; }
  }
  if (initial < 0) initial = 0;
  char *dflt[] = {"-", NULL};
  for (char **f = optind < argc ? argv + optind : dflt; *f; f++) {
    FILE *in = fopen_in(*f);
    if (!in) { status = 1; continue; }
    long col = 0;
    int leading = 1, ch;
    while ((ch = getc(in)) != EOF) {
      if (ch == '\t' && (!initial || leading)) {
        long to = next_stop(col);
        for (; col < to; col++) putchar(' ');
        continue;
      }
      if (ch != ' ' && ch != '\t') leading = 0;
      putchar(ch);
      if (ch == '\n') { col = 0; leading = 1; }
      else if (ch == '\b') col = col ? col - 1 : 0;
      else col++;
    }
    fclose_in(in);
  }
  if (fflush(stdout) != 0) die_(1, "write error");
  return status;
}
