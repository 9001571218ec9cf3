/*
 * printf: the format is reused until the arguments run out; numeric
 * arguments may be C constants or 'c (the character's code); %b expands
 * backslash escapes in its argument, and \c there stops all output.
 * Each conversion is handed to snprintf with its flags, width and precision.
 * Spec: POSIX XCU printf.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh.h"

struct pf {
  char **args;
  int nargs, next;
  int status;
  int stop; /* \c seen */
  struct str out;
};

static const char *next_arg(struct pf *p) { return p->next < p->nargs ? p->args[p->next++] : NULL; }

static intmax_t num_arg(struct pf *p, int is_unsigned) {
  const char *s = next_arg(p);
  if (!s || !*s) return 0;
  if (s[0] == '\'' || s[0] == '"') return (unsigned char)s[1];
  char *end;
  errno = 0;
  intmax_t v;
  if (is_unsigned && s[0] != '-') v = (intmax_t)strtoumax(s, &end, 0);
  else v = strtoimax(s, &end, 0);
  if (end == s) {
    sh_error("printf: %s: expected numeric value", s);
    p->status = 1;
    return 0;
  }
  if (*end) {
    sh_error("printf: %s: not completely converted", s);
    p->status = 1;
  } else if (errno == ERANGE) {
    sh_error("printf: %s: Result too large", s);
    p->status = 1;
  }
  return v;
}

static double float_arg(struct pf *p) {
  const char *s = next_arg(p);
  if (!s || !*s) return 0;
  if (s[0] == '\'' || s[0] == '"') return (unsigned char)s[1];
  char *end;
  double v = strtod(s, &end);
  if (end == s) {
    sh_error("printf: %s: expected numeric value", s);
    p->status = 1;
  } else if (*end) {
    sh_error("printf: %s: not completely converted", s);
    p->status = 1;
  }
  return v;
}

/* One backslash escape at s (after the backslash); returns chars consumed. in_b: %b's rules. */
static int escape(const char *s, struct str *o, int in_b, int *stop) {
  switch (*s) {
  case 'a': str_addc(o, '\a'); return 1;
  case 'b': str_addc(o, '\b'); return 1;
  case 'f': str_addc(o, '\f'); return 1;
  case 'n': str_addc(o, '\n'); return 1;
  case 'r': str_addc(o, '\r'); return 1;
  case 't': str_addc(o, '\t'); return 1;
  case 'v': str_addc(o, '\v'); return 1;
  case 'e': str_addc(o, 033); return 1;
  case '\\': str_addc(o, '\\'); return 1;
  case '"': str_addc(o, '"'); return 1;
  case '\'': str_addc(o, '\''); return 1;
  case 'c':
    if (in_b) {
      *stop = 1;
      return 1;
    }
    break;
  }
  if (*s >= '0' && *s <= '7') {
    int n = 0, v = 0, max = 3;
    if (in_b && *s == '0') {
      n = 1;
      max = 4;
    }
    while (n < max && s[n] >= '0' && s[n] <= '7') v = v * 8 + (s[n++] - '0');
    str_addc(o, v & 0xff);
    return n;
  }
  str_addc(o, '\\');
  if (*s) {
    str_addc(o, *s);
    return 1;
  }
  return 0;
}

static void add_formatted(struct str *o, const char *spec, ...) __attribute__((format(printf, 2, 3)));
static void add_formatted(struct str *o, const char *spec, ...) {
  va_list ap, ap2;
  va_start(ap, spec);
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, spec, ap);
  if (n > 0) {
    char *buf = xmalloc((size_t)n + 1);
    vsnprintf(buf, (size_t)n + 1, spec, ap2);
    str_addn(o, buf, (size_t)n);
    free(buf);
  }
  va_end(ap2);
  va_end(ap);
}

/* One conversion starting at f ('%'); returns the chars consumed, or -1 on a bad directive. */
static int conversion(struct pf *p, const char *f) {
  char spec[64];
  int n = 0;
  const char *s = f + 1;
  spec[n++] = '%';
  while (*s && strchr("-+ #0", *s) && n < 40) spec[n++] = *s++;
  if (*s == '*') {
    n += snprintf(spec + n, 20, "%d", (int)num_arg(p, 0));
    s++;
  } else
    while (*s >= '0' && *s <= '9' && n < 50) spec[n++] = *s++;
  if (*s == '.') {
    spec[n++] = *s++;
    if (*s == '*') {
      n += snprintf(spec + n, 20, "%d", (int)num_arg(p, 0));
      s++;
    } else
      while (*s >= '0' && *s <= '9' && n < 58) spec[n++] = *s++;
  }
  char c = *s;
  if (!c) return -1;
  s++;
  switch (c) {
  case 'd':
  case 'i':
    spec[n++] = 'j';
    spec[n++] = 'd';
    spec[n] = 0;
    add_formatted(&p->out, spec, num_arg(p, 0));
    break;
  case 'o':
  case 'u':
  case 'x':
  case 'X':
    spec[n++] = 'j';
    spec[n++] = c;
    spec[n] = 0;
    add_formatted(&p->out, spec, (uintmax_t)num_arg(p, 1));
    break;
  case 'e':
  case 'E':
  case 'f':
  case 'F':
  case 'g':
  case 'G':
  case 'a':
  case 'A':
    spec[n++] = c;
    spec[n] = 0;
    add_formatted(&p->out, spec, float_arg(p));
    break;
  case 'c': {
    const char *a = next_arg(p);
    spec[n++] = 'c';
    spec[n] = 0;
    add_formatted(&p->out, spec, a ? *a : 0);
    break;
  }
  case 's': {
    const char *a = next_arg(p);
    spec[n++] = 's';
    spec[n] = 0;
    add_formatted(&p->out, spec, a ? a : "");
    break;
  }
  case 'b': {
    const char *a = next_arg(p);
    struct str e;
    str_init(&e);
    for (const char *q = a ? a : ""; *q && !p->stop;) {
      if (*q == '\\') q += 1 + escape(q + 1, &e, 1, &p->stop);
      else str_addc(&e, *q++);
    }
    spec[n++] = 's';
    spec[n] = 0;
    add_formatted(&p->out, spec, e.s ? e.s : "");
    str_free(&e);
    break;
  }
  default:
    return -1;
  }
  return (int)(s - f);
}

int b_printf(int argc, char **argv) {
  if (argc < 2) {
    sh_error("printf: usage: printf format [arg ...]");
    return 2;
  }
  int first = 1;
  if (strcmp(argv[1], "--") == 0) first = 2;
  if (first >= argc) return 0;
  const char *fmt = argv[first];
  struct pf p = {argv + first + 1, argc - first - 1, 0, 0, 0, {0}};
  str_init(&p.out);
  for (;;) {
    int used_before = p.next;
    int had_conversion = 0;
    for (const char *f = fmt; *f && !p.stop;) {
      if (*f == '\\') {
        f += 1 + escape(f + 1, &p.out, 0, &p.stop);
        continue;
      }
      if (*f != '%') {
        str_addc(&p.out, *f++);
        continue;
      }
      if (f[1] == '%') {
        str_addc(&p.out, '%');
        f += 2;
        continue;
      }
      int k = conversion(&p, f);
      if (k < 0) {
        out_mem(1, p.out.s ? p.out.s : "", p.out.len);
        str_free(&p.out);
        /* The directive: flags, width, precision, one conversion character. */
        size_t len = 1 + strspn(f + 1, "-+ #0123456789.*");
        if (f[len]) len++;
        sh_error("printf: %.*s: invalid directive", (int)len, f);
        return 2;
      }
      had_conversion = 1;
      f += k;
    }
    if (p.stop || !had_conversion || p.next >= p.nargs || p.next == used_before) break;
  }
  out_mem(1, p.out.s ? p.out.s : "", p.out.len);
  str_free(&p.out);
  return p.status;
}
