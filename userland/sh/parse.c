/*
 * The parser: POSIX's shell grammar by recursive descent, one token of
 * lookahead. Reserved words are recognised here (a T_WORD whose text is
 * wholly unquoted, in a position where the grammar allows one); aliases are
 * expanded here too, when a word is read in command position.
 * A syntax error is reported once (lex.c: syntax_error) and sets lex_error;
 * every function returns NULL as soon as it is set.
 * Spec: POSIX XCU 2.9 Shell Commands, 2.10 Shell Grammar.
 */
#include <stdlib.h>
#include <string.h>

#include "lex.h"

static struct token tok;
static int have_tok;

static struct token *peek(void) {
  if (!have_tok) {
    if (lex_error) {
      tok.type = T_EOF;
      return &tok;
    }
    lex_token(&tok);
    have_tok = 1;
    if (tok.type == T_NEWLINE && !lex_error) lex_heredocs();
  }
  return &tok;
}

static void consume(void) { have_tok = 0; }

static int is_kw(struct token *t, const char *kw) { return t->type == T_WORD && t->lit && strcmp(t->lit, kw) == 0; }

static const char *const reserved[] = {"if", "then", "else", "elif", "fi", "do", "done", "case", "esac",
                                       "while", "until", "for", "{", "}", "!", "in", NULL};

static int is_reserved(const char *s) {
  for (int i = 0; reserved[i]; i++)
    if (strcmp(s, reserved[i]) == 0) return 1;
  return 0;
}

/* Peek in command position: expand an alias if the word names one. */
static int alias_next_too;
static struct token *peek_cmd(void) {
  for (int guard = 0; guard < 100; guard++) {
    struct token *t = peek();
    if (t->type != T_WORD || !t->lit || t->alias_checked) return t;
    t->alias_checked = 1;
    if (is_reserved(t->lit)) return t;
    const char *a = alias_get(t->lit);
    if (!a || alias_active(t->lit)) return t;
    size_t n = strlen(a);
    alias_next_too = n > 0 && (a[n - 1] == ' ' || a[n - 1] == '\t');
    input_push_alias(t->lit, a);
    consume();
  }
  return peek();
}

static void unexpected(struct token *t, const char *expecting) {
  if (lex_error) return;
  const char *name = tok_name(t);
  /* dash quotes keywords and operators; any other word is just "word". */
  if (t->type == T_EOF || t->type == T_NEWLINE || (t->type == T_WORD && !(t->lit && is_reserved(t->lit)))) {
    if (t->type == T_WORD) name = "word";
    if (expecting) syntax_error("%s unexpected (expecting \"%s\")", name, expecting);
    else syntax_error("%s unexpected", name);
  } else {
    if (expecting) syntax_error("\"%s\" unexpected (expecting \"%s\")", name, expecting);
    else syntax_error("\"%s\" unexpected", name);
  }
}

static struct node *mknode(enum ntype type) {
  struct node *n = xmalloc(sizeof *n);
  memset(n, 0, sizeof *n);
  n->type = type;
  n->lineno = input_lineno;
  return n;
}

static struct node *mkbin(enum ntype type, struct node *a, struct node *b) {
  struct node *n = mknode(type);
  n->a = a;
  n->b = b;
  return n;
}

static void linebreak(void) {
  while (peek()->type == T_NEWLINE) consume();
}

static int expect_kw(const char *kw) {
  struct token *t = peek_cmd();
  if (!is_kw(t, kw)) {
    unexpected(t, kw);
    return -1;
  }
  consume();
  return 0;
}

static struct node *and_or(void);
static struct node *command(void);

/* Does this token end a compound list? */
static int list_end(struct token *t) {
  static const char *const enders[] = {"then", "else", "elif", "fi", "do", "done", "esac", "}", NULL};
  if (t->type == T_EOF || t->type == T_RPAREN || t->type == T_DSEMI) return 1;
  if (t->type == T_WORD && t->lit)
    for (int i = 0; enders[i]; i++)
      if (strcmp(t->lit, enders[i]) == 0) return 1;
  return 0;
}

/* compound_list: newline-separated and-or lists, up to an ending token. */
static struct node *compound_list(void) {
  struct node *n = NULL;
  for (;;) {
    linebreak();
    struct token *t = peek_cmd();
    if (lex_error || list_end(t)) break;
    struct node *c = and_or();
    if (!c) return NULL;
    t = peek();
    if (t->type == T_AMP) {
      consume();
      struct node *bg = mknode(N_BG);
      bg->a = c;
      c = bg;
    } else if (t->type == T_SEMI || t->type == T_NEWLINE) {
      consume();
    } else {
      n = n ? mkbin(N_SEQ, n, c) : c;
      break;
    }
    n = n ? mkbin(N_SEQ, n, c) : c;
  }
  if (lex_error) return NULL;
  return n;
}

static struct node *compound_list_nonempty(const char *expecting) {
  struct node *n = compound_list();
  /* dash names what it expected only when the input ended. */
  if (!n && !lex_error) unexpected(peek(), peek()->type == T_EOF ? expecting : NULL);
  return n;
}

static int is_redir_tok(enum tok t) { return t >= T_LESS && t <= T_GREATAND; }

static struct redir *parse_redir(int fd) {
  struct token *t = peek();
  enum tok op = t->type;
  consume();
  struct redir *r = xmalloc(sizeof *r);
  memset(r, 0, sizeof *r);
  switch (op) {
  case T_LESS: r->type = R_IN; r->fd = 0; break;
  case T_GREAT: r->type = R_OUT; r->fd = 1; break;
  case T_DGREAT: r->type = R_APPEND; r->fd = 1; break;
  case T_CLOBBER: r->type = R_CLOBBER; r->fd = 1; break;
  case T_LESSGREAT: r->type = R_RDWR; r->fd = 0; break;
  case T_LESSAND: r->type = R_DUPIN; r->fd = 0; break;
  case T_GREATAND: r->type = R_DUPOUT; r->fd = 1; break;
  case T_DLESS:
  case T_DLESSDASH: r->type = R_HEREDOC; r->fd = 0; r->strip_tabs = op == T_DLESSDASH; break;
  default: break;
  }
  if (fd >= 0) r->fd = fd;
  t = peek();
  if (t->type != T_WORD) {
    unexpected(t, NULL);
    return NULL;
  }
  consume();
  if (r->type == R_HEREDOC) {
    /* The delimiter: quote removal on its source text; quoted → no expansion in the body. */
    const char *raw = t->word->raw;
    struct str d;
    str_init(&d);
    int quoted = 0;
    for (const char *p = raw; *p; p++) {
      if (*p == '\'' || *p == '"') {
        quoted = 1;
        continue;
      }
      if (*p == '\\' && p[1]) {
        quoted = 1;
        p++;
      }
      str_addc(&d, *p);
    }
    r->delim = str_take(&d);
    if (quoted) r->bodytext = xstrdup("");
    lex_add_heredoc(r);
  } else {
    r->target = t->word;
  }
  return r;
}

/* Redirections after a compound command. */
static int redirections(struct redir ***tail) {
  for (;;) {
    struct token *t = peek();
    int fd = -1;
    if (t->type == T_IONUMBER) {
      fd = t->num;
      consume();
      t = peek();
    }
    if (!is_redir_tok(t->type)) return 0;
    struct redir *r = parse_redir(fd);
    if (!r) return -1;
    **tail = r;
    *tail = &r->next;
  }
}

static struct node *simple_command(void) {
  struct node *n = mknode(N_SIMPLE);
  struct word **atail = &n->args, **stail = &n->assigns;
  struct redir **rtail = &n->redirs;
  for (;;) {
    struct token *t = (n->args == NULL || alias_next_too) ? peek_cmd() : peek();
    if (n->args && alias_next_too && t->type == T_WORD) alias_next_too = 0;
    if (t->type == T_IONUMBER || is_redir_tok(t->type)) {
      int fd = -1;
      if (t->type == T_IONUMBER) {
        fd = t->num;
        consume();
      }
      struct redir *r = parse_redir(fd);
      if (!r) return NULL;
      *rtail = r;
      rtail = &r->next;
      continue;
    }
    if (t->type != T_WORD) break;
    if (!n->args && !n->assigns && !n->redirs) n->lineno = t->lineno;
    struct word *w = t->word;
    char *lit = t->lit;
    if (!n->args && w->parts && w->parts->type == WP_LIT && is_assignment(w->parts->text)) {
      consume();
      *stail = w;
      stail = &w->next;
      continue;
    }
    consume();
    if (!n->args && !n->assigns && !n->redirs && peek()->type == T_LPAREN) {
      /* name() compound-command: a function definition. */
      consume();
      if (peek()->type != T_RPAREN) {
        unexpected(peek(), ")");
        return NULL;
      }
      consume();
      linebreak();
      struct node *f = mknode(N_FUNC);
      f->name = xstrdup(lit ? lit : w->raw);
      if (!lit || !is_name(f->name)) {
        syntax_error("Bad function name");
        return NULL;
      }
      f->a = command();
      if (!f->a) {
        if (!lex_error) unexpected(peek(), NULL);
        return NULL;
      }
      return f;
    }
    *atail = w;
    atail = &w->next;
  }
  alias_next_too = 0;
  if (!n->args && !n->assigns && !n->redirs) {
    unexpected(peek(), NULL);
    return NULL;
  }
  return n;
}

static struct node *if_clause(void) {
  struct node *n = mknode(N_IF);
  n->a = compound_list_nonempty("then");
  if (!n->a || expect_kw("then") < 0) return NULL;
  n->b = compound_list_nonempty("fi");
  if (!n->b) return NULL;
  struct token *t = peek_cmd();
  if (is_kw(t, "elif")) {
    consume();
    n->c = if_clause();
    return n->c ? n : NULL;
  }
  if (is_kw(t, "else")) {
    consume();
    n->c = compound_list_nonempty("fi");
    if (!n->c) return NULL;
  }
  if (expect_kw("fi") < 0) return NULL;
  return n;
}

static struct node *loop_clause(enum ntype type) {
  struct node *n = mknode(type);
  n->a = compound_list_nonempty("do");
  if (!n->a || expect_kw("do") < 0) return NULL;
  n->b = compound_list_nonempty("done");
  if (!n->b || expect_kw("done") < 0) return NULL;
  return n;
}

static struct node *for_clause(void) {
  struct node *n = mknode(N_FOR);
  struct token *t = peek();
  if (t->type != T_WORD || !t->lit || !is_name(t->lit)) {
    syntax_error("Bad for loop variable");
    return NULL;
  }
  n->name = xstrdup(t->lit);
  consume();
  linebreak();
  t = peek_cmd();
  if (is_kw(t, "in")) {
    consume();
    n->has_in = 1;
    struct word **tail = &n->args;
    for (;;) {
      t = peek();
      if (t->type != T_WORD) break;
      *tail = t->word;
      tail = &t->word->next;
      consume();
    }
    if (t->type != T_SEMI && t->type != T_NEWLINE) {
      unexpected(t, NULL);
      return NULL;
    }
    consume();
    linebreak();
  } else if (t->type == T_SEMI) {
    consume();
    linebreak();
  }
  if (expect_kw("do") < 0) return NULL;
  n->b = compound_list_nonempty("done");
  if (!n->b || expect_kw("done") < 0) return NULL;
  return n;
}

static struct node *case_clause(void) {
  struct node *n = mknode(N_CASE);
  struct token *t = peek();
  if (t->type != T_WORD) {
    unexpected(t, NULL);
    return NULL;
  }
  n->args = t->word;
  consume();
  linebreak();
  if (expect_kw("in") < 0) return NULL;
  struct caseitem **tail = &n->items;
  for (;;) {
    linebreak();
    t = peek_cmd();
    if (is_kw(t, "esac")) {
      consume();
      return n;
    }
    struct caseitem *ci = xmalloc(sizeof *ci);
    memset(ci, 0, sizeof *ci);
    if (t->type == T_LPAREN) consume();
    struct word **ptail = &ci->patterns;
    for (;;) {
      t = peek();
      if (t->type != T_WORD) {
        unexpected(t, ")");
        return NULL;
      }
      *ptail = t->word;
      ptail = &t->word->next;
      consume();
      t = peek();
      if (t->type == T_PIPE) {
        consume();
        continue;
      }
      if (t->type == T_RPAREN) {
        consume();
        break;
      }
      unexpected(t, ")");
      return NULL;
    }
    ci->body = compound_list();
    if (lex_error) return NULL;
    *tail = ci;
    tail = &ci->next;
    t = peek_cmd();
    if (t->type == T_DSEMI) {
      consume();
      continue;
    }
    if (is_kw(t, "esac")) {
      consume();
      return n;
    }
    unexpected(t, ";;");
    return NULL;
  }
}

static struct node *command(void) {
  if (stack_exhausted()) {
    syntax_error("nesting too deep");
    return NULL;
  }
  struct token *t = peek_cmd();
  struct node *n = NULL;
  if (t->type == T_LPAREN) {
    consume();
    n = mknode(N_SUBSHELL);
    n->a = compound_list_nonempty(")");
    if (!n->a) return NULL;
    if (peek()->type != T_RPAREN) {
      unexpected(peek(), ")");
      return NULL;
    }
    consume();
  } else if (t->type == T_WORD && t->lit) {
    int line = input_lineno;
    if (strcmp(t->lit, "{") == 0) {
      consume();
      n = mknode(N_GROUP);
      n->a = compound_list_nonempty("}");
      if (!n->a || expect_kw("}") < 0) return NULL;
    } else if (strcmp(t->lit, "if") == 0) {
      consume();
      n = if_clause();
    } else if (strcmp(t->lit, "while") == 0) {
      consume();
      n = loop_clause(N_WHILE);
    } else if (strcmp(t->lit, "until") == 0) {
      consume();
      n = loop_clause(N_UNTIL);
    } else if (strcmp(t->lit, "for") == 0) {
      consume();
      n = for_clause();
    } else if (strcmp(t->lit, "case") == 0) {
      consume();
      n = case_clause();
    } else if (is_reserved(t->lit) && strcmp(t->lit, "!") != 0) {
      unexpected(t, NULL);
      return NULL;
    } else {
      return simple_command();
    }
    if (!n) return NULL;
    n->lineno = line;
  } else {
    return simple_command();
  }
  struct redir **rtail = &n->redirs;
  if (redirections(&rtail) < 0) return NULL;
  return n;
}

static struct node *pipeline(void) {
  int bang = 0;
  struct token *t = peek_cmd();
  while (is_kw(t, "!")) {
    bang = !bang;
    consume();
    t = peek_cmd();
  }
  struct node *c = command();
  if (!c) return NULL;
  if (peek()->type == T_PIPE) {
    struct node *p = mknode(N_PIPE);
    p->lineno = c->lineno;
    int cap = 4;
    p->cmds = xmalloc(sizeof *p->cmds * (size_t)cap);
    p->cmds[p->ncmds++] = c;
    while (peek()->type == T_PIPE) {
      consume();
      linebreak();
      c = command();
      if (!c) return NULL;
      if (p->ncmds == cap) {
        cap *= 2;
        p->cmds = xrealloc(p->cmds, sizeof *p->cmds * (size_t)cap);
      }
      p->cmds[p->ncmds++] = c;
    }
    c = p;
  }
  if (bang) {
    struct node *n = mknode(N_NOT);
    n->a = c;
    return n;
  }
  return c;
}

static struct node *and_or(void) {
  struct node *n = pipeline();
  while (n) {
    enum tok t = peek()->type;
    if (t != T_AND && t != T_OR) break;
    consume();
    linebreak();
    struct node *r = pipeline();
    if (!r) return NULL;
    n = mkbin(t == T_AND ? N_AND : N_OR, n, r);
  }
  return n;
}

/* One complete command: and-or lists separated by ; or &, up to a newline. */
struct node *parse_command(int *eof, int *err) {
  *eof = 0;
  *err = 0;
  lex_error = 0;
  have_tok = 0;
  struct node *n = NULL;
  input_set_interactive_prompt(1);
  for (;;) {
    struct token *t = peek_cmd();
    if (lex_error) break;
    if (t->type == T_EOF) {
      *eof = 1;
      break;
    }
    if (t->type == T_NEWLINE) {
      consume();
      if (n) break;
      input_set_interactive_prompt(1);
      continue;
    }
    struct node *c = and_or();
    if (!c) break;
    t = peek();
    if (t->type == T_AMP) {
      consume();
      struct node *bg = mknode(N_BG);
      bg->a = c;
      c = bg;
    } else if (t->type == T_SEMI) {
      consume();
    } else if (t->type != T_NEWLINE && t->type != T_EOF) {
      unexpected(t, NULL);
      break;
    }
    n = n ? mkbin(N_SEQ, n, c) : c;
    if (peek()->type == T_NEWLINE) {
      consume();
      break;
    }
  }
  if (lex_error) {
    *err = 1;
    have_tok = 0;
    return NULL;
  }
  have_tok = 0;
  return n;
}

/* $( … ): a list, then ')'. Called from the lexer in the middle of a word. */
struct node *parse_cmdsubst(void) {
  struct token saved = tok;
  int saved_have = have_tok;
  have_tok = 0;
  struct node *n = compound_list();
  if (!lex_error) {
    if (peek()->type != T_RPAREN) unexpected(peek(), ")");
  }
  have_tok = 0;
  tok = saved;
  have_tok = saved_have;
  return lex_error ? NULL : n;
}

struct node *parse_string(const char *s, int *err) {
  void *st = input_save();
  struct token saved = tok;
  int saved_have = have_tok;
  int saved_err = lex_error;
  have_tok = 0;
  lex_error = 0;
  input_push_string(s, 0);
  input_lineno = lineno;
  int base = lex_rec_push_base();
  struct node *n = compound_list();
  lex_rec_pop_base(base);
  if (!lex_error && peek()->type != T_EOF) unexpected(peek(), NULL);
  *err = lex_error;
  input_restore(st);
  tok = saved;
  have_tok = saved_have;
  lex_error = saved_err || *err;
  return *err ? NULL : n;
}
