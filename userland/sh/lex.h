/*
 * The lexer's interface to the parser (lex.c ↔ parse.c).
 * Spec: POSIX XCU 2.3 Token Recognition, 2.10.1 Grammar Lexical Conventions.
 */
#ifndef SH_LEX_H
#define SH_LEX_H
#include "sh.h"

enum tok {
  T_EOF, T_NEWLINE, T_WORD, T_IONUMBER,
  T_SEMI, T_AMP, T_PIPE, T_AND, T_OR, T_DSEMI, T_LPAREN, T_RPAREN,
  T_LESS, T_GREAT, T_DGREAT, T_CLOBBER, T_LESSGREAT, T_DLESS, T_DLESSDASH, T_LESSAND, T_GREATAND,
};

struct token {
  enum tok type;
  struct word *word;   /* T_WORD */
  char *lit;           /* T_WORD: the text if wholly unquoted literal, else NULL */
  int num;             /* T_IONUMBER */
  int alias_checked;
  int lineno;          /* where the token started */
};

/* Read the next token from the input. */
void lex_token(struct token *t);
/* Read the body of every pending here-document (after a newline). */
int lex_heredocs(void);
void lex_add_heredoc(struct redir *r);
const char *tok_name(const struct token *t);
struct node *parse_cmdsubst(void);      /* parse.c: a list up to ')' for $( ) */
extern int lex_error;
extern const char *parse_context;       /* "eval: " while parsing eval's text */                   /* set on an unterminated quote etc. (reported) */
struct wpart *lex_heredoc_parts(const char *text);
void *input_save(void);
void input_restore(void *state);
void input_push_alias(const char *name, const char *text);
int lex_rec_push_base(void);
void lex_rec_pop_base(int saved);
void syntax_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
