/*
 * test, [: evaluate a conditional expression; status 0 true, 1 false, 2 on
 * an error. Invoked as "[" the last argument must be "]". The shell's
 * builtin is the same code: userland/common/test.c. Spec: POSIX test.
 */
#include "../common/cmd.h"
#include "lib/util.h"
#include <limits.h>

int main(int argc, char **argv) {
  char b[PATH_MAX];
  base_name(argv[0] ? argv[0] : "test", b, sizeof b);
  argv[0] = strcmp(b, "[") == 0 || strcmp(b, "[.wasm") == 0 ? "[" : "test";
  return test_main(argc, argv, cmd_stdio.report);
}
