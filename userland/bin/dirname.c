/*
 * dirname: strip the last component from each path ("." when none is left).
 * -z ends lines with NUL. Spec: POSIX dirname.
 */
#include "lib/util.h"

static void one(const char *path, char end) {
  size_t n = strlen(path);
  while (n > 1 && path[n - 1] == '/') n--;          /* trailing slashes */
  while (n > 0 && path[n - 1] != '/') n--;          /* the last component */
  if (n == 0) { fputs(".", stdout); putchar(end); return; }
  while (n > 1 && path[n - 1] == '/') n--;          /* slashes before it */
  fwrite(path, 1, n, stdout);
  putchar(end);
}

int main(int argc, char **argv) {
  prog = "dirname";
  char end = '\n';
  int c;
  while ((c = getopt_(argc, argv, "z")) != -1) {
    if (c == 'z') end = 0;
    else { usage_hint(); return 1; }
  }
  if (optind >= argc) { warnx_("missing operand"); usage_hint(); return 1; }
  for (int i = optind; i < argc; i++) one(argv[i], end);
  return 0;
}
