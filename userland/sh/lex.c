/*
 * The lexer: operators, and words as lists of parts (struct wpart).
 *
 * A word keeps its quoting structure instead of being flattened: literal
 * text (unquoted or quoted), "…" groups, parameter expansions, command
 * substitutions (parsed right here, recursively, by parse.c) and arithmetic.
 * expand.c walks these parts. The source text of each word is recorded too
 * (here-document delimiters, job names).
 * Here-document bodies are read after the newline that ends their command.
 * Spec: POSIX XCU 2.3 Token Recognition, 2.2 Quoting, 2.6 Word Expansions (syntax), 2.7.4.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lex.h"

int lex_error;
const char *parse_context;

/* ---- raw text recording: every char read goes to the active recorders ----
 * rec[rec_base..nrec) are the words being read from the current input; text
 * parsed from a string of its own (backquotes, $(( )), here-document bodies)
 * starts a new base so it is not recorded twice. */
static struct str *rec[64];
static int nrec, rec_base;

static int lgetc(void) {
  int c = pgetc();
  if (c >= 0)
    for (int i = rec_base; i < nrec; i++) str_addc(rec[i], c);
  return c;
}

static void lungetc(int c) {
  if (c < 0) return;
  pungetc(c);
  for (int i = rec_base; i < nrec; i++)
    if (rec[i]->len) rec[i]->s[--rec[i]->len] = 0;
}

int lex_rec_push_base(void) {
  int saved = rec_base;
  rec_base = nrec;
  return saved;
}

void lex_rec_pop_base(int saved) { rec_base = saved; }

/* ---- building a part list ---- */
struct pbuild {
  struct wpart *head, **tail;
  struct wpart *last;
  struct str text; /* pending literal text */
  enum wptype ttype;
};

static void pb_init(struct pbuild *b) {
  b->head = NULL;
  b->tail = &b->head;
  b->last = NULL;
  str_init(&b->text);
  b->ttype = WP_LIT;
}

static void pb_flush(struct pbuild *b) {
  if (b->text.len == 0) return;
  struct wpart *p = xmalloc(sizeof *p);
  memset(p, 0, sizeof *p);
  p->type = b->ttype;
  p->text = str_take(&b->text);
  *b->tail = p;
  b->tail = &p->next;
}

static void pb_char(struct pbuild *b, enum wptype type, int c) {
  if (b->text.len && b->ttype != type) pb_flush(b);
  b->ttype = type;
  str_addc(&b->text, c);
}

static struct wpart *pb_part(struct pbuild *b, enum wptype type) {
  pb_flush(b);
  struct wpart *p = xmalloc(sizeof *p);
  memset(p, 0, sizeof *p);
  p->type = type;
  *b->tail = p;
  b->tail = &p->next;
  return p;
}

static struct wpart *pb_done(struct pbuild *b) {
  pb_flush(b);
  str_free(&b->text);
  return b->head;
}

/* ---- words ---- */
enum mode { M_NORMAL, M_DQ, M_HEREDOC, M_PARAM, M_PARAM_DQ };

static int read_parts(struct pbuild *b, enum mode m);

static int is_meta(int c) {
  return c == '|' || c == '&' || c == ';' || c == '<' || c == '>' || c == '(' || c == ')' || c == ' ' ||
         c == '\t' || c == '\n';
}

static int is_special_param(int c) {
  return c == '@' || c == '*' || c == '#' || c == '?' || c == '-' || c == '$' || c == '!' || c == '0';
}

/* `…`: collect the text (undoing \$ \` \\ and, inside "…", \"), then parse it. */
static int read_backquote(struct pbuild *b, int in_dq) {
  struct str text;
  str_init(&text);
  for (;;) {
    int c = lgetc();
    if (c < 0) {
      syntax_error("EOF in backquote substitution");
      str_free(&text);
      return -1;
    }
    if (c == '`') break;
    if (c == '\\') {
      int d = lgetc();
      if (d == '$' || d == '`' || d == '\\' || (in_dq && d == '"')) {
        str_addc(&text, d);
        continue;
      }
      if (d == '\n') continue;
      str_addc(&text, '\\');
      if (d >= 0) str_addc(&text, d);
      continue;
    }
    str_addc(&text, c);
  }
  int err = 0;
  struct wpart *p = pb_part(b, WP_CMD);
  p->cmd = parse_string(text.s ? text.s : "", &err);
  str_free(&text);
  if (err) {
    lex_error = 1;
    return -1;
  }
  return 0;
}

/* After "$((": the text up to the matching "))", parsed as a here-document body. */
static int read_arith(struct pbuild *b) {
  struct str text;
  str_init(&text);
  int depth = 0;
  for (;;) {
    int c = lgetc();
    if (c < 0) {
      syntax_error("Missing '))'");
      str_free(&text);
      return -1;
    }
    if (c == '(') depth++;
    else if (c == ')') {
      if (depth == 0) {
        int d = lgetc();
        if (d == ')') break;
        lungetc(d);
        str_addc(&text, c);
        continue;
      }
      depth--;
    }
    str_addc(&text, c);
  }
  struct wpart *p = pb_part(b, WP_ARITH);
  p->child = lex_heredoc_parts(text.s ? text.s : "");
  str_free(&text);
  return 0;
}

/* A malformed ${…}: skip to its '}'; dash reports "Bad substitution" only
 * when it is expanded. */
static int bad_subst(struct pbuild *b, struct wpart *p) {
  int depth = 0;
  for (;;) {
    int c = lgetc();
    if (c < 0) {
      syntax_error("Missing '}'");
      return -1;
    }
    if (c == '{') depth++;
    if (c == '}' && depth-- == 0) break;
  }
  if (!p) {
    p = pb_part(b, WP_PARAM);
    p->text = xstrdup("");
  }
  p->op = PO_BAD;
  p->child = NULL;
  return 0;
}

/* After "${". */
static int read_brace_param(struct pbuild *b, int in_dq) {
  struct str name;
  str_init(&name);
  int op = PO_NONE, colon = 0;
  int c = lgetc();
  if (c == '#') {
    /* ${#} is $#; ${#name} is a length; ${#-x} etc. operate on $#. */
    int d = lgetc();
    lungetc(d);
    if (d != '}' && (isalnum(d) || d == '_' || (is_special_param(d) && d != '#'))) {
      op = PO_LEN;
      c = lgetc();
    } else {
      str_addc(&name, '#');
    }
  }
  if (name.len == 0) {
    if (isalpha(c) || c == '_') {
      while (isalnum(c) || c == '_') {
        str_addc(&name, c);
        c = lgetc();
      }
    } else if (isdigit(c)) {
      while (isdigit(c)) {
        str_addc(&name, c);
        c = lgetc();
      }
    } else if (is_special_param(c)) {
      str_addc(&name, c);
      c = lgetc();
    } else {
      str_free(&name);
      if (c < 0) {
        syntax_error("Missing '}'");
        return -1;
      }
      lungetc(c);
      return bad_subst(b, NULL);
    }
  } else {
    c = lgetc();
  }
  if (c < 0) {
    syntax_error("Missing '}'");
    str_free(&name);
    return -1;
  }
  struct wpart *p = pb_part(b, WP_PARAM);
  p->text = str_take(&name);
  if (c == '}') {
    p->op = op;
    return 0;
  }
  if (op == PO_LEN) {
    lungetc(c);
    return bad_subst(b, p);
  }
  if (c == ':') {
    colon = 1;
    c = lgetc();
  }
  switch (c) {
  case '-': op = PO_MINUS; break;
  case '=': op = PO_EQ; break;
  case '?': op = PO_QMARK; break;
  case '+': op = PO_PLUS; break;
  case '%':
    if (colon) goto bad;
    op = PO_RSMALL;
    c = lgetc();
    if (c == '%') op = PO_RLARGE;
    else lungetc(c);
    break;
  case '#':
    if (colon) goto bad;
    op = PO_LSMALL;
    c = lgetc();
    if (c == '#') op = PO_LLARGE;
    else lungetc(c);
    break;
  default:
    goto bad;
  }
  p->op = op;
  p->colon = colon;
  struct pbuild sub;
  pb_init(&sub);
  /* A pattern (# % ##  %%) is read as if unquoted even inside "…" (XCU 2.6.2). */
  int pattern = op >= PO_RSMALL && op <= PO_LLARGE;
  if (read_parts(&sub, in_dq && !pattern ? M_PARAM_DQ : M_PARAM) < 0) return -1;
  p->child = pb_done(&sub);
  return 0;
bad:
  lungetc(c);
  return bad_subst(b, p);
}

/* After "$". */
static int read_dollar(struct pbuild *b, int in_dq) {
  int c = lgetc();
  if (c == '{') return read_brace_param(b, in_dq);
  if (c == '(') {
    int d = lgetc();
    if (d == '(') return read_arith(b);
    lungetc(d);
    struct node *n = parse_cmdsubst();
    if (lex_error) return -1;
    struct wpart *p = pb_part(b, WP_CMD);
    p->cmd = n;
    return 0;
  }
  if (isalpha(c) || c == '_') {
    struct str name;
    str_init(&name);
    while (isalnum(c) || c == '_') {
      str_addc(&name, c);
      c = lgetc();
    }
    lungetc(c);
    struct wpart *p = pb_part(b, WP_PARAM);
    p->text = str_take(&name);
    return 0;
  }
  if (isdigit(c) || is_special_param(c)) {
    struct wpart *p = pb_part(b, WP_PARAM);
    char s[2] = {(char)c, 0};
    p->text = xstrdup(s);
    return 0;
  }
  lungetc(c);
  pb_char(b, in_dq ? WP_QLIT : WP_LIT, '$');
  return 0;
}

static int read_dq(struct pbuild *b) {
  struct wpart *p = pb_part(b, WP_DQ);
  struct pbuild sub;
  pb_init(&sub);
  if (read_parts(&sub, M_DQ) < 0) return -1;
  p->child = pb_done(&sub);
  return 0;
}

static int read_squote(struct pbuild *b, enum wptype type) {
  struct wpart *p = pb_part(b, type);
  struct str s;
  str_init(&s);
  for (;;) {
    int c = lgetc();
    if (c < 0) {
      syntax_error("Unterminated quoted string");
      str_free(&s);
      return -1;
    }
    if (c == '\'') break;
    str_addc(&s, c);
  }
  p->text = str_take(&s);
  return 0;
}

/*
 * Read parts until the mode's end: a blank or operator (NORMAL), '"' (DQ),
 * end of input (HEREDOC), an unmatched '}' (PARAM). The terminator is consumed
 * except in NORMAL mode.
 */
static int read_parts(struct pbuild *b, enum mode m) {
  if (stack_exhausted()) {
    syntax_error("nesting too deep");
    return -1;
  }
  int quoted = m == M_DQ || m == M_HEREDOC || m == M_PARAM_DQ;
  enum wptype lt = quoted ? WP_QLIT : WP_LIT;
  int start = 1;
  for (;;) {
    int c = lgetc();
    if (c < 0) {
      if (m == M_NORMAL || m == M_HEREDOC) return 0;
      syntax_error(m == M_DQ ? "Unterminated quoted string" : "Missing '}'");
      return -1;
    }
    if (m == M_NORMAL && is_meta(c)) {
      lungetc(c);
      return 0;
    }
    if (m == M_DQ && c == '"') return 0;
    if ((m == M_PARAM || m == M_PARAM_DQ) && c == '}') return 0;
    if (c == '\\') {
      int d = lgetc();
      if (d == '\n') continue;
      if (d < 0) {
        pb_char(b, lt, '\\');
        continue;
      }
      if (m == M_DQ || m == M_HEREDOC || m == M_PARAM_DQ) {
        if (d == '$' || d == '`' || d == '\\' || (d == '"' && m != M_HEREDOC) || (d == '}' && m == M_PARAM_DQ)) {
          pb_char(b, WP_QLIT, d);
        } else {
          pb_char(b, WP_QLIT, '\\');
          pb_char(b, WP_QLIT, d);
        }
        continue;
      }
      pb_char(b, WP_QLIT, d);
      start = 0;
      continue;
    }
    if (c == '$') {
      if (read_dollar(b, quoted) < 0) return -1;
      start = 0;
      continue;
    }
    if (c == '`') {
      if (read_backquote(b, m == M_DQ) < 0) return -1;
      start = 0;
      continue;
    }
    if (!quoted || m == M_PARAM_DQ) {
      if (c == '\'' && m != M_PARAM_DQ) { /* inside "${…}" a ' is literal */
        if (read_squote(b, WP_QLIT) < 0) return -1;
        start = 0;
        continue;
      }
      if (c == '"') {
        if (read_dq(b) < 0) return -1;
        start = 0;
        continue;
      }
    }
    if (c == '~' && start && m == M_NORMAL) {
      struct str user;
      str_init(&user);
      int d = lgetc();
      while (d >= 0 && (isalnum(d) || d == '_' || d == '.' || d == '-')) {
        str_addc(&user, d);
        d = lgetc();
      }
      if (d < 0 || d == '/' || is_meta(d)) {
        lungetc(d);
        struct wpart *p = pb_part(b, WP_TILDE);
        p->text = str_take(&user);
      } else {
        lungetc(d);
        pb_char(b, WP_LIT, '~');
        for (size_t i = 0; i < user.len; i++) pb_char(b, WP_LIT, user.s[i]);
        str_free(&user);
      }
      start = 0;
      continue;
    }
    pb_char(b, lt, c);
    start = 0;
  }
}

struct wpart *lex_heredoc_parts(const char *text) {
  void *st = input_save();
  input_push_string(text, 0);
  int saved = lex_rec_push_base();
  struct pbuild b;
  pb_init(&b);
  int r = read_parts(&b, M_HEREDOC);
  lex_rec_pop_base(saved);
  input_restore(st);
  struct wpart *p = pb_done(&b);
  if (r < 0) lex_error = 1;
  return p;
}

/* ---- here-documents ---- */
static struct redir *pending[32];
static int npending;

void lex_add_heredoc(struct redir *r) {
  if (npending < 32) pending[npending++] = r;
}

int lex_heredocs(void) {
  /* Taken off the list first: a body may hold $( ) with newlines of its own. */
  struct redir *todo[32];
  int ntodo = npending;
  memcpy(todo, pending, sizeof todo);
  npending = 0;
  for (int i = 0; i < ntodo; i++) {
    struct redir *r = todo[i];
    struct str body, line;
    str_init(&body);
    int found = 0;
    for (;;) {
      str_init(&line);
      int c;
      while ((c = pgetc()) >= 0 && c != '\n') str_addc(&line, c);
      if (c < 0 && line.len == 0) {
        str_free(&line);
        break;
      }
      const char *l = line.s ? line.s : "";
      if (r->strip_tabs)
        while (*l == '\t') l++;
      if (strcmp(l, r->delim) == 0) {
        str_free(&line);
        found = 1;
        break;
      }
      str_adds(&body, l);
      str_addc(&body, '\n');
      str_free(&line);
      if (c < 0) break;
    }
    (void)found;
    char *text = str_take(&body);
    if (r->bodytext) {
      free(r->bodytext);
      r->bodytext = text;
    } else {
      r->body = lex_heredoc_parts(text);
      free(text);
      if (lex_error) return -1;
    }
  }
  return 0;
}

int parse_heredoc_pending;

/* ---- tokens ---- */
static int blank(int c) { return c == ' ' || c == '\t'; }

static enum tok operator(int c) {
  int d;
  switch (c) {
  case ';':
    d = lgetc();
    if (d == ';') return T_DSEMI;
    lungetc(d);
    return T_SEMI;
  case '&':
    d = lgetc();
    if (d == '&') return T_AND;
    lungetc(d);
    return T_AMP;
  case '|':
    d = lgetc();
    if (d == '|') return T_OR;
    lungetc(d);
    return T_PIPE;
  case '(': return T_LPAREN;
  case ')': return T_RPAREN;
  case '<':
    d = lgetc();
    if (d == '<') {
      int e = lgetc();
      if (e == '-') return T_DLESSDASH;
      lungetc(e);
      return T_DLESS;
    }
    if (d == '&') return T_LESSAND;
    if (d == '>') return T_LESSGREAT;
    lungetc(d);
    return T_LESS;
  case '>':
    d = lgetc();
    if (d == '>') return T_DGREAT;
    if (d == '&') return T_GREATAND;
    if (d == '|') return T_CLOBBER;
    lungetc(d);
    return T_GREAT;
  }
  return T_EOF;
}

static char *word_literal(struct wpart *p) {
  if (!p) return NULL;
  if (p->next || p->type != WP_LIT) return NULL;
  return p->text;
}

int lex_at_line_end;

void lex_token(struct token *t) {
  memset(t, 0, sizeof *t);
  lex_at_line_end = 0;
  int c;
  for (;;) {
    c = lgetc();
    if (blank(c)) continue;
    if (c == '\\') {
      int d = lgetc();
      if (d == '\n') continue;
      lungetc(d);
    }
    if (c == '#') {
      while ((c = lgetc()) >= 0 && c != '\n') {
      }
    }
    break;
  }
  t->lineno = input_lineno;
  if (c < 0) {
    t->type = T_EOF;
    return;
  }
  if (c == '\n') {
    lex_at_line_end = 1;
    t->lineno--;
    t->type = T_NEWLINE;
    return;
  }
  if (is_meta(c)) {
    t->type = operator(c);
    return;
  }
  lungetc(c);
  struct str raw;
  str_init(&raw);
  if (nrec == (int)(sizeof rec / sizeof rec[0])) {
    syntax_error("words nested too deeply");
    t->type = T_EOF;
    return;
  }
  rec[nrec++] = &raw;
  struct pbuild b;
  pb_init(&b);
  int r = read_parts(&b, M_NORMAL);
  nrec--;
  struct wpart *parts = pb_done(&b);
  if (r < 0) {
    lex_error = 1;
    str_free(&raw);
    t->type = T_EOF;
    return;
  }
  /* The raw text recorded into outer recorders already includes this word. */
  char *lit = word_literal(parts);
  if (lit && lit[strspn(lit, "0123456789")] == 0 && strlen(lit) < 5) {
    int d = lgetc();
    lungetc(d);
    if (d == '<' || d == '>') {
      t->type = T_IONUMBER;
      t->num = atoi(lit);
      str_free(&raw);
      return;
    }
  }
  struct word *w = xmalloc(sizeof *w);
  w->next = NULL;
  w->parts = parts;
  w->raw = str_take(&raw);
  t->type = T_WORD;
  t->word = w;
  t->lit = lit;
}

const char *tok_name(const struct token *t) {
  switch (t->type) {
  case T_EOF: return "end of file";
  case T_NEWLINE: return "newline";
  case T_WORD: return t->word->raw;
  case T_IONUMBER: return "number";
  case T_SEMI: return ";";
  case T_AMP: return "&";
  case T_PIPE: return "|";
  case T_AND: return "&&";
  case T_OR: return "||";
  case T_DSEMI: return ";;";
  case T_LPAREN: return "(";
  case T_RPAREN: return ")";
  case T_LESS: return "<";
  case T_GREAT: return ">";
  case T_DGREAT: return ">>";
  case T_CLOBBER: return ">|";
  case T_LESSGREAT: return "<>";
  case T_DLESS: return "<<";
  case T_DLESSDASH: return "<<-";
  case T_LESSAND: return "<&";
  case T_GREATAND: return ">&";
  }
  return "?";
}

void syntax_error(const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (input_interrupted) {
    lex_error = 1;
    return;
  }
  int saved = lineno;
  lineno = input_lineno;
  sh_error("%sSyntax error: %s", parse_context ? parse_context : "", msg);
  lineno = saved;
  lex_error = 1;
}
