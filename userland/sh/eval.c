/*
 * The tree walker: lists, and-or lists, `!`, compound commands and functions.
 * Simple commands, pipelines, subshells and background jobs are in run.c.
 *
 * Control flow without longjmp: `evalskip` says why the walk is unwinding
 * (break/continue with `skipcount` levels, return, or an error in an
 * interactive shell); every walker returns as soon as it is set, and the
 * construct that owns it (a loop, a function call, the top level) clears it.
 * A fatal error in a non-interactive shell exits right away (raise_error).
 * set -e: `noerrexit` counts the conditions we are inside (if/while tests,
 * the left of && and ||, after !), where a failure does not exit.
 * Spec: POSIX XCU 2.9.4 Compound Commands, 2.9.5 Function Definition, set -e.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

int evalskip, skipcount;
int exitstatus;
int loopnest, funcnest;
int noerrexit;
int lineno = 1;

int command_nest; /* inside `command`: special builtins' errors are not fatal */

void raise_error(int status) {
  exitstatus = status;
  if (command_nest > 0) return;
  if (!opts[O_INTERACTIVE] || in_subshell) exitshell(status);
  evalskip = SKIP_ERROR;
}

void errexit_check(int status) {
  if (status != 0 && opts[O_ERREXIT] && !noerrexit && !evalskip) exitshell(status);
}

/* Run pending traps between commands; $? is preserved across them. */
static void between_commands(void) {
  if (pending_signals) trap_run_pending();
}

static int eval_loop(struct node *n, int until) {
  int status = 0;
  loopnest++;
  for (;;) {
    noerrexit++;
    int c = eval(n->a, 0);
    noerrexit--;
    if (evalskip) goto skipped;
    if (until ? c == 0 : c != 0) break;
    status = eval(n->b, 0);
    if (evalskip) goto skipped;
    continue;
  skipped:
    if (evalskip == SKIP_CONT && --skipcount <= 0) {
      evalskip = SKIP_NONE;
      continue;
    }
    if (evalskip == SKIP_BREAK && --skipcount <= 0) evalskip = SKIP_NONE;
    break;
  }
  loopnest--;
  exitstatus = status;
  return status;
}

static int eval_for(struct node *n) {
  struct stmark m;
  stmark(&m);
  struct strlist items = {0};
  if (n->has_in) {
    if (expand_words(n->args, &items) < 0) {
      streset(&m);
      return exitstatus;
    }
  } else {
    for (int i = 0; i < posparams.n; i++) sl_add(&items, ststrdup(posparams.v[i]));
  }
  int status = 0;
  loopnest++;
  for (int i = 0; i < items.n; i++) {
    if (var_set(n->name, items.v[i], 0) < 0) {
      raise_error(2);
      break;
    }
    status = eval(n->b, 0);
    if (evalskip) {
      if (evalskip == SKIP_CONT && --skipcount <= 0) {
        evalskip = SKIP_NONE;
        continue;
      }
      if (evalskip == SKIP_BREAK && --skipcount <= 0) evalskip = SKIP_NONE;
      break;
    }
  }
  loopnest--;
  streset(&m);
  exitstatus = status;
  return status;
}

static int eval_case(struct node *n) {
  struct stmark m;
  stmark(&m);
  lineno = n->lineno;
  char *word = expand_string(n->args, 0);
  int status = 0;
  if (evalskip) goto out;
  for (struct caseitem *ci = n->items; ci; ci = ci->next)
    for (struct word *p = ci->patterns; p; p = p->next) {
      char *pat = expand_pattern(p);
      if (evalskip) goto out;
      if (pmatch(pat, word)) {
        status = ci->body ? eval(ci->body, 0) : 0;
        goto out;
      }
    }
out:
  streset(&m);
  exitstatus = status;
  return status;
}

static int eval_if(struct node *n) {
  noerrexit++;
  int c = eval(n->a, 0);
  noerrexit--;
  if (evalskip) return c;
  int status = 0;
  if (c == 0) status = eval(n->b, 0);
  else if (n->c) status = eval(n->c, 0);
  exitstatus = status;
  return status;
}

/* Redirections around a compound command run by the shell itself. */
static int eval_redirected(struct node *n, int flags) {
  struct stmark m;
  stmark(&m);
  struct rplans p = {0};
  struct rsave save = {0};
  lineno = n->lineno;
  if (redir_prepare(n->redirs, &p) < 0 || redir_apply(&p, &save) < 0) {
    redir_restore(&save);
    redir_release(&p);
    streset(&m);
    exitstatus = 2;
    return 2;
  }
  int status = eval(n, (flags & ~EV_EXIT) | EV_NOREDIR);
  out_flush(1);
  redir_restore(&save);
  redir_release(&p);
  streset(&m);
  return status;
}

/*
 * Deep recursion (a recursive shell function) must end in an error, not in a
 * stack overflow: in wasm the stack sits below the static data (wasm-ld 14
 * puts it after the data, growing down into it) and nothing traps.
 */
static char *stack_base, *stack_floor;

void stack_init(void *base) {
  stack_base = base;
#ifdef __wasi__
  /* The stack grows down to the end of the data (wasm-ld's default layout),
   * or to address 0 with --stack-first. */
  extern char __data_end;
  stack_floor = stack_base > &__data_end ? &__data_end : (char *)1024;
#else
  stack_floor = stack_base - 4 * 1024 * 1024;
#endif
}

int stack_exhausted(void) {
  char here;
  return stack_base && &here - stack_floor < 20 * 1024; /* room for the deepest builtin */
}

int eval(struct node *n, int flags) {
  if (!n || evalskip) return exitstatus;
  if (stack_exhausted()) {
    sh_error("nesting too deep (out of stack)");
    raise_error(2);
    return exitstatus = 2;
  }
  if (opts[O_NOEXEC] && !opts[O_INTERACTIVE]) return 0;
  if (n->redirs && !(flags & EV_NOREDIR) && n->type != N_SIMPLE && n->type != N_SUBSHELL && n->type != N_FUNC)
    return eval_redirected(n, flags);
  flags &= ~EV_NOREDIR;
  int status = 0;
  switch (n->type) {
  case N_SIMPLE:
    status = run_simple(n, flags);
    if (!evalskip) errexit_check(status);
    break;
  case N_PIPE:
    status = run_pipeline(n, flags);
    if (!evalskip) errexit_check(status);
    break;
  case N_SUBSHELL:
    status = run_subshell(n, flags);
    if (!evalskip) errexit_check(status);
    break;
  case N_BG:
    status = run_background(n->a);
    break;
  case N_AND:
  case N_OR:
    noerrexit++;
    status = eval(n->a, 0);
    noerrexit--;
    if (evalskip) break;
    if ((status == 0) == (n->type == N_AND)) status = eval(n->b, flags);
    break;
  case N_SEQ:
    eval(n->a, 0);
    between_commands();
    if (evalskip) return exitstatus;
    status = eval(n->b, flags);
    break;
  case N_NOT:
    noerrexit++;
    status = !eval(n->a, 0);
    noerrexit--;
    break;
  case N_GROUP:
    status = eval(n->a, flags);
    break;
  case N_IF:
    status = eval_if(n);
    break;
  case N_WHILE:
  case N_UNTIL:
    status = eval_loop(n, n->type == N_UNTIL);
    break;
  case N_FOR:
    status = eval_for(n);
    break;
  case N_CASE:
    status = eval_case(n);
    break;
  case N_FUNC:
    func_define(n->name, n->a);
    status = 0;
    break;
  }
  exitstatus = status;
  between_commands();
  return exitstatus;
}

int eval_string(const char *s, int flags) {
  int err = 0;
  struct node *n = parse_string(s, &err);
  if (err) {
    raise_error(2);
    return 2;
  }
  if (!n) {
    exitstatus = 0;
    return 0;
  }
  int status = eval(n, flags);
  tree_free(n);
  return status;
}

/* ---- functions ---- */
static struct funcdef *funcs;

struct funcdef *func_lookup(const char *name) {
  for (struct funcdef *f = funcs; f; f = f->next)
    if (strcmp(f->name, name) == 0) return f;
  return NULL;
}

void func_define(const char *name, struct node *body) {
  struct funcdef *f = func_lookup(name);
  if (!f) {
    f = xmalloc(sizeof *f);
    f->name = xstrdup(name);
    f->next = funcs;
    funcs = f;
  }
  f->body = body;
}

int func_unset(const char *name) {
  for (struct funcdef **pp = &funcs; *pp; pp = &(*pp)->next)
    if (strcmp((*pp)->name, name) == 0) {
      struct funcdef *f = *pp;
      *pp = f->next;
      free(f->name);
      free(f);
      return 0;
    }
  return 0;
}

int call_function(struct funcdef *f, int argc, char **argv) {
  struct params saved = posparams;
  posparams.n = 0;
  posparams.v = NULL;
  params_set(argc - 1, argv + 1);
  int saved_loop = loopnest;
  loopnest = 0;
  funcnest++;
  var_push_scope();
  struct node *body = f->body;
  int status = eval(body, 0);
  if (evalskip == SKIP_FUNC) {
    evalskip = SKIP_NONE;
    status = exitstatus;
  }
  var_pop_scope();
  funcnest--;
  loopnest = saved_loop;
  params_free(&posparams);
  posparams = saved;
  exitstatus = status;
  return status;
}
