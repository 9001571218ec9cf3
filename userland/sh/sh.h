/*
 * sh: a POSIX shell for tabkernel — shared declarations.
 *
 * How the parts relate:
 *   main.c     options, the read-parse-execute loop, exiting
 *   input.c    input sources (a string, a file descriptor), pushback, aliases
 *   lineedit.c interactive line editing on a terminal; history.c its history
 *   lex.c      words and operators; words are lists of parts (wpart)
 *   parse.c    the grammar (POSIX XCU 2.10) → a tree of nodes
 *   expand.c   word expansion: tilde, parameters, $( ), $(( )), splitting, globbing
 *   arith.c    $(( )) evaluation
 *   pattern.c  pattern matching and pathname expansion
 *   var.c      variables, positional parameters, the environment
 *   eval.c     the tree walker: lists, and-or, compound commands, functions
 *   run.c      simple commands: posix_spawn for external commands
 *   pipeline.c pipelines, ( ), &: fork only when the shell itself must run in the child
 *   cmdsubst.c $( ) and backquotes
 *   redir.c    redirections (opened by the shell, handed to spawn as dup2s)
 *   jobs.c     the job table, waiting, process groups
 *   trap.c     signals and traps
 *   builtin*.c the builtins; test.c and printf.c for the bigger ones
 *   out.c      buffered output without stdio, error messages, memory
 *
 * Errors are propagated by return codes and the `evalskip` state (no
 * setjmp/longjmp in wasi-libc): every walker returns as soon as evalskip is
 * set, and the loop that owns the condition (a loop, a function call, the
 * top level) clears it.
 */
#ifndef SH_H
#define SH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __wasi__
/* wasi-libc marks getpid() deprecated (no processes in plain WASI); tabkernel's
 * libc implements it for real, but the attribute sticks to the declaration. */
#pragma clang diagnostic ignored "-Wdeprecated-declarations"
/* wasi-libc's <sys/stat.h> has no umask(); tabkernel's libc provides it. */
mode_t umask(mode_t);
#endif

/* ---- memory and strings (out.c) ---- */
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* A growable string. */
struct str {
  char *s;
  size_t len, cap;
};
void str_init(struct str *b);
void str_addc(struct str *b, int c);
void str_addn(struct str *b, const char *s, size_t n);
void str_adds(struct str *b, const char *s);
void str_free(struct str *b);
char *str_take(struct str *b); /* the NUL-terminated string; b is reset */

/* The arena: expansion results, freed in one go after each command. */
void *stalloc(size_t n);
char *ststrdup(const char *s);
char *ststrndup(const char *s, size_t n);
struct stmark {
  void *block;
  size_t used;
};
void stmark(struct stmark *m);
void streset(const struct stmark *m);

/* ---- output (out.c) ---- */
void out_str(int fd, const char *s);
void out_mem(int fd, const char *s, size_t n);
void out_fmt(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void out_flush(int fd);
void out_flush_all(void);
int out_take_error(void);  /* flush fd 1; did a write to it fail since the last call? */
void out_capture_begin(struct str *into); /* fd 1 output goes into a string */
void out_capture_end(void);
void sh_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));  /* "sh: N: msg\n" */
void sh_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int write_all(int fd, const char *s, size_t n);

/* ---- input (input.c) ---- */
void input_push_string(const char *s, int alias_tag);
void input_push_fd(int fd);
void input_pop(void);
int input_depth(void);
void input_sync(void);  /* give back read-ahead of a seekable stdin before running a command */
int pgetc(void);           /* next char, or -1 at end of the current source */
void pungetc(int c);
int input_at_eof(void);
void input_set_interactive_prompt(int which); /* 1 = PS1, 2 = PS2 */
extern int input_lineno;
extern int input_interrupted; /* Ctrl-C while reading a command: it is dropped */
int trap_take_sigint(void);
int alias_active(const char *name);

/* ---- line editing and history (lineedit.c, history.c) ---- */
enum { LINEEDIT_NOTTY = -1, LINEEDIT_INTR = -2 };
ssize_t lineedit_read(const char *prompt, const char **line); /* length with '\n', 0 at EOF */
void history_add(const char *line, size_t n);
int history_count(void);
const char *history_get(int i); /* 0: the oldest */
int b_history(int argc, char **argv);

/* ---- words and the tree (lex.c, parse.c) ---- */
enum wptype {
  WP_LIT,   /* unquoted literal text */
  WP_QLIT,  /* quoted literal text ('…', \c, text inside "…") */
  WP_DQ,    /* "…": children */
  WP_PARAM, /* ${…} / $name */
  WP_CMD,   /* $(…) or `…` */
  WP_ARITH, /* $((…)): children */
  WP_TILDE, /* ~ or ~user; text = user */
};
enum { PO_NONE, PO_MINUS, PO_EQ, PO_QMARK, PO_PLUS, PO_RSMALL, PO_RLARGE, PO_LSMALL, PO_LLARGE, PO_LEN, PO_BAD };

struct node;
struct wpart {
  struct wpart *next;
  enum wptype type;
  char *text;            /* LIT, QLIT, TILDE; PARAM: the name */
  struct wpart *child;   /* DQ, ARITH; PARAM: the word after the operator */
  struct node *cmd;      /* CMD */
  int op, colon;         /* PARAM */
};

struct word {
  struct word *next;
  struct wpart *parts;
  char *raw;             /* the source text */
};

enum rtype { R_IN, R_OUT, R_CLOBBER, R_APPEND, R_RDWR, R_DUPIN, R_DUPOUT, R_HEREDOC };
struct redir {
  struct redir *next;
  enum rtype type;
  int fd;
  struct word *target;   /* file, fd number or "-"; HEREDOC: NULL */
  struct wpart *body;    /* HEREDOC: expanded parts (unquoted delimiter) */
  char *bodytext;        /* HEREDOC: text (quoted delimiter) */
  int strip_tabs;
  char *delim;
};

enum ntype {
  N_SIMPLE, N_PIPE, N_AND, N_OR, N_SEQ, N_BG, N_NOT, N_SUBSHELL, N_GROUP,
  N_IF, N_WHILE, N_UNTIL, N_FOR, N_CASE, N_FUNC,
};
struct caseitem {
  struct caseitem *next;
  struct word *patterns;
  struct node *body;
};
struct node {
  enum ntype type;
  int lineno;
  struct redir *redirs;
  struct node *a, *b, *c;   /* children: AND/OR/SEQ left,right; IF cond,then,else; loops cond,body */
  struct word *args;        /* SIMPLE: words; FOR: list (NULL and !has_in = "$@"); CASE: the word */
  struct word *assigns;     /* SIMPLE */
  char *name;               /* FOR: variable; FUNC: name */
  struct caseitem *items;   /* CASE */
  struct node **cmds;       /* PIPE */
  int ncmds;
  int has_in;               /* FOR */
};

/* Parse one complete command (up to a newline) from the current input.
 * Returns the tree, NULL for an empty line; *eof set at end of input;
 * *err set on a syntax error (already reported). */
struct node *parse_command(int *eof, int *err);
/* Parse a whole string (eval, command substitution from backquotes). */
struct node *parse_string(const char *s, int *err);
void tree_free(struct node *n); /* tree.c: after it has run (function bodies are kept) */
extern int parse_heredoc_pending;

/* ---- expansion (expand.c) ---- */
struct strlist {
  char **v;
  int n, cap;
};
void sl_add(struct strlist *l, char *s);
enum { EXP_FIELDS = 1, EXP_GLOB = 2, EXP_TILDE_ASSIGN = 4, EXP_PATTERN = 8, EXP_HEREDOC = 16, EXP_SPLIT_LIT = 32 };
/* Expand words into fields (arena strings). Returns 0, or -1 on an error (reported, evalskip set). */
int expand_words(struct word *w, struct strlist *out);
/* Expand one word to one string (no splitting, no globbing). */
char *expand_string(struct word *w, int flags);
/* Expand to a pattern (quoted chars escaped with \). */
char *expand_pattern(struct word *w);
char *expand_parts_string(struct wpart *p, int flags);
char *cmdsubst_output(struct node *n);

/* ---- arithmetic (arith.c) ---- */
int arith_eval(const char *expr, intmax_t *result); /* 0 or -1 (reported) */

/* ---- patterns (pattern.c) ---- */
int pmatch(const char *pattern, const char *string); /* pattern with \ escapes */
int has_glob_chars(const char *pattern);
void glob_expand(const char *pattern, struct strlist *out); /* sorted; nothing added if no match */
char *unescape_pattern(const char *pattern);

/* ---- variables (var.c) ---- */
enum { V_EXPORT = 1, V_READONLY = 2, V_UNSET = 4 };
struct var {
  struct var *next;
  char *name;
  char *value;          /* NULL: unset (but possibly exported/readonly) */
  int flags;
};
const char *var_get(const char *name);
struct var *var_lookup(const char *name);
int var_set(const char *name, const char *value, int flags); /* -1 if readonly (reported) */
int var_unset(const char *name);
int var_assign(const char *assignment, int flags);             /* "NAME=value" */
int is_name(const char *s);
int is_assignment(const char *s);
char **var_environ(struct strlist *extra);                      /* exported + extra "N=v" */
void var_import(char **envp);
void var_list(int fd, int flags, const char *prefix);           /* set, export -p, readonly -p */
void var_local(const char *name);                                /* local */
void var_push_scope(void);
void var_pop_scope(void);
int var_in_function(void);
char *shell_quote(const char *s);                                /* arena */

struct params {
  int n;
  char **v;  /* malloc'd */
};
extern struct params posparams;
extern char *arg0;
void params_set(int n, char **v);
void params_free(struct params *p);

/* ---- options ---- */
enum { O_ERREXIT, O_NOUNSET, O_XTRACE, O_NOGLOB, O_NOEXEC, O_VERBOSE, O_MONITOR, O_INTERACTIVE,
       O_ALLEXPORT, O_NOCLOBBER, O_IGNOREEOF, O_NOTIFY, O_HASHALL, O_STDIN, O_NOLOG, O_VI, O_EMACS, O_PIPEFAIL, O_COUNT };
extern char opts[O_COUNT];
extern const char *const opt_names[O_COUNT];
extern const char opt_letters[O_COUNT];
int set_option_letter(int c, int on); /* -1 if unknown */
int set_option_name(const char *name, int on);
char *option_string(void);            /* $- (arena) */

/* ---- evaluation (eval.c, run.c) ---- */
enum { SKIP_NONE, SKIP_BREAK, SKIP_CONT, SKIP_FUNC, SKIP_EXIT, SKIP_ERROR };
extern int evalskip, skipcount;
extern int exitstatus;
extern int loopnest, funcnest;
extern int noerrexit;
extern int command_nest;     /* running under the command builtin */        /* > 0: inside a condition, set -e does not apply */
extern int in_subshell;       /* we are a forked child */
extern pid_t rootpid;
extern pid_t lastbgpid;
extern int lineno;

enum { EV_EXIT = 1, EV_BG = 2, EV_NOFORK_OK = 4, EV_NOREDIR = 8 /* redirections already applied */ };
int eval(struct node *n, int flags);
void stack_init(void *base); /* main's frame: where the stack starts */
int stack_exhausted(void);   /* too little stack left to go deeper */
int eval_string(const char *s, int flags);
int run_simple(struct node *n, int flags);
int run_pipeline(struct node *n, int flags);
int run_subshell(struct node *n, int flags);
int run_background(struct node *n);
void errexit_check(int status);
void raise_error(int status);  /* an error that exits a non-interactive shell */
void exitshell(int status) __attribute__((noreturn));
void child_init(void);          /* after fork, in the child */
pid_t sh_fork(void);

struct funcdef {
  struct funcdef *next;
  char *name;
  struct node *body;
};
struct funcdef *func_lookup(const char *name);
void func_define(const char *name, struct node *body);
int func_unset(const char *name);
int call_function(struct funcdef *f, int argc, char **argv);

/* Command lookup. */
enum { CMD_NONE, CMD_SPECIAL, CMD_BUILTIN, CMD_FUNCTION, CMD_EXTERNAL };
struct cmdinfo {
  int kind;
  int builtin;                 /* builtin id */
  struct funcdef *func;
  char *path;                  /* arena */
  int err;                     /* external: errno of the failed lookup */
};
void find_command(const char *name, struct cmdinfo *ci, int want_functions, const char *path);
char *path_search(const char *name, const char *path, int *err); /* arena */

/* ---- redirections (redir.c) ---- */
/* An evaluated redirection: make `fd` refer to `src` (src < 0: close fd). */
struct rplan {
  int fd, src;
  int opened;   /* src is ours: close it when done */
};
struct rplans {
  struct rplan *v;
  int n, cap;
};
int redir_prepare(struct redir *r, struct rplans *p);  /* open files; -1 on error (reported) */
void redir_release(struct rplans *p);                  /* close what prepare opened */
struct rsaved {
  int fd, saved; /* saved < 0: fd was closed */
};
struct rsave {
  struct rsaved *v;
  int n, cap;
};
int redir_apply(struct rplans *p, struct rsave *save); /* dup2 in the shell; save may be NULL (permanent) */
void redir_restore(struct rsave *save);
int fd_move_high(int fd);                              /* dup to >= 10, close-on-exec */
void redir_close_saved(void);                          /* in a forked child: drop the saved fds */

/* ---- jobs (jobs.c) ---- */
enum { JOB_RUNNING, JOB_STOPPED, JOB_DONE };
struct job {
  int id;
  pid_t pgid;
  int nprocs;
  pid_t *pids;
  int *status;     /* wait status of each, -1 while running */
  int state;
  int bg, notified;
  char *cmd;
};
struct job *job_new(int nprocs, const char *cmd);
int job_wait(struct job *j);          /* wait until done or stopped; the shell status */
void job_free(struct job *j);
struct job *job_find(const char *spec); /* %n, %%, %+, %-, %cmd, pid */
void jobs_reap(int verbose);             /* collect finished background jobs without blocking */
int jobs_list(int fd, int argc, char **argv);
int wait_builtin_all(void);
int wait_pid_status(pid_t pid, int *found);
int status_to_exit(int wstatus);
extern int job_control;
extern int wait_interruptible;  /* the wait builtin is waiting */
extern volatile int last_signal;
extern pid_t shell_pgid;
extern int tty_fd;
void jobs_init(void);
void jobs_enable(int on); /* set -m */
void job_set_current(struct job *j);
int job_foreground(struct job *j, int cont);
int job_background(struct job *j);
char *node_text(struct node *n);        /* for the job table and jobs output */

/* ---- traps (trap.c) ---- */
extern volatile int pending_signals;
void trap_init(void);
void trap_run_pending(void);
void trap_run_exit(void);
void trap_child_reset(void);
int trap_builtin(int argc, char **argv);
int sig_number(const char *name);       /* NAME, SIGNAME or number; -1 */
const char *sig_name(int sig);          /* "INT" */
const char *sig_description(int sig);   /* "Terminated" */
int trap_ignored(int sig);
void sig_default_for_child(void *attr);

/* ---- WASI preopens (preopen.c) ---- */
void preopens_protect(void);

/* ---- builtins ---- */
enum {
  B_COLON, B_TRUE, B_FALSE, B_BREAK, B_CONTINUE, B_DOT, B_EVAL, B_EXEC, B_EXIT, B_EXPORT,
  B_READONLY, B_RETURN, B_SET, B_SHIFT, B_TIMES, B_TRAP, B_UNSET,
  /* regular */
  B_CD, B_PWD, B_ECHO, B_PRINTF, B_READ, B_TEST, B_LBRACKET, B_WAIT, B_KILL, B_TYPE,
  B_COMMAND, B_GETOPTS, B_UMASK, B_JOBS, B_FG, B_BG, B_ALIAS, B_UNALIAS, B_LOCAL, B_HASH,
  B_ULIMIT, B_HISTORY,
  B_COUNT
};
int builtin_lookup(const char *name, int *special); /* id or -1 */
int run_builtin(int id, int argc, char **argv);
int builtin_pure(int id);                           /* safe to run in the shell for $( ) */
int b_test(int argc, char **argv);
int b_printf(int argc, char **argv);
int b_echo(int argc, char **argv);
int b_cd(int argc, char **argv);
int b_pwd(int argc, char **argv);
int b_read(int argc, char **argv);
int b_getopts(int argc, char **argv);
int b_umask(int argc, char **argv);
int b_ulimit(int argc, char **argv);
int b_alias(int argc, char **argv);
int b_unalias(int argc, char **argv);
int b_kill(int argc, char **argv);
int b_type(int argc, char **argv);
int b_command(int argc, char **argv);
const char *alias_get(const char *name);
void pwd_init(void);

/* getopt-like option scanning for builtins: returns the option char, 0 at the end, '?' on error. */
struct bopt {
  int ind;
  int pos;
  const char *arg;
};
int bgetopt(struct bopt *o, int argc, char **argv, const char *spec, const char *cmd);

extern const char *cmdname; /* the builtin being run, for messages */

#endif
