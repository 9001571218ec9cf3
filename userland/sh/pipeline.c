/*
 * Pipelines, subshells and background jobs: everything that may start
 * several processes or must fork. Each element of a pipeline is spawned when
 * it is an external command and forked otherwise (run.c prepares it); with
 * job control a pipeline is a process group led by its first process, and
 * the terminal is handed to it at once.
 * Spec: POSIX XCU 2.9.2 Pipelines, 2.9.3 Lists (asynchronous lists), 2.12 Shell Execution Environment.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

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
  if (pc->argv.n > 0 && pc->ci.kind == CMD_NONE) exitshell(spawn_failed(pc, pc->ci.err));
  int status = run_in_shell(pc, EV_EXIT);
  exitshell(status);
}

/* Start one element of a pipeline; returns its pid (or -1, status set). */
pid_t start_element(struct node *c, int in, int out, int spare, pid_t pgid, int bg, int *status) {
  /* Expanded here, unless the expansion itself must happen in the child
   * (echo ${x=1} | cat leaves x unset in the shell). */
  if (c->type == N_SIMPLE && !simple_affects_shell(c, 0)) {
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
        *status = spawn_failed(&pc, (int)-pid);
        pid = -1;
      }
    } else {
      pid = sh_fork();
      if (pid == 0) {
        if (spare >= 0) close(spare);
        child_prepared(&pc, in, out, pgid);
      }
      if (pid > 0 && job_control) setpgid(pid, pgid ? pgid : pid);
    }
    redir_release(&pc.redirs);
    streset(&m);
    return pid;
  }
  pid_t pid = sh_fork();
  if (pid == 0) {
    if (spare >= 0) close(spare);
    child_run(c, in, out, pgid, bg);
  }
  if (pid > 0 && job_control) setpgid(pid, pgid ? pgid : pid);
  return pid;
}

int pipe_cloexec(int fds[2]) {
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
    pid_t pid = start_element(n->cmds[i], prev, fds[1], fds[0], job_control ? j->pgid : -1, bg, &st);
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
  pid_t pid = start_element(n, -1, -1, -1, job_control ? 0 : -1, 1, &st);
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

