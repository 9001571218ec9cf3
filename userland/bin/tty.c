/*
 * tty: print the name of the terminal on standard input, or "not a tty"
 * (status 1). -s prints nothing. The name is /proc/PID/fd/0's target.
 * Spec: POSIX tty.
 */
#include "lib/util.h"
#include <limits.h>

int main(int argc, char **argv) {
  prog = "tty";
  int c, silent = 0;
  while ((c = getopt_(argc, argv, "s")) != -1) {
    if (c == 's') silent = 1;
    else { usage_hint(); return 2; }
  }
  if (!isatty(0)) {
    if (!silent) puts("not a tty");
    return 1;
  }
  if (silent) return 0;
  char path[64], name[PATH_MAX];
  snprintf(path, sizeof path, "/proc/%d/fd/0", (int)getpid());
  ssize_t n = readlink(path, name, sizeof name - 1);
  if (n <= 0) { puts("/dev/tty"); return 0; }
  name[n] = 0;
  puts(name);
  return 0;
}
