/* Precedence climbing: + - bind loosest, then * / %, then ^ (right-associative), then unary minus. */
#include <stdlib.h>
#include <string.h>

#include "calc.h"

static struct node *node(char op, struct node *l, struct node *r) {
  struct node *n = calloc(1, sizeof *n);
  if (!n) abort();
  n->op = op;
  n->l = l;
  n->r = r;
  return n;
}

static int prec(char op) {
  switch (op) {
  case '+': case '-': return 1;
  case '*': case '/': case '%': return 2;
  case '^': return 3;
  default: return 0;
  }
}

static struct node *expr(struct lexer *lx, int min, const char **err);

static struct node *primary(struct lexer *lx, const char **err) {
  struct node *n;
  switch (lx->kind) {
  case T_NUM:
    n = node('#', NULL, NULL);
    n->num = lx->num;
    lex_next(lx);
    return n;
  case T_NAME:
    n = node('$', NULL, NULL);
    memcpy(n->name, lx->name, sizeof n->name);
    lex_next(lx);
    return n;
  case T_LPAREN:
    lex_next(lx);
    n = expr(lx, 1, err);
    if (!n) return NULL;
    if (lx->kind != T_RPAREN) {
      tree_free(n);
      *err = "expected )";
      return NULL;
    }
    lex_next(lx);
    return n;
  case T_OP:
    if (lx->op == '-') {
      lex_next(lx);
      struct node *r = primary(lx, err);
      return r ? node('~', NULL, r) : NULL;
    }
    /* fall through */
  default:
    *err = "expected a number, a name or (";
    return NULL;
  }
}

static struct node *expr(struct lexer *lx, int min, const char **err) {
  struct node *l = primary(lx, err);
  while (l && lx->kind == T_OP && prec(lx->op) >= min) {
    char op = lx->op;
    lex_next(lx);
    struct node *r = expr(lx, op == '^' ? prec(op) : prec(op) + 1, err);
    if (!r) {
      tree_free(l);
      return NULL;
    }
    l = node(op, l, r);
  }
  return l;
}

struct node *parse(struct lexer *lx, const char **err) {
  struct node *n = expr(lx, 1, err);
  if (n && lx->kind != T_END) {
    tree_free(n);
    *err = "unexpected input after the expression";
    return NULL;
  }
  return n;
}

void tree_free(struct node *n) {
  if (!n) return;
  tree_free(n->l);
  tree_free(n->r);
  free(n);
}
