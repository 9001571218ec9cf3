/*
 * printenv: print all environment variables, or the values of the named
 * ones (status 1 if any is unset). -0 ends lines with NUL.
 * Spec: GNU coreutils printenv.
 */
#include "lib/util.h"

extern char **environ;

int main(int argc, char **argv) {
  prog = "printenv";
  int c, status = 0;
  char end = '\n';
  while ((c = getopt_(argc, argv, "0")) != -1) {
    if (c == '0') end = 0;
    else { usage_hint(); return 2; }
  }
  if (optind >= argc) {
    for (char **e = environ; e && *e; e++) { fputs(*e, stdout); putchar(end); }
    return 0;
  }
  for (int i = optind; i < argc; i++) {
    const char *v = strchr(argv[i], '=') ? NULL : getenv(argv[i]);
    if (!v) { status = 1; continue; }
    fputs(v, stdout);
    putchar(end);
  }
  return status;
}
