/*
 * printf: format and print data. The format is reused while arguments
 * remain; missing arguments read as "" or 0.
 * Conversions: d i o u x X f F e E g G a A c s b %%, with flags "-+ #0",
 * width and precision (either may be '*'). Numeric arguments may be
 * 'C or "C (the character's value). Escapes in the format: \\ \a \b \e \f \n
 * \r \t \v \NNN \xHH; %b also takes \0NNN and \c (stop).
 * Status 1 when an argument was not a valid number (it is still printed as
 * far as it parsed). Spec: POSIX printf; GNU coreutils for messages.
 */
#include "lib/util.h"
#include "lib/escape.h"
#include <ctype.h>
#include <inttypes.h>

static int status;
static int stop;
static char **args;
static int nargs;

static const char *next_arg(void) {
  if (nargs <= 0) return NULL;
  nargs--;
  return *args++;
}

/* Check a numeric conversion consumed the whole argument. */
static void check_num(const char *a, const char *end) {
  if (end == a) {
    warnx_("'%s': expected a numeric value", a);
    status = 1;
  } else if (*end) {
    warnx_("'%s': value not completely converted", a);
    status = 1;
  } else if (errno == ERANGE) {
    warnx_("'%s': %s", a, strerror(ERANGE));
    status = 1;
  }
}

static intmax_t arg_int(void) {
  const char *a = next_arg();
  if (!a) return 0;
  if ((a[0] == '\'' || a[0] == '"') && a[1]) return (unsigned char)a[1];
  char *end;
  errno = 0;
  intmax_t v = strtoimax(a, &end, 0);
  check_num(a, end);
  return v;
}

static uintmax_t arg_uint(void) {
  const char *a = next_arg();
  if (!a) return 0;
  if ((a[0] == '\'' || a[0] == '"') && a[1]) return (unsigned char)a[1];
  char *end;
  errno = 0;
  const char *p = a;
  while (isspace((unsigned char)*p)) p++;
  uintmax_t v;
  if (*p == '-') v = (uintmax_t)strtoimax(a, &end, 0);
  else v = strtoumax(a, &end, 0);
  check_num(a, end);
  return v;
}

static double arg_float(void) {
  const char *a = next_arg();
  if (!a) return 0;
  if ((a[0] == '\'' || a[0] == '"') && a[1]) return (unsigned char)a[1];
  char *end;
  errno = 0;
  double v = strtod(a, &end);
  check_num(a, end);
  return v;
}

/* %b: the argument with escapes expanded. */
static void print_b(const char *s, int width, int prec, int left) {
  size_t cap = strlen(s) + 1, n = 0;
  char *out = xmalloc(cap);
  for (; *s; s++) {
    if (*s != '\\' || !s[1]) { out[n++] = *s; continue; }
    int c, k = parse_escape(s + 1, &c, 1);
    if (c == ESC_STOP) { stop = 1; break; }
    out[n++] = (char)c;
    s += k;
  }
  if (prec >= 0 && (size_t)prec < n) n = (size_t)prec;
  int pad = width > (int)n ? width - (int)n : 0;
  if (!left) while (pad-- > 0) putchar(' ');
  fwrite(out, 1, n, stdout);
  if (left) while (pad-- > 0) putchar(' ');
  free(out);
}

/*
 * One % directive at f (pointing at '%'); returns the characters consumed.
 * The directive is rebuilt as "%FLAGS*.*" + length + conversion and handed to
 * the C library with the width and precision as arguments: C reads a
 * negative width as '-' and a negative precision as "none", which is also
 * what "*" with a negative argument means in printf(1).
 */
static size_t directive(const char *f) {
  const char *p = f + 1;
  char spec[32];
  size_t sl = 0;
  spec[sl++] = '%';
  while (*p && strchr("-+ #0'", *p)) { if (*p != '\'' && sl < 16) spec[sl++] = *p; p++; }
  int width = 0, prec = -1;
  if (*p == '*') { width = (int)arg_int(); p++; }
  else while (isdigit((unsigned char)*p)) width = width * 10 + (*p++ - '0');
  if (*p == '.') {
    p++;
    prec = 0;
    if (*p == '*') { prec = (int)arg_int(); p++; if (prec < 0) prec = -1; }
    else while (isdigit((unsigned char)*p)) prec = prec * 10 + (*p++ - '0');
  }
  while (*p && strchr("hlLqjzt", *p)) p++;   /* length modifiers mean nothing here */
  char conv = *p;
  if (!conv) { warnx_("%.*s: invalid conversion specification", (int)(p - f), f); exit(1); }
  p++;
  spec[sl++] = '*';
  spec[sl++] = '.';
  spec[sl++] = '*';
  switch (conv) {
  case '%': putchar('%'); break;
  case 'd': case 'i':
    spec[sl++] = 'j'; spec[sl++] = 'd'; spec[sl] = 0;
    { intmax_t v = arg_int(); printf(spec, width, prec, v); }
    break;
  case 'o': case 'u': case 'x': case 'X':
    spec[sl++] = 'j'; spec[sl++] = conv; spec[sl] = 0;
    { uintmax_t v = arg_uint(); printf(spec, width, prec, v); }
    break;
  case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A':
    spec[sl++] = conv; spec[sl] = 0;
    { double v = arg_float(); printf(spec, width, prec, v); }
    break;
  case 'c':
    sl -= 2;   /* no precision for %c */
    spec[sl++] = 'c'; spec[sl] = 0;
    { const char *a = next_arg(); printf(spec, width, a ? a[0] : 0); }
    break;
  case 's':
    spec[sl++] = 's'; spec[sl] = 0;
    { const char *a = next_arg(); printf(spec, width, prec, a ? a : ""); }
    break;
  case 'b': {
    const char *a = next_arg();
    int left = memchr(spec, '-', sl) != NULL || width < 0;
    print_b(a ? a : "", width < 0 ? -width : width, prec, left);
    break;
  }
  default:
    warnx_("%.*s: invalid conversion specification", (int)(p - f), f);
    exit(1);
  }
  return (size_t)(p - f);
}

/* One pass over the format. */
static void format_once(const char *f) {
  while (*f && !stop) {
    if (*f == '\\') {
      if (!f[1]) { putchar('\\'); f++; continue; }
      int c, n = parse_escape(f + 1, &c, 0);
      if (c == ESC_STOP) { stop = 1; return; }
      putchar(c);
      f += 1 + n;
      if (n == 0 && c == '\\') { putchar(*f); f++; }
    } else if (*f == '%') {
      f += directive(f);
    } else {
      putchar(*f++);
    }
  }
}

int main(int argc, char **argv) {
  prog = "printf";
  int i = 1;
  if (i < argc && strcmp(argv[i], "--") == 0) i++;
  if (i >= argc) { warnx_("missing operand"); usage_hint(); return 1; }
  const char *fmt = argv[i++];
  args = argv + i;
  nargs = argc - i;
  do {
    int before = nargs;
    format_once(fmt);
    if (nargs == before) break;   /* the format takes no arguments */
  } while (nargs > 0 && !stop);
  if (fflush(stdout) != 0) die_(1, "write error");
  return status;
}
