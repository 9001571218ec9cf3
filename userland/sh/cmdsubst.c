/*
 * Command substitution, $( ) and backquotes. The output is read from a pipe
 * (or captured in memory) and returned whole; run.c's callers strip trailing
 * newlines. Three ways, cheapest first:
 *  - echo/printf/test/pwd/true/false/: without redirections run in the shell,
 *    their fd 1 output captured (out.c);
 *  - a simple command or pipeline of external commands is spawned;
 *  - anything else forks, and the child runs the tree with fd 1 on the pipe.
 * Words with side effects (${x=…}, $(( )), a nested $( )) always fork, so
 * they cannot leak into the shell.
 * Spec: POSIX XCU 2.6.3 Command Substitution.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

/* ---- command substitution ---- */
static int simple_is_plain(struct node *n) {
  if (n->type != N_SIMPLE || n->assigns || simple_affects_shell(n, 1)) return 0;
  for (struct redir *r = n->redirs; r; r = r->next)
    if (r->type == R_HEREDOC) return 0;
  return 1;
}

static void read_all(int fd, struct str *out) {
  char buf[1024]; /* small: this can run deep in a recursion */
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
      cmdsubst_status = spawn_failed(&pc, (int)-pid);
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
    pid_t pid = start_element(cmds[i], prev, i == ncmds - 1 ? fds[1] : p[1], i == ncmds - 1 ? fds[0] : p[0], -1, 0, &st);
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

