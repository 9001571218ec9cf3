/*
 * hostname: print the host name, from $HOSTNAME or uname's node name
 * (wasi-libc answers "(none)"; then "localhost"). Setting it is refused.
 * Spec: net-tools hostname (printing only).
 */
#include "lib/util.h"
#include <sys/utsname.h>

int main(int argc, char **argv) {
  prog = "hostname";
  for (int i = 1; i < argc; i++) {
    if (argv[i][0] != '-') { errno = EPERM; die_(1, "you must be root to change the host name"); }
  }
  const char *h = getenv("HOSTNAME");
  struct utsname u;
  if (!h || !*h) h = uname(&u) == 0 && strcmp(u.nodename, "(none)") ? u.nodename : "localhost";
  puts(h);
  return 0;
}
