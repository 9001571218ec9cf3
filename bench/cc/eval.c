#include "calc.h"

int eval(const struct node *n, const int64_t *vars, int64_t *out) {
  int64_t l = 0, r = 0;
  if (n->op == '#') {
    *out = n->num;
    return 0;
  }
  if (n->op == '$') {
    if (n->name[1] != '\0' || n->name[0] < 'a' || n->name[0] > 'z') return 1;
    *out = vars[n->name[0] - 'a'];
    return 0;
  }
  if (n->l && eval(n->l, vars, &l)) return 1;
  if (eval(n->r, vars, &r)) return 1;
  switch (n->op) {
  case '~': *out = -r; return 0;
  case '+': *out = l + r; return 0;
  case '-': *out = l - r; return 0;
  case '*': *out = l * r; return 0;
  case '/': if (r == 0) return 1; *out = l / r; return 0;
  case '%': if (r == 0) return 1; *out = l % r; return 0;
  case '^':
    if (r < 0) return 1;
    *out = 1;
    while (r--) *out *= l;
    return 0;
  }
  return 1;
}
