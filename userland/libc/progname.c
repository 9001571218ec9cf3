/*
 * The program's name: program_invocation_name (argv[0]) and
 * program_invocation_short_name (its last component), as glibc sets them
 * before main. wasi-libc defines both (weak, in libc.o) but never sets them —
 * its start code takes argv only for main — so gnulib's getprogname, behind
 * error() in diffutils and others, answered NULL ("(null): d: No such file").
 * These strong definitions replace wasi-libc's in a program that uses either
 * name, and their constructor reads argv[0] with WASI's args_get. A program
 * that uses neither does not carry this file (it is a member of libtk.a).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

char *program_invocation_name = "";
char *program_invocation_short_name = "";

__attribute__((constructor)) static void tk_progname_init(void) {
  __wasi_size_t argc, size;
  if (__wasi_args_sizes_get(&argc, &size) != 0 || argc == 0) return;
  uint8_t **argv = malloc(argc * sizeof *argv);
  uint8_t *buf = malloc(size);
  if (!argv || !buf || __wasi_args_get(argv, buf) != 0) {
    free(argv);
    free(buf);
    return;
  }
  // buf stays: the names point into it for the life of the process.
  program_invocation_name = (char *)argv[0];
  char *slash = strrchr(program_invocation_name, '/');
  program_invocation_short_name = slash ? slash + 1 : program_invocation_name;
  free(argv);
}
