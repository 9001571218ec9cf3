/*
 * Arithmetic expansion $(( )): C's integer operators on intmax_t, with
 * variables and the assignment operators, by recursive descent (one function
 * per precedence level). `noeval` > 0 inside the branch that && || ?: skip:
 * it is parsed but has no side effects and cannot divide by zero.
 * Spec: POSIX XCU 2.6.4 Arithmetic Expansion (C's precedence and associativity).
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh.h"

struct ax {
  const char *expr, *p;
  int noeval;
  int err;
};

static void skip_ws(struct ax *a) {
  while (isspace((unsigned char)*a->p)) a->p++;
}

static void fail(struct ax *a, const char *msg) {
  if (a->err) return;
  a->err = 1;
  sh_error("arithmetic expression: %s: \"%s\"", msg, a->expr);
}

static int parse_number(const char *s, intmax_t *v) {
  while (isspace((unsigned char)*s)) s++;
  if (!*s) {
    *v = 0;
    return 0;
  }
  char *end;
  int neg = 0;
  if (*s == '-' || *s == '+') neg = *s++ == '-';
  uintmax_t u;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) u = strtoumax(s + 2, &end, 16);
  else if (s[0] == '0') u = strtoumax(s, &end, 8);
  else u = strtoumax(s, &end, 10);
  if (end == s) return -1;
  while (isspace((unsigned char)*end)) end++;
  if (*end) return -1;
  *v = neg ? -(intmax_t)u : (intmax_t)u;
  return 0;
}

static intmax_t var_value(struct ax *a, const char *name) {
  const char *s = var_get(name);
  if (!s) {
    if (opts[O_NOUNSET] && !a->noeval) {
      sh_error("%s: parameter not set", name);
      a->err = 1;
    }
    return 0;
  }
  intmax_t v;
  if (parse_number(s, &v) < 0) {
    if (!a->err) sh_error("Illegal number: %s", s);
    a->err = 1;
    return 0;
  }
  return v;
}

static intmax_t assign(struct ax *a);

static intmax_t primary(struct ax *a) {
  skip_ws(a);
  const char *p = a->p;
  if (*p == '(') {
    a->p++;
    intmax_t v = assign(a);
    skip_ws(a);
    if (*a->p != ')') {
      fail(a, "expecting ')'");
      return 0;
    }
    a->p++;
    return v;
  }
  if (isdigit((unsigned char)*p)) {
    char *end;
    uintmax_t u;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && !isxdigit((unsigned char)p[2])) {
      fail(a, "expecting EOF");
      return 0;
    }
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) u = strtoumax(p + 2, &end, 16);
    else if (p[0] == '0') u = strtoumax(p, &end, 8);
    else u = strtoumax(p, &end, 10);
    if (isalnum((unsigned char)*end) || *end == '_') {
      fail(a, "expecting EOF");
      return 0;
    }
    a->p = end;
    return (intmax_t)u;
  }
  if (isalpha((unsigned char)*p) || *p == '_') {
    while (isalnum((unsigned char)*a->p) || *a->p == '_') a->p++;
    char *name = ststrndup(p, (size_t)(a->p - p));
    return var_value(a, name);
  }
  fail(a, "expecting primary");
  return 0;
}

static intmax_t unary(struct ax *a) {
  skip_ws(a);
  char c = *a->p;
  if (c == '-' || c == '+' || c == '!' || c == '~') {
    a->p++;
    intmax_t v = unary(a);
    switch (c) {
    case '-': return -v;
    case '+': return v;
    case '!': return !v;
    default: return ~v;
    }
  }
  return primary(a);
}

/* Binary operators by precedence level, lowest last. */
static const char *const levels[][5] = {
    {"*", "/", "%", NULL}, {"+", "-", NULL}, {"<<", ">>", NULL}, {"<=", ">=", "<", ">", NULL},
    {"==", "!=", NULL},    {"&", NULL},      {"^", NULL},        {"|", NULL},
    {"&&", NULL},          {"||", NULL},
};
#define NLEVELS 10

static const char *match_op(struct ax *a, int level) {
  skip_ws(a);
  for (int i = 0; levels[level][i]; i++) {
    const char *op = levels[level][i];
    size_t n = strlen(op);
    if (strncmp(a->p, op, n) != 0) continue;
    /* Not the start of a longer operator: & vs && and &=, < vs << and <=. */
    char next = a->p[n];
    int two_char = n == 2 && (op[1] == '=' || op[0] == '&' || op[0] == '|');
    if (!two_char && next == '=') continue;
    if (n == 1 && (op[0] == '&' || op[0] == '|' || op[0] == '<' || op[0] == '>') && next == op[0]) continue;
    return op;
  }
  return NULL;
}

static intmax_t apply(struct ax *a, const char *op, intmax_t l, intmax_t r) {
  switch (op[0]) {
  case '*': return l * r;
  case '/':
  case '%':
    if (r == 0) {
      if (a->noeval) return 0;
      fail(a, "division by zero");
      return 0;
    }
    if (r == -1) return op[0] == '/' ? -l : 0;
    return op[0] == '/' ? l / r : l % r;
  case '+': return l + r;
  case '-': return l - r;
  case '<':
    if (op[1] == '<') return (intmax_t)((uintmax_t)l << (r & 63));
    return op[1] == '=' ? l <= r : l < r;
  case '>':
    if (op[1] == '>') return l >> (r & 63);
    return op[1] == '=' ? l >= r : l > r;
  case '=': return l == r;
  case '!': return l != r;
  case '&': return op[1] == '&' ? (l && r) : (l & r);
  case '^': return l ^ r;
  case '|': return op[1] == '|' ? (l || r) : (l | r);
  }
  return 0;
}

static intmax_t binary(struct ax *a, int level) {
  if (level < 0) return unary(a);
  intmax_t l = binary(a, level - 1);
  for (;;) {
    if (a->err) return 0;
    const char *op = match_op(a, level);
    if (!op) return l;
    a->p += strlen(op);
    int shortcut = (strcmp(op, "&&") == 0 && !l) || (strcmp(op, "||") == 0 && l);
    if (shortcut) a->noeval++;
    intmax_t r = binary(a, level - 1);
    if (shortcut) a->noeval--;
    l = apply(a, op, l, r);
  }
}

static intmax_t ternary(struct ax *a) {
  intmax_t c = binary(a, NLEVELS - 1);
  skip_ws(a);
  if (*a->p != '?') return c;
  a->p++;
  if (!c) a->noeval++;
  intmax_t x = assign(a);
  if (!c) a->noeval--;
  skip_ws(a);
  if (*a->p != ':') {
    fail(a, "expecting ':'");
    return 0;
  }
  a->p++;
  if (c) a->noeval++;
  intmax_t y = ternary(a);
  if (c) a->noeval--;
  return c ? x : y;
}

static intmax_t assign(struct ax *a) {
  skip_ws(a);
  const char *save = a->p;
  if (isalpha((unsigned char)*a->p) || *a->p == '_') {
    const char *p = a->p;
    while (isalnum((unsigned char)*p) || *p == '_') p++;
    const char *name_end = p;
    while (isspace((unsigned char)*p)) p++;
    static const char *const ops[] = {"<<=", ">>=", "*=", "/=", "%=", "+=", "-=", "&=", "^=", "|=", "=", NULL};
    for (int i = 0; ops[i]; i++) {
      size_t n = strlen(ops[i]);
      if (strncmp(p, ops[i], n) != 0) continue;
      if (n == 1 && p[1] == '=') break; /* == */
      char *name = ststrndup(a->p, (size_t)(name_end - a->p));
      a->p = p + n;
      intmax_t r = assign(a);
      if (a->err) return 0;
      intmax_t v = r;
      if (n > 1) {
        char op[3] = {ops[i][0], ops[i][1] == '=' ? 0 : ops[i][1], 0};
        v = apply(a, op, var_value(a, name), r);
      }
      if (!a->noeval && !a->err) {
        char num[32];
        snprintf(num, sizeof num, "%jd", v);
        if (var_set(name, num, 0) < 0) a->err = 1;
      }
      return v;
    }
  }
  a->p = save;
  return ternary(a);
}

int arith_eval(const char *expr, intmax_t *result) {
  struct ax a = {expr, expr, 0, 0};
  intmax_t v = assign(&a);
  skip_ws(&a);
  if (!a.err && *a.p) fail(&a, "expecting EOF");
  if (a.err) return -1;
  *result = v;
  return 0;
}
