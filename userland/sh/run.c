/*
 * Running commands: simple commands, pipelines, subshells, background jobs
 * and command substitution.
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

#include "sh.h"

extern char **environ;
int in_subshell;
pid_t rootpid;
pid_t lastbgpid = -1;
static int cmdsubst_status;

/* A simple command after expansion. */
struct prepared {
  struct strlist argv;     /* NULL-terminated */
  struct strlist assigns;  /* "NAME=value" */
  struct rplans redirs;
  struct cmdinfo ci;
  int ok;
  int assigned;            /* the assignments were made while expanding */
};

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
static int prepare(struct node *n, struct prepared *pc) {
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
  else sh_error("%s: %s", name, strerror(err));
}

/*
 * posix_spawn the external command of pc with stdin/stdout replaced by
 * in/out (-1: inherited), then its redirections. pgid: -1 no new group,
 * 0 a new group led by the child, else that group. Returns the pid or -errno.
 */
static pid_t spawn_external(struct prepared *pc, int in, int out, pid_t pgid, int bg) {
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
  if (err == ENOEXEC) {
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

static int spawn_error_status(struct prepared *pc, int err) {
  not_found(pc, err);
  return err == ENOENT ? 127 : 126;
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
  if (err == ENOEXEC) {
    struct strlist a = {0};
    sl_add(&a, "sh");
    for (int i = 0; i < pc->argv.n; i++) sl_add(&a, i == 0 ? pc->ci.path : pc->argv.v[i]);
    sl_add(&a, NULL);
    execve("/bin/sh", a.v, envp);
  }
  exitshell(spawn_error_status(pc, err));
}

/* ---- running a prepared simple command in the shell ---- */
struct tempvar {
  char *name, *value;
  int flags, existed;
};

static int run_in_shell(struct prepared *pc, int flags) {
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
      status = spawn_error_status(&pc, pc.ci.err);
      if (flags & EV_EXIT) exitshell(status);
    } else {
      status = run_in_shell(&pc, flags);
    }
  } else if ((flags & EV_EXIT) && !trap_ignored(-1)) {
    exec_external(&pc);
  } else {
    pid_t pid = spawn_external(&pc, -1, -1, 0, 0);
    if (pid < 0) {
      status = spawn_error_status(&pc, (int)-pid);
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

/* ---- fork ---- */
pid_t sh_fork(void) {
  out_flush(1);
  pid_t pid = fork();
  if (pid == 0) child_init();
  return pid;
}

/* A forked child runs one node and exits. */
static void child_run(struct node *n, int in, int out, pid_t pgid, int bg) __attribute__((noreturn));
static void child_run(struct node *n, int in, int out, pid_t pgid, int bg) {
  if (pgid >= 0 && job_control) setpgid(0, pgid);
  job_control = 0;
  if (bg && in < 0 && !(opts[O_MONITOR])) {
    int fd = open("/dev/null", O_RDONLY);
    if (fd >= 0 && fd != 0) {
      dup2(fd, 0);
      close(fd);
    }
  }
  if (in >= 0) {
    dup2(in, 0);
    close(in);
  }
  if (out >= 0) {
    dup2(out, 1);
    close(out);
  }
  eval(n, EV_EXIT);
  exitshell(exitstatus);
}

/* Run a prepared non-external command of a pipeline in a forked child. */
static void child_prepared(struct prepared *pc, int in, int out, pid_t pgid) __attribute__((noreturn));
static void child_prepared(struct prepared *pc, int in, int out, pid_t pgid) {
  if (pgid >= 0 && job_control) setpgid(0, pgid);
  job_control = 0;
  if (in >= 0) {
    dup2(in, 0);
    close(in);
  }
  if (out >= 0) {
    dup2(out, 1);
    close(out);
  }
  if (pc->argv.n > 0 && pc->ci.kind == CMD_NONE) exitshell(spawn_error_status(pc, pc->ci.err));
  int status = run_in_shell(pc, EV_EXIT);
  exitshell(status);
}

/* Start one element of a pipeline; returns its pid (or -1, status set). */
static pid_t start_element(struct node *c, int in, int out, pid_t pgid, int bg, int *status) {
  if (c->type == N_SIMPLE) {
    struct stmark m;
    stmark(&m);
    struct prepared pc;
    int r = prepare(c, &pc);
    pid_t pid;
    if (r < 0) {
      *status = r == -2 ? 2 : exitstatus ? exitstatus : 2;
      streset(&m);
      if (evalskip == SKIP_ERROR) evalskip = SKIP_NONE;
      return -1;
    }
    if (pc.argv.n > 0 && pc.ci.kind == CMD_EXTERNAL) {
      pid = spawn_external(&pc, in, out, pgid, bg);
      if (pid < 0) {
        *status = spawn_error_status(&pc, (int)-pid);
        pid = -1;
      }
    } else {
      pid = sh_fork();
      if (pid == 0) child_prepared(&pc, in, out, pgid);
      if (pid > 0 && job_control) setpgid(pid, pgid ? pgid : pid);
    }
    redir_release(&pc.redirs);
    streset(&m);
    return pid;
  }
  pid_t pid = sh_fork();
  if (pid == 0) child_run(c, in, out, pgid, bg);
  if (pid > 0 && job_control) setpgid(pid, pgid ? pgid : pid);
  return pid;
}

static int pipe_cloexec(int fds[2]) {
  if (pipe(fds) < 0) return -1;
  fds[0] = fd_move_high(fds[0]);
  fds[1] = fd_move_high(fds[1]);
  return 0;
}

int run_pipeline(struct node *n, int flags) {
  int bg = flags & EV_BG;
  struct job *j = job_new(n->ncmds, NULL);
  int prev = -1, status = 0;
  for (int i = 0; i < n->ncmds; i++) {
    int fds[2] = {-1, -1};
    if (i < n->ncmds - 1 && pipe_cloexec(fds) < 0) {
      sh_error("Pipe call failed");
      status = 2;
      break;
    }
    int st = 0;
    pid_t pid = start_element(n->cmds[i], prev, fds[1], job_control ? j->pgid : -1, bg, &st);
    if (prev >= 0) close(prev);
    if (fds[1] >= 0) close(fds[1]);
    prev = fds[0];
    j->pids[i] = pid;
    if (pid < 0) j->status[i] = st << 8;
    else if (j->pgid == 0) {
      j->pgid = pid;
      /* Hand over the terminal early, before the rest of the pipeline starts. */
      if (job_control && !bg && tty_fd >= 0) tcsetpgrp(tty_fd, pid);
    }
  }
  if (prev >= 0) close(prev);
  if (job_control || bg) j->cmd = node_text(n);
  if (bg) {
    j->bg = 1;
    lastbgpid = j->pids[n->ncmds - 1];
    job_set_current(j);
    return 0;
  }
  status = job_wait(j);
  exitstatus = status;
  return status;
}

int run_subshell(struct node *n, int flags) {
  if (flags & EV_EXIT) {
    /* Already in a child that ends after this: no need for another process. */
    struct stmark m;
    stmark(&m);
    struct rplans p = {0};
    if (redir_prepare(n->redirs, &p) < 0 || redir_apply(&p, NULL) < 0) exitshell(2);
    eval(n->a, EV_EXIT);
    exitshell(exitstatus);
  }
  struct stmark m;
  stmark(&m);
  struct rplans p = {0};
  lineno = n->lineno;
  if (redir_prepare(n->redirs, &p) < 0) {
    redir_release(&p);
    streset(&m);
    return exitstatus = 2;
  }
  struct job *j = job_new(1, NULL);
  pid_t pid = sh_fork();
  if (pid == 0) {
    if (job_control) setpgid(0, 0);
    job_control = 0;
    if (redir_apply(&p, NULL) < 0) exitshell(2);
    eval(n->a, EV_EXIT);
    exitshell(exitstatus);
  }
  redir_release(&p);
  streset(&m);
  if (pid < 0) {
    sh_error("Cannot fork");
    job_free(j);
    return exitstatus = 2;
  }
  if (job_control) setpgid(pid, pid);
  j->pids[0] = pid;
  j->pgid = pid;
  if (job_control) j->cmd = node_text(n);
  int status = job_wait(j);
  exitstatus = status;
  return status;
}

int run_background(struct node *n) {
  if (n->type == N_PIPE) return exitstatus = run_pipeline(n, EV_BG);
  struct job *j = job_new(1, NULL);
  int st = 0;
  pid_t pid = start_element(n, -1, -1, job_control ? 0 : -1, 1, &st);
  if (pid < 0) {
    job_free(j);
    return exitstatus = 0;
  }
  j->pids[0] = pid;
  j->pgid = pid;
  j->bg = 1;
  j->cmd = node_text(n);
  lastbgpid = pid;
  job_set_current(j);
  return exitstatus = 0;
}

/* ---- command substitution ---- */
static int words_have_side_effects(struct wpart *p) {
  for (; p; p = p->next) {
    if (p->type == WP_ARITH || p->type == WP_CMD) return 1;
    if (p->type == WP_PARAM && (p->op == PO_EQ || p->op == PO_QMARK)) return 1;
    if ((p->type == WP_DQ || p->type == WP_PARAM) && words_have_side_effects(p->child)) return 1;
  }
  return 0;
}

static int simple_is_plain(struct node *n) {
  if (n->type != N_SIMPLE || n->assigns) return 0;
  for (struct word *w = n->args; w; w = w->next)
    if (words_have_side_effects(w->parts)) return 0;
  for (struct redir *r = n->redirs; r; r = r->next)
    if (r->type == R_HEREDOC || (r->target && words_have_side_effects(r->target->parts))) return 0;
  return 1;
}

static void read_all(int fd, struct str *out) {
  char buf[4096];
  for (;;) {
    ssize_t r = read(fd, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    str_addn(out, buf, (size_t)r);
  }
}

/* Fast paths: an output-only builtin runs in the shell; externals are spawned. */
static int cmdsubst_fast(struct node *n, struct str *out) {
  struct node **cmds = n->type == N_PIPE ? n->cmds : &n;
  int ncmds = n->type == N_PIPE ? n->ncmds : 1;
  for (int i = 0; i < ncmds; i++)
    if (!simple_is_plain(cmds[i])) return 0;
  struct stmark m;
  stmark(&m);
  if (ncmds == 1) {
    struct prepared pc;
    /* Look before expanding: only builtins that just write, or externals. */
    struct word *w0 = cmds[0]->args;
    if (!w0) {
      streset(&m);
      return 0;
    }
    if (w0->parts && !w0->parts->next && w0->parts->type == WP_LIT) {
      struct cmdinfo ci;
      find_command(w0->parts->text, &ci, 1, NULL);
      if (ci.kind == CMD_FUNCTION || ci.kind == CMD_NONE ||
          ((ci.kind == CMD_BUILTIN || ci.kind == CMD_SPECIAL) && !builtin_pure(ci.builtin))) {
        streset(&m);
        return 0;
      }
    }
    int r = prepare(cmds[0], &pc);
    if (r < 0) {
      streset(&m);
      cmdsubst_status = r == -2 ? 2 : exitstatus;
      return 1;
    }
    /* (Not with redirections: the capture stands in for fd 1 whatever it points to.) */
    if (pc.argv.n > 0 && (pc.ci.kind == CMD_BUILTIN || pc.ci.kind == CMD_SPECIAL) && builtin_pure(pc.ci.builtin) &&
        !cmds[0]->redirs) {
      struct rsave save = {0};
      out_capture_begin(out);
      int status = 2;
      if (redir_apply(&pc.redirs, &save) == 0) status = run_builtin(pc.ci.builtin, pc.argv.n, pc.argv.v);
      out_capture_end();
      redir_restore(&save);
      redir_release(&pc.redirs);
      streset(&m);
      cmdsubst_status = status;
      return 1;
    }
    if (pc.argv.n == 0 || pc.ci.kind != CMD_EXTERNAL) {
      /* A function, a builtin with effects, or nothing to run: fork after all.
       * The words had no side effects, so expanding them again is harmless. */
      redir_release(&pc.redirs);
      streset(&m);
      return 0;
    }
    int fds[2];
    if (pipe_cloexec(fds) < 0) {
      redir_release(&pc.redirs);
      streset(&m);
      return 0;
    }
    int saved_jc = job_control;
    job_control = 0;
    pid_t pid = spawn_external(&pc, -1, fds[1], -1, 0);
    job_control = saved_jc;
    close(fds[1]);
    if (pid < 0) {
      close(fds[0]);
      cmdsubst_status = spawn_error_status(&pc, (int)-pid);
    } else {
      read_all(fds[0], out);
      close(fds[0]);
      struct job *j = job_new(1, NULL);
      j->pids[0] = pid;
      cmdsubst_status = job_wait(j);
    }
    redir_release(&pc.redirs);
    streset(&m);
    return 1;
  }
  /* All externals? (Checked by name before expanding anything twice.) */
  for (int i = 0; i < ncmds; i++) {
    struct word *w = cmds[i]->args;
    if (!w || !w->parts || w->parts->next || w->parts->type != WP_LIT) return 0;
    struct cmdinfo ci;
    find_command(w->parts->text, &ci, 1, NULL);
    if (ci.kind != CMD_EXTERNAL) {
      streset(&m);
      return 0;
    }
  }
  streset(&m);
  int fds[2];
  if (pipe_cloexec(fds) < 0) return 0;
  int saved_jc = job_control;
  job_control = 0;
  struct job *j = job_new(ncmds, NULL);
  int prev = -1;
  for (int i = 0; i < ncmds; i++) {
    int p[2] = {-1, -1};
    if (i < ncmds - 1 && pipe_cloexec(p) < 0) break;
    int st = 0;
    pid_t pid = start_element(cmds[i], prev, i == ncmds - 1 ? fds[1] : p[1], -1, 0, &st);
    if (prev >= 0) close(prev);
    if (p[1] >= 0) close(p[1]);
    prev = p[0];
    j->pids[i] = pid;
    if (pid < 0) j->status[i] = st << 8;
  }
  job_control = saved_jc;
  close(fds[1]);
  read_all(fds[0], out);
  close(fds[0]);
  cmdsubst_status = job_wait(j);
  return 1;
}

static char *cmdsubst_take(struct str *out) {
  /* NUL bytes cannot live in a shell word: drop them, as dash does. */
  size_t k = 0;
  for (size_t i = 0; i < out->len; i++)
    if (out->s[i]) out->s[k++] = out->s[i];
  if (out->s) out->s[k] = 0;
  out->len = k;
  return str_take(out);
}

char *cmdsubst_output(struct node *n) {
  struct str out;
  str_init(&out);
  if (!n) {
    cmdsubst_status = 0;
    return cmdsubst_take(&out);
  }
  int saved_line = lineno;
  if (!n->redirs && cmdsubst_fast(n, &out)) {
    lineno = saved_line;
    return cmdsubst_take(&out);
  }
  int fds[2];
  if (pipe_cloexec(fds) < 0) {
    sh_error("Pipe call failed");
    return cmdsubst_take(&out);
  }
  pid_t pid = sh_fork();
  if (pid == 0) {
    close(fds[0]);
    job_control = 0;
    dup2(fds[1], 1);
    close(fds[1]);
    eval(n, EV_EXIT);
    exitshell(exitstatus);
  }
  close(fds[1]);
  if (pid < 0) {
    close(fds[0]);
    sh_error("Cannot fork");
    return cmdsubst_take(&out);
  }
  read_all(fds[0], &out);
  close(fds[0]);
  struct job *j = job_new(1, NULL);
  j->pids[0] = pid;
  int saved_jc = job_control;
  job_control = 0;
  cmdsubst_status = job_wait(j);
  job_control = saved_jc;
  lineno = saved_line;
  return cmdsubst_take(&out);
}

void child_init(void) {
  in_subshell = 1;
  opts[O_INTERACTIVE] = 0;
  trap_child_reset();
  jobs_init();
}

/* `command NAME ARGS`: builtins and external commands, never functions. */
int run_command_argv(int argc, char **argv, const char *path) {
  struct prepared pc;
  memset(&pc, 0, sizeof pc);
  find_command(argv[0], &pc.ci, 0, path);
  if (pc.ci.kind == CMD_SPECIAL || pc.ci.kind == CMD_BUILTIN) return run_builtin(pc.ci.builtin, argc, argv);
  pc.argv.v = argv;
  pc.argv.n = argc;
  if (pc.ci.kind == CMD_NONE) return spawn_error_status(&pc, pc.ci.err);
  pid_t pid = spawn_external(&pc, -1, -1, 0, 0);
  if (pid < 0) return spawn_error_status(&pc, (int)-pid);
  struct job *j = job_new(1, NULL);
  j->pids[0] = pid;
  j->pgid = job_control ? pid : 0;
  return job_wait(j);
}
