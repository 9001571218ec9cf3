#include <ctype.h>
#include <string.h>

#include "calc.h"

void lex_init(struct lexer *lx, const char *s) {
  lx->s = s;
  lex_next(lx);
}

void lex_next(struct lexer *lx) {
  while (*lx->s == ' ' || *lx->s == '\t') lx->s++;
  char c = *lx->s;
  if (c == '\0' || c == '\n') {
    lx->kind = T_END;
  } else if (isdigit((unsigned char)c)) {
    lx->num = 0;
    while (isdigit((unsigned char)*lx->s)) lx->num = lx->num * 10 + (*lx->s++ - '0');
    lx->kind = T_NUM;
  } else if (isalpha((unsigned char)c)) {
    size_t n = 0;
    while (isalnum((unsigned char)*lx->s)) {
      if (n + 1 < sizeof lx->name) lx->name[n++] = *lx->s;
      lx->s++;
    }
    lx->name[n] = '\0';
    lx->kind = T_NAME;
  } else if (strchr("+-*/%^", c)) {
    lx->op = c;
    lx->s++;
    lx->kind = T_OP;
  } else if (c == '(' || c == ')') {
    lx->s++;
    lx->kind = c == '(' ? T_LPAREN : T_RPAREN;
  } else {
    lx->kind = T_ERR;
  }
}
