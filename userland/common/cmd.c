/* /bin's front end for the commands of cmd.h: stdio's stdout and stderr. */
#include "cmd.h"

#include <stdarg.h>
#include <stdio.h>

static void stdio_out(const char *s, size_t n) {
  fwrite(s, 1, n, stdout);
}

static void stdio_report(const char *fmt, ...) {
  va_list ap;
  fflush(stdout);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

const struct cmd_io cmd_stdio = {stdio_out, stdio_report};
