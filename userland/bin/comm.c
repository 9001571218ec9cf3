/*
 * comm: compare two sorted files line by line: lines only in FILE1, only
 * in FILE2, and in both, in three TAB-indented columns. -1 -2 -3 suppress a
 * column; --output-delimiter=STR replaces the TAB. Spec: POSIX comm.
 */
#include "lib/util.h"

int main(int argc, char **argv) {
  prog = "comm";
  int c, show[4] = {0, 1, 1, 1};
  const char *delim = "\t";
  for (int i = 1; i < argc; i++)
    if (!strncmp(argv[i], "--output-delimiter=", 19)) { delim = argv[i] + 19; argv[i] = (char *)"--"; }
  while ((c = getopt_(argc, argv, "123")) != -1) {
    if (c >= '1' && c <= '3') show[c - '0'] = 0;
    else { usage_hint(); return 1; }
  }
  if (argc - optind < 2) {
    if (argc - optind == 1) warnx_("missing operand after '%s'", argv[optind]);
    else warnx_("missing operand");
    usage_hint();
    return 1;
  }
  FILE *f[2];
  for (int i = 0; i < 2; i++) {
    const char *nm = argv[optind + i];
    f[i] = strcmp(nm, "-") == 0 ? stdin : fopen(nm, "r");
    if (!f[i]) die_(1, "%s", nm);
  }
  char *l[2] = {NULL, NULL};
  size_t cap[2] = {0, 0};
  ssize_t n[2];
  for (int i = 0; i < 2; i++) {
    n[i] = getline(&l[i], &cap[i], f[i]);
    if (n[i] > 0 && l[i][n[i] - 1] == '\n') l[i][--n[i]] = 0;
  }
  while (n[0] >= 0 || n[1] >= 0) {
    int col, adv[2] = {0, 0};
    if (n[1] < 0) col = 1;
    else if (n[0] < 0) col = 2;
    else {
      int r = strcmp(l[0], l[1]);
      col = r < 0 ? 1 : r > 0 ? 2 : 3;
    }
    if (col == 1) adv[0] = 1;
    else if (col == 2) adv[1] = 1;
    else adv[0] = adv[1] = 1;
    if (show[col]) {
      for (int k = 1; k < col; k++) if (show[k]) fputs(delim, stdout);
      puts(col == 2 ? l[1] : l[0]);
    }
    for (int i = 0; i < 2; i++) {
      if (!adv[i]) continue;
      n[i] = getline(&l[i], &cap[i], f[i]);
      if (n[i] > 0 && l[i][n[i] - 1] == '\n') l[i][--n[i]] = 0;
    }
  }
  if (fflush(stdout) != 0) die_(1, "write error");
  return 0;
}
