/*
 * Freeing parse trees once they have run, so a long script or an eval in a
 * loop does not grow the heap (a forked child copies all of it). The only
 * part that outlives its tree is a function body: func_define keeps a
 * pointer to it, so an N_FUNC's body is never freed here.
 */
#include <stdlib.h>

#include "sh.h"

static void parts_free(struct wpart *p) {
  while (p) {
    struct wpart *next = p->next;
    free(p->text);
    parts_free(p->child);
    tree_free(p->cmd);
    free(p);
    p = next;
  }
}

static void words_free(struct word *w) {
  while (w) {
    struct word *next = w->next;
    parts_free(w->parts);
    free(w->raw);
    free(w);
    w = next;
  }
}

static void redirs_free(struct redir *r) {
  while (r) {
    struct redir *next = r->next;
    words_free(r->target);
    parts_free(r->body);
    free(r->bodytext);
    free(r->delim);
    free(r);
    r = next;
  }
}

void tree_free(struct node *n) {
  if (!n) return;
  redirs_free(n->redirs);
  if (n->type != N_FUNC) tree_free(n->a); /* a function's body belongs to the function table */
  tree_free(n->b);
  tree_free(n->c);
  words_free(n->args);
  words_free(n->assigns);
  free(n->name);
  for (struct caseitem *ci = n->items; ci;) {
    struct caseitem *next = ci->next;
    words_free(ci->patterns);
    tree_free(ci->body);
    free(ci);
    ci = next;
  }
  for (int i = 0; i < n->ncmds; i++) tree_free(n->cmds[i]);
  free(n->cmds);
  free(n);
}
