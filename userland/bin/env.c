/*
 * env: print the environment, or run a command in a modified one.
 * env [-i] [-0] [-u NAME]... [NAME=VALUE]... [COMMAND [ARG]...].
 * -i starts from an empty environment, -u removes NAME, -0 ends lines with
 * NUL. COMMAND replaces env (execvp, searching PATH); when it cannot be
 * run the status is 127 if it was not found and 126 otherwise.
 * Spec: POSIX env.
 */
#include "lib/util.h"

extern char **environ;

int main(int argc, char **argv) {
  prog = "env";
  int c, ignore = 0;
  char end = '\n';
  for (int i = 1; i < argc && argv[i][0] == '-'; i++) {
    if (!strcmp(argv[i], "-")) { argv[i] = (char *)"-i"; break; }   /* "env -" is -i */
    if (!strcmp(argv[i], "--")) break;
  }
  while ((c = getopt_(argc, argv, "+iu:0")) != -1) {
    switch (c) {
    case 'i': ignore = 1; break;
    case 'u': if (unsetenv(optarg) != 0) die_(125, "cannot unset '%s'", optarg); break;
    case '0': end = 0; break;
    default: usage_hint(); return 125;
    }
  }
  if (ignore) {
    static char *empty[] = {NULL};
    environ = empty;
  }
  int i = optind;
  for (; i < argc && strchr(argv[i], '='); i++) {
    char *eq = strchr(argv[i], '=');
    if (eq == argv[i]) diex_(125, "cannot set '%s': Invalid argument", argv[i]);
    *eq = 0;
    if (setenv(argv[i], eq + 1, 1) != 0) die_(125, "cannot set '%s'", argv[i]);
    *eq = '=';
  }
  if (i < argc) {
    execvp(argv[i], argv + i);
    die_(errno == ENOENT ? 127 : 126, "'%s'", argv[i]);
  }
  for (char **e = environ; e && *e; e++) {
    fputs(*e, stdout);
    putchar(end);
  }
  if (fflush(stdout) != 0) die_(125, "write error");
  return 0;
}
