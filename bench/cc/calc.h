/* calc: a small infix calculator over 64-bit integers, the project that
 * bench's toolchain.cc case builds (lexer, parser, evaluator, driver: four
 * files, each compiled on its own, then linked). */
#ifndef CALC_H
#define CALC_H

#include <stdint.h>

enum tok { T_END, T_NUM, T_NAME, T_OP, T_LPAREN, T_RPAREN, T_ERR };

struct lexer {
  const char *s;
  enum tok kind;
  int64_t num;
  char op;
  char name[16];
};

struct node {
  char op; /* '#' a number, '$' a variable, else the operator */
  int64_t num;
  char name[16];
  struct node *l, *r;
};

void lex_init(struct lexer *lx, const char *s);
void lex_next(struct lexer *lx);

/* The expression's tree, or NULL with *err set. */
struct node *parse(struct lexer *lx, const char **err);
void tree_free(struct node *n);

/* Evaluate with variables from `vars` (26, a to z); 0 on success, else an error. */
int eval(const struct node *n, const int64_t *vars, int64_t *out);

#endif
