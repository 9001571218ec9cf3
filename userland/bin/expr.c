/*
 * expr: evaluate an expression given as separate arguments.
 * Operators, loosest first: |  &  = != < <= > >=  + -  * / %  : (BRE match
 * anchored at the start: \1 or the match length), and GNU's match, substr,
 * index, length, + TOKEN; parentheses group. Comparisons are numeric when
 * both sides are integers. Exit: 0 when the result is neither null nor 0,
 * 1 when it is, 2 for an invalid expression, 3 for another error.
 * Spec: POSIX expr; GNU coreutils for messages.
 */
#include "lib/util.h"
#include "lib/regerr.h"
#include <ctype.h>
#include <regex.h>

static char **args;
static int nargs, ap;

static char *fmt_int(long long v) {
  char b[32];
  snprintf(b, sizeof b, "%lld", v);
  return xstrdup(b);
}

static int is_int(const char *s, long long *v) {
  const char *p = s;
  if (*p == '-' || *p == '+') p++;
  if (!*p) return 0;
  for (const char *q = p; *q; q++) if (!isdigit((unsigned char)*q)) return 0;
  errno = 0;
  *v = strtoll(s, NULL, 10);
  return errno == 0;
}

static long long need_int(const char *s) {
  long long v;
  if (!is_int(s, &v)) diex_(2, "non-integer argument");
  return v;
}

static int is_null(const char *s) {
  long long v;
  return !*s || (is_int(s, &v) && v == 0);
}

static void syntax_after(void) {
  if (ap < nargs) diex_(2, "syntax error: unexpected argument '%s'", args[ap]);
  diex_(2, "syntax error: missing argument after '%s'", args[ap - 1]);
}

static char *e_or(void);

static char *e_match(const char *s, const char *re_src) {
  regex_t re;
  size_t n = strlen(re_src);
  char *anch = xmalloc(n + 2);
  anch[0] = '^';
  memcpy(anch + 1, re_src, n + 1);
  int rc = regcomp(&re, anch, 0);
  free(anch);
  if (rc) { char b[128]; diex_(2, "%s", regerr_gnu(rc, &re, b, sizeof b)); }
  regmatch_t m[2];
  char *out;
  if (regexec(&re, s, 2, m, 0) == 0) {
    if (re.re_nsub > 0) out = m[1].rm_so >= 0 ? strndup(s + m[1].rm_so, (size_t)(m[1].rm_eo - m[1].rm_so)) : xstrdup("");
    else out = fmt_int(m[0].rm_eo);
  } else {
    out = re.re_nsub > 0 ? xstrdup("") : xstrdup("0");
  }
  regfree(&re);
  return out;
}

static const char *take(void) {
  if (ap >= nargs) syntax_after();
  return args[ap++];
}

static char *e_primary(void) {
  if (ap >= nargs) {
    if (ap == 0) diex_(2, "syntax error: missing argument after '%s'", "expr");
    diex_(2, "syntax error: missing argument after '%s'", args[ap - 1]);
  }
  const char *t = args[ap++];
  if (!strcmp(t, "(")) {
    char *v = e_or();
    if (ap >= nargs || strcmp(args[ap], ")")) {
      if (ap < nargs) diex_(2, "syntax error: expecting ')' instead of '%s'", args[ap]);
      diex_(2, "syntax error: expecting ')' after '%s'", args[ap - 1]);
    }
    ap++;
    return v;
  }
  if (!strcmp(t, "+")) return xstrdup(take());
  if (!strcmp(t, "length")) return fmt_int((long long)strlen(take()));
  if (!strcmp(t, "match")) { const char *s = take(), *r = take(); return e_match(s, r); }
  if (!strcmp(t, "index")) {
    const char *s = take(), *chars = take();
    size_t i = strcspn(s, chars);
    return fmt_int(s[i] ? (long long)i + 1 : 0);
  }
  if (!strcmp(t, "substr")) {
    const char *s = take();
    long long pos = need_int(take()), len = need_int(take());
    long long sl = (long long)strlen(s);
    if (pos < 1 || len < 1 || pos > sl) return xstrdup("");
    if (pos - 1 + len > sl) len = sl - pos + 1;
    return strndup(s + pos - 1, (size_t)len);
  }
  return xstrdup(t);
}

static char *e_colon(void) {
  char *l = e_primary();
  while (ap < nargs && !strcmp(args[ap], ":")) {
    ap++;
    char *r = e_primary();
    char *v = e_match(l, r);
    free(l); free(r);
    l = v;
  }
  return l;
}

static char *e_mul(void) {
  char *l = e_colon();
  while (ap < nargs && (!strcmp(args[ap], "*") || !strcmp(args[ap], "/") || !strcmp(args[ap], "%"))) {
    char op = args[ap++][0];
    char *r = e_colon();
    long long a = need_int(l), b = need_int(r);
    if (op != '*' && b == 0) diex_(2, "division by zero");
    free(l); free(r);
    l = fmt_int(op == '*' ? a * b : op == '/' ? a / b : a % b);
  }
  return l;
}

static char *e_add(void) {
  char *l = e_mul();
  while (ap < nargs && (!strcmp(args[ap], "+") || !strcmp(args[ap], "-"))) {
    char op = args[ap++][0];
    char *r = e_mul();
    long long a = need_int(l), b = need_int(r);
    free(l); free(r);
    l = fmt_int(op == '+' ? a + b : a - b);
  }
  return l;
}

static char *e_cmp(void) {
  static const char *ops[] = {"=", "==", "!=", "<", "<=", ">", ">=", NULL};
  char *l = e_add();
  for (;;) {
    int k = -1;
    for (int i = 0; ap < nargs && ops[i]; i++) if (!strcmp(args[ap], ops[i])) k = i;
    if (k < 0) return l;
    ap++;
    char *r = e_add();
    long long a, b;
    int c;
    if (is_int(l, &a) && is_int(r, &b)) c = a < b ? -1 : a > b;
    else c = strcmp(l, r);
    int v = k <= 1 ? c == 0 : k == 2 ? c != 0 : k == 3 ? c < 0 : k == 4 ? c <= 0 : k == 5 ? c > 0 : c >= 0;
    free(l); free(r);
    l = fmt_int(v);
  }
}

static char *e_and(void) {
  char *l = e_cmp();
  while (ap < nargs && !strcmp(args[ap], "&")) {
    ap++;
    char *r = e_cmp();
    if (is_null(l) || is_null(r)) { free(l); l = xstrdup("0"); }
    free(r);
  }
  return l;
}

static char *e_or(void) {
  char *l = e_and();
  while (ap < nargs && !strcmp(args[ap], "|")) {
    ap++;
    char *r = e_and();
    if (is_null(l)) {
      free(l);
      l = is_null(r) ? (free(r), xstrdup("0")) : r;
    } else {
      free(r);
    }
  }
  return l;
}

int main(int argc, char **argv) {
  prog = "expr";
  args = argv + 1;
  nargs = argc - 1;
  if (nargs > 0 && !strcmp(args[0], "--")) { args++; nargs--; }
  if (nargs == 0) { warnx_("missing operand"); usage_hint(); return 2; }
  char *v = e_or();
  if (ap < nargs) diex_(2, "syntax error: unexpected argument '%s'", args[ap]);
  puts(v);
  return is_null(v) ? 1 : 0;
}
