/*
 * Running simple commands: command search, expansion (prepare), posix_spawn,
 * exec, and builtins/functions/assignments in the shell. pipeline.c starts
 * pipelines, subshells and background jobs; cmdsubst.c runs $( ).
 *
 * The process model (tabkernel: fork copies the whole memory, spawn does not):
 *  - an external command, and every external command of a pipeline, starts
 *    with posix_spawn; redirections become spawn file actions (the shell opens
 *    the files itself, so errors read like dash's, and hands over dup2s);
 *  - fork is used only when the shell itself must run in the child: ( ),
 *    $( ) of anything but externals and output-only builtins, and builtins,
 *    functions or compound commands inside a pipeline or in the background;
 *  - the last command of a forked child is exec'd rather than spawned.
 * Words of a command are expanded before deciding, in the shell; for a
 * pipeline element that is then run by fork the expansion is not repeated.
 * Spec: POSIX XCU 2.9.1 Simple Commands (Command Search and Execution), 2.9.2, 2.12.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <tabkernel.h>

#include "run.h"

extern char **environ;
int in_subshell;
pid_t rootpid;
pid_t lastbgpid = -1;
int cmdsubst_status;

/* ---- may expanding these words change the shell? ---- */
static int parts_affect_shell(struct wpart *p, int count_cmdsubst) {
  for (; p; p = p->next) {
    if (p->type == WP_ARITH || (p->type == WP_CMD && count_cmdsubst)) return 1;
    if (p->type == WP_PARAM && (p->op == PO_EQ || p->op == PO_QMARK || p->op == PO_BAD)) return 1;
    if ((p->type == WP_DQ || p->type == WP_PARAM) && parts_affect_shell(p->child, count_cmdsubst)) return 1;
  }
  return 0;
}

/* ${x=v}, ${x?}, $(( )) (and $( ) if count_cmdsubst) anywhere in a simple command. */
int simple_affects_shell(struct node *n, int count_cmdsubst) {
  for (struct word *w = n->args; w; w = w->next)
    if (parts_affect_shell(w->parts, count_cmdsubst)) return 1;
  for (struct word *w = n->assigns; w; w = w->next)
    if (parts_affect_shell(w->parts, count_cmdsubst)) return 1;
  for (struct redir *r = n->redirs; r; r = r->next) {
    if (r->target && parts_affect_shell(r->target->parts, count_cmdsubst)) return 1;
    if (parts_affect_shell(r->body, count_cmdsubst)) return 1;
  }
  return 0;
}

/* ---- command search ---- */
char *path_search(const char *name, const char *path, int *err) {
  *err = ENOENT;
  if (!path) path = "/bin:/usr/bin";
  size_t nl = strlen(name);
  const char *p = path;
  for (;;) {
    const char *colon = strchr(p, ':');
    size_t dl = colon ? (size_t)(colon - p) : strlen(p);
    char *full = stalloc(dl + nl + 2);
    if (dl == 0) {
      memcpy(full, name, nl + 1);
    } else {
      memcpy(full, p, dl);
      full[dl] = '/';
      memcpy(full + dl + 1, name, nl + 1);
    }
    struct stat st;
    if (stat(full, &st) == 0 && !S_ISDIR(st.st_mode)) {
      if (access(full, X_OK) == 0) return full;
      *err = EACCES;
    }
    if (!colon) break;
    p = colon + 1;
  }
  return NULL;
}

void find_command(const char *name, struct cmdinfo *ci, int want_functions, const char *path) {
  memset(ci, 0, sizeof *ci);
  if (strchr(name, '/')) {
    ci->kind = CMD_EXTERNAL;
    ci->path = (char *)name;
    return;
  }
  int special;
  int id = builtin_lookup(name, &special);
  if (id >= 0 && special) {
    ci->kind = CMD_SPECIAL;
    ci->builtin = id;
    return;
  }
  if (want_functions) {
    struct funcdef *f = func_lookup(name);
    if (f) {
      ci->kind = CMD_FUNCTION;
      ci->func = f;
      return;
    }
  }
  if (id >= 0) {
    ci->kind = CMD_BUILTIN;
    ci->builtin = id;
    return;
  }
  ci->path = path_search(name, path ? path : var_get("PATH"), &ci->err);
  ci->kind = ci->path ? CMD_EXTERNAL : CMD_NONE;
}

/* ---- tracing ---- */
static void xtrace(struct prepared *pc) {
  if (!opts[O_XTRACE]) return;
  struct str b;
  str_init(&b);
  const char *ps4 = var_get("PS4");
  str_adds(&b, ps4 ? ps4 : "+ ");
  int first = 1;
  for (int i = 0; i < pc->assigns.n; i++) {
    if (!first) str_addc(&b, ' ');
    str_adds(&b, pc->assigns.v[i]);
    first = 0;
  }
  for (int i = 0; i < pc->argv.n - 1; i++) {
    if (!first) str_addc(&b, ' ');
    str_adds(&b, pc->argv.v[i]);
    first = 0;
  }
  str_addc(&b, '\n');
  out_flush(1);
  write_all(2, b.s, b.len);
  str_free(&b);
}

/* Expand a simple command and find what it names. */
int prepare(struct node *n, struct prepared *pc) {
  memset(pc, 0, sizeof *pc);
  lineno = n->lineno;
  cmdsubst_status = 0;
  if (expand_words(n->args, &pc->argv) < 0) return -1;
  /* Assignments alone take effect one by one: a=1 b=$a sees the new a. */
  pc->assigned = n->args == NULL;
  for (struct word *w = n->assigns; w; w = w->next) {
    char *s = expand_string(w, EXP_TILDE_ASSIGN);
    if (evalskip) return -1;
    sl_add(&pc->assigns, s);
    if (pc->assigned && var_assign(s, 0) < 0) {
      raise_error(2);
      return -1;
    }
  }
  sl_add(&pc->argv, NULL);
  pc->argv.n--;
  if (pc->argv.n > 0) find_command(pc->argv.v[0], &pc->ci, 1, NULL);
  /* PATH=… cmd searches the new PATH. */
  for (int i = 0; i < pc->assigns.n; i++)
    if (strncmp(pc->assigns.v[i], "PATH=", 5) == 0 && pc->ci.kind == CMD_EXTERNAL && !strchr(pc->argv.v[0], '/'))
      pc->ci.path = path_search(pc->argv.v[0], pc->assigns.v[i] + 5, &pc->ci.err);
  pc->argv.n++;
  xtrace(pc);
  pc->argv.n--;
  if (redir_prepare(n->redirs, &pc->redirs) < 0) {
    redir_release(&pc->redirs);
    return -2;
  }
  pc->ok = 1;
  return 0;
}

/* ---- spawning ---- */
static void not_found(struct prepared *pc, int err) {
  const char *name = pc->argv.v[0];
  if (err == EACCES) sh_error("%s: Permission denied", name);
  else if (err == ENOENT && !strchr(name, '/')) sh_error("%s: not found", name);
  else if (err == ENOENT) sh_error("%s: not found", name);
  else if (err == ENOEXEC) sh_error("%s: cannot execute binary file: Exec format error", name);
  else sh_error("%s: %s", name, strerror(err));
}

/*
 * posix_spawn the external command of pc with stdin/stdout replaced by
 * in/out (-1: inherited), then its redirections. pgid: -1 no new group,
 * 0 a new group led by the child, else that group. Returns the pid or -errno.
 */
pid_t spawn_external(struct prepared *pc, int in, int out, pid_t pgid, int bg) {
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&fa);
  posix_spawnattr_init(&attr);
  short flags = 0;
  if (bg && !job_control && in < 0) posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  if (in >= 0) posix_spawn_file_actions_adddup2(&fa, in, 0);
  if (out >= 0) posix_spawn_file_actions_adddup2(&fa, out, 1);
  for (int i = 0; i < pc->redirs.n; i++) {
    struct rplan *r = &pc->redirs.v[i];
    if (r->src < 0) posix_spawn_file_actions_addclose(&fa, r->fd);
    else if (r->src != r->fd) posix_spawn_file_actions_adddup2(&fa, r->src, r->fd);
  }
  if (job_control && pgid >= 0) {
    flags |= POSIX_SPAWN_SETPGROUP;
    posix_spawnattr_setpgroup(&attr, pgid);
  }
  sigset_t def;
  sigemptyset(&def);
  if (opts[O_INTERACTIVE]) {
    sigaddset(&def, SIGINT);
    sigaddset(&def, SIGQUIT);
    sigaddset(&def, SIGTERM);
    if (job_control) {
      sigaddset(&def, SIGTSTP);
      sigaddset(&def, SIGTTIN);
      sigaddset(&def, SIGTTOU);
    }
  }
  if (bg && !job_control) {
    sigdelset(&def, SIGINT);
    sigdelset(&def, SIGQUIT);
  }
  flags |= POSIX_SPAWN_SETSIGDEF;
  posix_spawnattr_setsigdefault(&attr, &def);
  posix_spawnattr_setflags(&attr, flags);
  char **envp = var_environ(&pc->assigns);
  pid_t pid = 0;
  out_flush(1);
  /* Background jobs of a non-interactive shell ignore SIGINT and SIGQUIT (XCU 2.11). */
  struct sigaction ign, oint, oquit;
  if (bg && !job_control) {
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGINT, &ign, &oint);
    sigaction(SIGQUIT, &ign, &oquit);
  }
  int err = posix_spawn(&pid, pc->ci.path, &fa, &attr, pc->argv.v, envp);
  if (err == ENOEXEC && __tk_is_script(pc->ci.path)) {
    /* A script without #!: run it with the shell (XCU 2.9.1.1). */
    struct strlist a = {0};
    sl_add(&a, "sh");
    for (int i = 0; i < pc->argv.n; i++) sl_add(&a, i == 0 ? pc->ci.path : pc->argv.v[i]);
    sl_add(&a, NULL);
    err = posix_spawn(&pid, "/bin/sh", &fa, &attr, a.v, envp);
  }
  if (bg && !job_control) {
    sigaction(SIGINT, &oint, NULL);
    sigaction(SIGQUIT, &oquit, NULL);
  }
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (err) return -err;
  if (job_control && pgid >= 0) setpgid(pid, pgid ? pgid : pid);
  return pid;
}

int spawn_error_status(struct prepared *pc, int err) {
  not_found(pc, err);
  return err == ENOENT ? 127 : 126;
}

/*
 * posix_spawn of pc failed in the shell: say why where the command's stderr
 * would have gone (its redirections, as a forked child would have applied
 * them before exec: `cmd 2>/dev/null` is silent), and return its status.
 */
int spawn_failed(struct prepared *pc, int err) {
  struct rsave save = {0};
  int status = err == ENOENT ? 127 : 126;
  if (redir_apply(&pc->redirs, &save) == 0) not_found(pc, err);
  else status = 1; /* a redirection error, already reported */
  redir_restore(&save);
  return status;
}

/* In a child that will not return: replace the process. */
static void exec_external(struct prepared *pc) __attribute__((noreturn));
static void exec_external(struct prepared *pc) {
  if (redir_apply(&pc->redirs, NULL) < 0) exitshell(2);
  for (int i = 0; i < pc->assigns.n; i++) var_assign(pc->assigns.v[i], V_EXPORT);
  char **envp = var_environ(NULL);
  out_flush(1);
  trap_child_reset();
  execve(pc->ci.path, pc->argv.v, envp);
  int err = errno;
  if (err == ENOEXEC && __tk_is_script(pc->ci.path)) {
    struct strlist a = {0};
    sl_add(&a, "sh");
    for (int i = 0; i < pc->argv.n; i++) sl_add(&a, i == 0 ? pc->ci.path : pc->argv.v[i]);
    sl_add(&a, NULL);
    execve("/bin/sh", a.v, envp);
    err = errno;
  }
  exitshell(spawn_error_status(pc, err));
}

/* ---- running a prepared simple command in the shell ---- */
struct tempvar {
  char *name, *value;
  int flags, existed;
};

int run_in_shell(struct prepared *pc, int flags) {
  int argc = pc->argv.n;
  char **argv = pc->argv.v;
  struct rsave save = {0};
  int kind = pc->ci.kind;
  int status;
  /* Assignments: permanent before special builtins and alone, temporary otherwise. */
  int temp = kind == CMD_BUILTIN || kind == CMD_FUNCTION;
  struct tempvar *tv = temp && pc->assigns.n ? stalloc(sizeof *tv * (size_t)pc->assigns.n) : NULL;
  for (int i = 0; i < pc->assigns.n && !pc->assigned; i++) {
    if (temp) {
      const char *eq = strchr(pc->assigns.v[i], '=');
      tv[i].name = ststrndup(pc->assigns.v[i], (size_t)(eq - pc->assigns.v[i]));
      struct var *v = var_lookup(tv[i].name);
      tv[i].existed = v != NULL;
      tv[i].value = v && v->value ? ststrdup(v->value) : NULL;
      tv[i].flags = v ? v->flags : 0;
    }
    if (var_assign(pc->assigns.v[i], kind == CMD_FUNCTION ? V_EXPORT : 0) < 0) {
      if (kind == CMD_SPECIAL || kind == CMD_NONE) raise_error(2);
      status = 2;
      goto restore_vars;
    }
  }
  /* exec with no command: the redirections stay. */
  int permanent = kind == CMD_SPECIAL && pc->ci.builtin == B_EXEC &&
                  (argc == 1 || (argc == 2 && strcmp(argv[1], "--") == 0));
  if (redir_apply(&pc->redirs, permanent ? NULL : &save) < 0) {
    redir_restore(&save);
    status = 2;
    if (kind == CMD_SPECIAL) raise_error(2);
    goto restore_vars;
  }
  switch (kind) {
  case CMD_NONE:
    status = argc == 0 ? cmdsubst_status : 0;
    break;
  case CMD_SPECIAL:
  case CMD_BUILTIN:
    status = run_builtin(pc->ci.builtin, argc, argv);
    break;
  case CMD_FUNCTION:
    status = call_function(pc->ci.func, argc, argv);
    break;
  default:
    status = 0;
  }
  out_flush(1);
  redir_restore(&save);
restore_vars:
  for (int i = 0; tv && i < pc->assigns.n; i++) {
    struct var *v = var_lookup(tv[i].name);
    if (!v) continue;
    free(v->value);
    v->value = tv[i].value ? xstrdup(tv[i].value) : NULL;
    v->flags = tv[i].flags;
  }
  (void)flags;
  return status;
}

int run_simple(struct node *n, int flags) {
  struct stmark m;
  stmark(&m);
  struct prepared pc;
  int r = prepare(n, &pc);
  int status;
  if (r < 0) {
    status = r == -2 ? 2 : exitstatus ? exitstatus : 2;
    if (r == -2 && pc.argv.n > 0 && pc.ci.kind == CMD_SPECIAL) raise_error(2);
    streset(&m);
    exitstatus = status;
    return status;
  }
  if (pc.argv.n == 0 || pc.ci.kind != CMD_EXTERNAL) {
    if (pc.argv.n > 0 && pc.ci.kind == CMD_NONE) {
      status = spawn_failed(&pc, pc.ci.err);
      if (flags & EV_EXIT) exitshell(status);
    } else {
      status = run_in_shell(&pc, flags);
    }
  } else if ((flags & EV_EXIT) && !trap_ignored(-1)) {
    exec_external(&pc);
  } else {
    pid_t pid = spawn_external(&pc, -1, -1, 0, 0);
    if (pid < 0) {
      status = spawn_failed(&pc, (int)-pid);
    } else {
      struct job *j = job_new(1, NULL);
      j->pids[0] = pid;
      j->pgid = job_control ? pid : 0;
      if (job_control) j->cmd = node_text(n);
      status = job_wait(j);
    }
  }
  redir_release(&pc.redirs);
  streset(&m);
  exitstatus = status;
  return status;
}

/* `command NAME ARGS`: builtins and external commands, never functions. */
int run_command_argv(int argc, char **argv, const char *path) {
  struct prepared pc;
  memset(&pc, 0, sizeof pc);
  find_command(argv[0], &pc.ci, 0, path);
  if (pc.ci.kind == CMD_SPECIAL || pc.ci.kind == CMD_BUILTIN) return run_builtin(pc.ci.builtin, argc, argv);
  pc.argv.v = argv;
  pc.argv.n = argc;
  if (pc.ci.kind == CMD_NONE) return spawn_failed(&pc, pc.ci.err);
  pid_t pid = spawn_external(&pc, -1, -1, 0, 0);
  if (pid < 0) return spawn_failed(&pc, (int)-pid);
  struct job *j = job_new(1, NULL);
  j->pids[0] = pid;
  j->pgid = job_control ? pid : 0;
  return job_wait(j);
}

void child_init(void) {
  in_subshell = 1;
  redir_close_saved();
  opts[O_INTERACTIVE] = 0;
  trap_child_reset();
  jobs_init();
}
