/*
 * Shared by run.c (simple commands), pipeline.c and cmdsubst.c: a simple
 * command after expansion, and the steps that start it.
 */
#ifndef SH_RUN_H
#define SH_RUN_H
#include "sh.h"

/* A simple command after expansion. */
struct prepared {
  struct strlist argv;     /* NULL-terminated */
  struct strlist assigns;  /* "NAME=value" */
  struct rplans redirs;
  struct cmdinfo ci;
  int ok;
  int assigned;            /* the assignments were made while expanding */
};

extern int cmdsubst_status; /* status of the last $( ) of the command being expanded */

/* Expand a simple command, find what it names, open its redirections:
 * 0, -1 (an expansion error) or -2 (a redirection error). */
int prepare(struct node *n, struct prepared *pc);
/* posix_spawn pc's external command: stdin/stdout from in/out (-1: inherited);
 * pgid -1 no new group, 0 a new one, else that group. The pid or -errno. */
pid_t spawn_external(struct prepared *pc, int in, int out, pid_t pgid, int bg);
int spawn_error_status(struct prepared *pc, int err); /* message; 127 or 126 (in a child, redirections applied) */
int spawn_failed(struct prepared *pc, int err);       /* the same from the shell, under pc's redirections */
int run_in_shell(struct prepared *pc, int flags);     /* builtins, functions, assignments */
/* Start one element of a pipeline; its pid, or -1 with *status set. A forked
 * child closes `spare` (the read end of its own output pipe, which would
 * otherwise keep the pipe readable after the real reader has gone). */
pid_t start_element(struct node *c, int in, int out, int spare, pid_t pgid, int bg, int *status);
int pipe_cloexec(int fds[2]);
/* Could expanding n's words change the shell (${x=v}, ${x?}, $(( )), and $( ) if asked)? */
int simple_affects_shell(struct node *n, int count_cmdsubst);                         /* both ends above 10, close-on-exec */

#endif
