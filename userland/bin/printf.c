/*
 * printf: format and print data. The shell's builtin is the same code:
 * userland/common/printf.c. Spec: POSIX printf.
 */
#include "../common/cmd.h"
#include "lib/util.h"

int main(int argc, char **argv) {
  prog = "printf";
  int status = printf_main(argc, argv, &cmd_stdio);
  if (fflush(stdout) != 0) die_(1, "write error");
  return status;
}
