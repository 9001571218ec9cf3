/*
 * A command's text rebuilt from its tree, for the job table (`jobs`, the
 * "[1] + Stopped" line). Words keep their source text; compound commands
 * are abbreviated the way dash shows them.
 */
#include <string.h>

#include "sh.h"

static void words(struct str *b, struct word *w, int first) {
  for (; w; w = w->next) {
    if (!first) str_addc(b, ' ');
    str_adds(b, w->raw);
    first = 0;
  }
}

static void redirs(struct str *b, struct redir *r) {
  static const char *const ops[] = {"<", ">", ">|", ">>", "<>", "<&", ">&", "<<"};
  for (; r; r = r->next) {
    str_addc(b, ' ');
    int dflt = (r->type == R_IN || r->type == R_RDWR || r->type == R_DUPIN || r->type == R_HEREDOC) ? 0 : 1;
    if (r->fd != dflt) str_addc(b, '0' + r->fd % 10);
    str_adds(b, ops[r->type]);
    if (r->target) str_adds(b, r->target->raw);
    else if (r->delim) str_adds(b, r->delim);
  }
}

static void text(struct str *b, struct node *n) {
  if (!n) return;
  switch (n->type) {
  case N_SIMPLE:
    words(b, n->assigns, 1);
    words(b, n->args, n->assigns == NULL);
    break;
  case N_PIPE:
    for (int i = 0; i < n->ncmds; i++) {
      if (i) str_adds(b, " | ");
      text(b, n->cmds[i]);
    }
    break;
  case N_AND:
  case N_OR:
  case N_SEQ:
    text(b, n->a);
    str_adds(b, n->type == N_AND ? " && " : n->type == N_OR ? " || " : "; ");
    text(b, n->b);
    break;
  case N_BG:
    text(b, n->a);
    str_adds(b, " &");
    break;
  case N_NOT:
    str_adds(b, "! ");
    text(b, n->a);
    break;
  case N_SUBSHELL:
    str_adds(b, "(");
    text(b, n->a);
    str_adds(b, ")");
    break;
  case N_GROUP:
    str_adds(b, "{ ");
    text(b, n->a);
    str_adds(b, "; }");
    break;
  case N_IF: str_adds(b, "if ..."); break;
  case N_WHILE: str_adds(b, "while ..."); break;
  case N_UNTIL: str_adds(b, "until ..."); break;
  case N_FOR: str_adds(b, "for ..."); break;
  case N_CASE: str_adds(b, "case ..."); break;
  case N_FUNC: str_adds(b, n->name); str_adds(b, "() ..."); break;
  }
  redirs(b, n->redirs);
}

/* malloc'd: the job table keeps it. */
char *node_text(struct node *n) {
  struct str b;
  str_init(&b);
  text(&b, n);
  return str_take(&b);
}
