/*
 * pwd: print the working directory. -L (default) prefers $PWD when it names
 * the current directory; -P prints the physical path. Spec: POSIX pwd.
 */
#include "lib/util.h"

int main(int argc, char **argv) {
  prog = "pwd";
  int logical = 1, c;
  while ((c = getopt_(argc, argv, "LP")) != -1) {
    if (c == 'L') logical = 1;
    else if (c == 'P') logical = 0;
    else { usage_hint(); return 1; }
  }
  char buf[4096];
  if (!getcwd(buf, sizeof buf)) die_(1, "error retrieving current directory");
  const char *pwd = getenv("PWD");
  if (logical && pwd && pwd[0] == '/' && !strstr(pwd, "/./") && !strstr(pwd, "/../")) {
    struct stat a, b;
    if (stat(pwd, &a) == 0 && stat(".", &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
      puts(pwd);
      return 0;
    }
  }
  puts(buf);
  return 0;
}
