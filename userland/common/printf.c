/*
 * printf, for the shell's builtin and /bin/printf alike (cmd.h). The format
 * is reused while arguments remain; missing arguments read as "" or 0.
 * Conversions: d i o u x X f F e E g G a A c s b %%, with flags "-+ #0",
 * width and precision (either may be '*'); length modifiers are accepted and
 * mean nothing. Numeric arguments may be C constants or 'C / "C (the
 * character's code). Escapes (escape.c) in the format: \\ \" \' \a \b \e \f
 * \n \r \t \v \NNN \xHH; %b also takes \0NNN; \c stops all output.
 * Status 1 when an argument was not wholly a number (it is still printed as
 * far as it parsed), 2 on a bad directive. Diagnostics as dash words them.
 * Spec: POSIX XCU printf.
 */
#include "cmd.h"
#include "escape.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pf {
  char **args;
  int nargs;
  int status;
  int stop;   /* \c seen */
  const struct cmd_io *io;
};

static const char *next_arg(struct pf *p) {
  if (p->nargs <= 0) return NULL;
  p->nargs--;
  return *p->args++;
}

/* Report an argument that was not (wholly) a number. */
static void check_num(struct pf *p, const char *a, const char *end) {
  const char *why = end == a ? "expected numeric value" : *end ? "not completely converted"
                  : errno == ERANGE ? "Result too large" : NULL;
  if (!why) return;
  p->io->report("printf: %s: %s", a, why);
  p->status = 1;
}

/* The next argument as a number: an integer (is_unsigned: of an unsigned conversion) or, with f, a double. */
static intmax_t arg_int(struct pf *p, int is_unsigned) {
  const char *a = next_arg(p);
  if (!a || !*a) return 0;
  if (a[0] == '\'' || a[0] == '"') return (unsigned char)a[1];
  char *end;
  errno = 0;
  intmax_t v;
  if (is_unsigned && a[strspn(a, " \t\n")] != '-') v = (intmax_t)strtoumax(a, &end, 0);
  else v = strtoimax(a, &end, 0);
  check_num(p, a, end);
  return v;
}

static double arg_float(struct pf *p) {
  const char *a = next_arg(p);
  if (!a || !*a) return 0;
  if (a[0] == '\'' || a[0] == '"') return (unsigned char)a[1];
  char *end;
  errno = 0;
  double v = strtod(a, &end);
  check_num(p, a, end);
  return v;
}

/* Output one C printf conversion. */
static void emitf(struct pf *p, const char *spec, ...) __attribute__((format(printf, 2, 3)));
static void emitf(struct pf *p, const char *spec, ...) {
  char small[256];
  va_list ap, ap2;
  va_start(ap, spec);
  va_copy(ap2, ap);
  int n = vsnprintf(small, sizeof small, spec, ap);
  if (n >= (int)sizeof small) {
    char *big = malloc((size_t)n + 1);
    if (big) {
      vsnprintf(big, (size_t)n + 1, spec, ap2);
      p->io->out(big, (size_t)n);
      free(big);
    }
  } else if (n > 0) {
    p->io->out(small, (size_t)n);
  }
  va_end(ap2);
  va_end(ap);
}

/*
 * One escape after the backslash at s; *c is the byte, or ESC_STOP. Returns
 * the characters consumed after the backslash. printf adds \" and \' to
 * escape.c's set; an unknown escape is the backslash and the character.
 */
static int escape(const char *s, int *c, int in_b) {
  if (*s == '"' || *s == '\'') {
    *c = *s;
    return 1;
  }
  return parse_escape(s, c, in_b);
}

/* %b: the argument with escapes expanded, then width and precision applied to its bytes. */
static void print_b(struct pf *p, const char *s, int width, int prec, int left) {
  size_t n = 0;
  char *out = malloc(strlen(s) + 1);
  if (!out) return;
  for (; *s; s++) {
    if (*s != '\\' || !s[1]) {
      out[n++] = *s;
      continue;
    }
    int c, k = escape(s + 1, &c, 1);
    if (c == ESC_STOP) {
      p->stop = 1;
      break;
    }
    out[n++] = (char)c;
    s += k;
  }
  if (prec >= 0 && (size_t)prec < n) n = (size_t)prec;
  int pad = width > (int)n ? width - (int)n : 0;
  for (; !left && pad > 0; pad--) p->io->out(" ", 1);
  p->io->out(out, n);
  for (; left && pad > 0; pad--) p->io->out(" ", 1);
  free(out);
}

/*
 * One % directive at f; returns the characters consumed, or 0 when it is not
 * one. The directive is rebuilt as "%FLAGS*.*" + 'j' + conversion and handed
 * to the C library with the width and precision as arguments: C reads a
 * negative width as '-' and a negative precision as "none", which is also
 * what "*" with a negative argument means in printf(1).
 */
static size_t directive(struct pf *p, const char *f) {
  const char *s = f + 1;
  char spec[32];
  size_t sl = 0;
  spec[sl++] = '%';
  for (; *s && strchr("-+ #0'", *s); s++)
    if (*s != '\'' && sl < 16) spec[sl++] = *s;
  int width = 0, prec = -1;
  if (*s == '*') {
    width = (int)arg_int(p, 0);
    s++;
  } else {
    while (*s >= '0' && *s <= '9') width = width * 10 + (*s++ - '0');
  }
  if (*s == '.') {
    s++;
    prec = 0;
    if (*s == '*') {
      prec = (int)arg_int(p, 0);
      s++;
      if (prec < 0) prec = -1;
    } else {
      while (*s >= '0' && *s <= '9') prec = prec * 10 + (*s++ - '0');
    }
  }
  while (*s && strchr("hlLqjzt", *s)) s++;
  char conv = *s;
  memcpy(spec + sl, "*.*", 4);
  sl += 3;
  switch (conv) {
  case '%': p->io->out("%", 1); break;
  case 'd': case 'i':
    spec[sl++] = 'j'; spec[sl++] = 'd'; spec[sl] = 0;
    { intmax_t v = arg_int(p, 0); emitf(p, spec, width, prec, v); }
    break;
  case 'o': case 'u': case 'x': case 'X':
    spec[sl++] = 'j'; spec[sl++] = conv; spec[sl] = 0;
    { uintmax_t v = (uintmax_t)arg_int(p, 1); emitf(p, spec, width, prec, v); }
    break;
  case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A':
    spec[sl++] = conv; spec[sl] = 0;
    { double v = arg_float(p); emitf(p, spec, width, prec, v); }
    break;
  case 'c':
    sl -= 2;   /* no precision for %c */
    spec[sl++] = 'c'; spec[sl] = 0;
    { const char *a = next_arg(p); emitf(p, spec, width, a ? a[0] : 0); }
    break;
  case 's':
    spec[sl++] = 's'; spec[sl] = 0;
    { const char *a = next_arg(p); emitf(p, spec, width, prec, a ? a : ""); }
    break;
  case 'b': {
    const char *a = next_arg(p);
    int left = memchr(spec, '-', sl) != NULL || width < 0;
    print_b(p, a ? a : "", width < 0 ? -width : width, prec, left);
    break;
  }
  default:
    return 0;
  }
  return (size_t)(s + 1 - f);
}

/* One pass over the format; 0, or 2 after a bad directive. */
static int format_once(struct pf *p, const char *f) {
  while (*f && !p->stop) {
    if (*f == '\\' && f[1]) {
      int c, n = escape(f + 1, &c, 0);
      if (c == ESC_STOP) {
        p->stop = 1;
        break;
      }
      char b = (char)c;
      p->io->out(&b, 1);
      f += 1 + n;
    } else if (*f == '%') {
      size_t n = directive(p, f);
      if (n == 0) {
        /* The directive: flags, width, precision, one conversion character. */
        size_t len = 1 + strspn(f + 1, "-+ #0123456789.*'hlLqjzt");
        if (f[len]) len++;
        p->io->report("printf: %.*s: invalid directive", (int)len, f);
        return 2;
      }
      f += n;
    } else {
      size_t n = strcspn(f + 1, "\\%") + 1;   /* a run of plain characters */
      p->io->out(f, n);
      f += n;
    }
  }
  return 0;
}

int printf_main(int argc, char **argv, const struct cmd_io *io) {
  int i = 1;
  if (i < argc && strcmp(argv[i], "--") == 0) i++;
  if (i >= argc) {
    io->report("printf: usage: printf format [arg ...]");
    return 2;
  }
  const char *fmt = argv[i++];
  struct pf p = {argv + i, argc - i, 0, 0, io};
  do {
    int before = p.nargs;
    if (format_once(&p, fmt) != 0) return 2;
    if (p.nargs == before) break;   /* the format takes no arguments */
  } while (p.nargs > 0 && !p.stop);
  return p.status;
}
