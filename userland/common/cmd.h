/*
 * Commands with one implementation for both the shell's builtin and /bin's
 * program (test.c, printf.c): each front end says where output and
 * diagnostics go. The shell passes its buffered fd 1 (so command
 * substitution captures it) and sh_error ("sh: LINE: "); /bin passes stdio
 * (cmd.c). Diagnostics name the command themselves ("[: missing ]").
 */
#ifndef CMD_H
#define CMD_H

#include <stddef.h>

/* One diagnostic, without its newline; it flushes pending output first. */
typedef void report_fn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct cmd_io {
  void (*out)(const char *s, size_t n);   /* standard output */
  report_fn *report;
};

/* /bin's front end: stdout through stdio, diagnostics on stderr. */
extern const struct cmd_io cmd_stdio;

/* test(1) and [ (argv[0] names which). Status 0 true, 1 false, 2 an error. */
int test_main(int argc, char **argv, report_fn *report);

/* printf(1): status 0, 1 when an argument was not a number, 2 on a bad format. */
int printf_main(int argc, char **argv, const struct cmd_io *io);

#endif
