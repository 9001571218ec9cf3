/*
 * The job table: one job per pipeline (or lone command) the shell started,
 * each in its own process group when job control is on (interactive, or
 * set -m). Foreground jobs are waited for right away and freed; background
 * jobs stay until `wait` collects them or `jobs` has reported them done.
 * With job control the terminal's foreground group is handed to the job
 * while it runs and taken back afterwards; a stopped job (WUNTRACED) stays
 * in the table for fg/bg.
 * Spec: POSIX XCU 2.11 Signals and Error Handling, 2.9.3 Lists (asynchronous), wait, jobs, fg, bg.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sh.h"

#define MAXJOBS 256
static struct job *jobs[MAXJOBS];
int job_control;
int wait_interruptible;
pid_t shell_pgid;
int tty_fd = -1;
static int current_job, previous_job;

struct job *job_new(int nprocs, const char *cmd) {
  struct job *j = xmalloc(sizeof *j);
  memset(j, 0, sizeof *j);
  j->nprocs = nprocs;
  j->pids = xmalloc(sizeof *j->pids * (size_t)nprocs);
  j->status = xmalloc(sizeof *j->status * (size_t)nprocs);
  for (int i = 0; i < nprocs; i++) {
    j->pids[i] = -1;
    j->status[i] = -1;
  }
  j->cmd = cmd ? xstrdup(cmd) : NULL;
  int id = 0;
  for (int i = 1; i < MAXJOBS; i++)
    if (!jobs[i]) {
      id = i;
      break;
    }
  if (!id) {
    /* Table full (many & in one long loop): collect finished jobs, forget the oldest. */
    jobs_reap(0);
    for (int i = 1; i < MAXJOBS; i++)
      if (jobs[i]->state == JOB_DONE) {
        job_free(jobs[i]);
        id = i;
        break;
      }
  }
  j->id = id;
  if (id) jobs[id] = j;
  return j;
}

/* Background processes already collected, for a later `wait PID` (dash answers those too). */
static struct {
  pid_t pid;
  int status;
} reaped[32];
static int nreaped;

static void remember(struct job *j) {
  for (int i = 0; i < j->nprocs; i++) {
    if (j->pids[i] <= 0 || j->status[i] == -1 || WIFSTOPPED(j->status[i])) continue;
    reaped[nreaped % 32].pid = j->pids[i];
    reaped[nreaped % 32].status = j->status[i];
    nreaped++;
  }
}

void job_free(struct job *j) {
  if (!j) return;
  if (j->bg) remember(j);
  if (j->id && jobs[j->id] == j) jobs[j->id] = NULL;
  if (current_job == j->id) current_job = previous_job, previous_job = 0;
  if (previous_job == j->id) previous_job = 0;
  free(j->pids);
  free(j->status);
  free(j->cmd);
  free(j);
}

/*
 * set -m: job control needs the terminal (stderr, else stdin). The shell leads
 * its own process group and takes the terminal's foreground.
 */
void jobs_enable(int on) {
  if (!on) {
    job_control = 0;
    return;
  }
  if (tty_fd < 0) {
    int src = isatty(2) ? 2 : isatty(0) ? 0 : -1;
    if (src >= 0) tty_fd = fcntl(src, F_DUPFD, 10);
    if (tty_fd >= 0) fcntl(tty_fd, F_SETFD, FD_CLOEXEC);
  }
  if (tty_fd < 0) {
    job_control = 0;
    return;
  }
  shell_pgid = getpid();
  if (getpgrp() != shell_pgid) setpgid(0, shell_pgid);
  tcsetpgrp(tty_fd, shell_pgid);
  job_control = 1;
}

/* A job just went to the background: it becomes the current job (%+). */
void job_set_current(struct job *j) {
  if (current_job == j->id) return;
  previous_job = current_job;
  current_job = j->id;
}

void jobs_init(void) {
  for (int i = 0; i < MAXJOBS; i++) {
    if (!jobs[i]) continue;
    free(jobs[i]->pids);
    free(jobs[i]->status);
    free(jobs[i]->cmd);
    free(jobs[i]);
    jobs[i] = NULL;
  }
  current_job = previous_job = 0;
  nreaped = 0;
}

int status_to_exit(int st) {
  if (WIFEXITED(st)) return WEXITSTATUS(st);
  if (WIFSTOPPED(st)) return 128 + WSTOPSIG(st);
  if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
  return st >> 8;
}

static void job_update_state(struct job *j) {
  int running = 0, stopped = 0;
  for (int i = 0; i < j->nprocs; i++) {
    if (j->pids[i] < 0) continue;
    if (j->status[i] == -1) running++;
    else if (WIFSTOPPED(j->status[i])) stopped++;
  }
  j->state = running ? JOB_RUNNING : stopped ? JOB_STOPPED : JOB_DONE;
}

static struct job *job_of_pid(pid_t pid, int *idx) {
  for (int i = 1; i < MAXJOBS; i++) {
    struct job *j = jobs[i];
    if (!j) continue;
    for (int k = 0; k < j->nprocs; k++)
      if (j->pids[k] == pid) {
        *idx = k;
        return j;
      }
  }
  return NULL;
}

static int job_status(struct job *j) {
  int st = j->status[j->nprocs - 1];
  if (st == -1) return 0;
  return status_to_exit(st);
}

static void set_foreground(pid_t pgid) {
  if (job_control && tty_fd >= 0 && pgid > 0) tcsetpgrp(tty_fd, pgid);
}

/* Wait until every process of j has ended (or one stopped). Frees j unless it stays listed. */
int job_wait(struct job *j) {
  int ttin_retries = 0;
  if (job_control && !j->bg) set_foreground(j->pgid);
  for (int i = 0; i < j->nprocs; i++) {
    while (j->pids[i] > 0 && j->status[i] == -1) {
      int st;
      pid_t r = waitpid(j->pids[i], &st, job_control ? WUNTRACED : 0);
      if (r < 0) {
        if (errno == EINTR) {
          /* The wait builtin returns at once when a trapped signal arrives
           * (XCU wait); a foreground job is waited for, its traps run after. */
          if (wait_interruptible && pending_signals) return 128 + last_signal;
          continue;
        }
        j->status[i] = 0;
        break;
      }
      /* Started before the terminal was handed to its group (spawn cannot do
       * that in the child): stopped by SIGTTIN/SIGTTOU; continue it. */
      if (WIFSTOPPED(st) && job_control && !j->bg && ttin_retries++ < 8 &&
          (WSTOPSIG(st) == SIGTTIN || WSTOPSIG(st) == SIGTTOU)) {
        kill(j->pids[i], SIGCONT);
        continue;
      }
      j->status[i] = st;
      if (WIFSTOPPED(st)) break;
    }
  }
  if (job_control && !j->bg) set_foreground(shell_pgid);
  job_update_state(j);
  int status = job_status(j);
  if (j->state == JOB_STOPPED) {
    j->bg = 1;
    previous_job = current_job;
    current_job = j->id;
    out_fmt(2, "[%d] + %-27s%s\n", j->id, "Stopped", j->cmd ? j->cmd : "");
    for (int i = 0; i < j->nprocs; i++)
      if (j->status[i] != -1 && WIFSTOPPED(j->status[i])) return 128 + WSTOPSIG(j->status[i]);
    return 128 + SIGTSTP;
  }
  if (j->status[j->nprocs - 1] != -1 && WIFSIGNALED(j->status[j->nprocs - 1])) {
    /* Like dash: say how a job died, except by SIGINT or SIGPIPE. */
    int sig = WTERMSIG(j->status[j->nprocs - 1]);
    if (sig != SIGINT && sig != SIGPIPE) out_fmt(2, "%s\n", sig_description(sig));
    else if (sig == SIGINT && opts[O_INTERACTIVE]) out_str(2, "\n");
  }
  job_free(j);
  return status;
}

/* "Running", "Stopped", "Done", "Done(3)", "Terminated" … as dash words it. */
static const char *job_state_text(struct job *j, char *buf, size_t size) {
  if (j->state == JOB_RUNNING) return "Running";
  if (j->state == JOB_STOPPED) return "Stopped";
  int st = j->status[j->nprocs - 1];
  if (st != -1 && WIFSIGNALED(st)) return sig_description(WTERMSIG(st));
  if (st != -1 && WEXITSTATUS(st)) {
    snprintf(buf, size, "Done(%d)", WEXITSTATUS(st));
    return buf;
  }
  return "Done";
}

/* Collect finished background processes without blocking. */
void jobs_reap(int verbose) {
  int any = 0;
  for (int i = 1; i < MAXJOBS; i++)
    if (jobs[i] && jobs[i]->state != JOB_DONE) any = 1;
  if (!any) return;
  for (;;) {
    int st;
    pid_t pid = waitpid(-1, &st, WNOHANG | (job_control ? WUNTRACED : 0));
    if (pid <= 0) break;
    int idx;
    struct job *j = job_of_pid(pid, &idx);
    if (!j) continue;
    j->status[idx] = st;
    job_update_state(j);
  }
  if (!verbose) return;
  for (int i = 1; i < MAXJOBS; i++) {
    struct job *j = jobs[i];
    if (j && j->state == JOB_DONE && j->bg) {
      char mark = i == current_job ? '+' : i == previous_job ? '-' : ' ';
      char buf[32];
      out_fmt(2, "[%d] %c %-27s%s\n", j->id, mark, job_state_text(j, buf, sizeof buf), j->cmd ? j->cmd : "");
      job_free(j);
    }
  }
}

struct job *job_find(const char *spec) {
  if (spec[0] != '%') {
    pid_t pid = (pid_t)atoi(spec);
    int idx;
    return job_of_pid(pid, &idx);
  }
  spec++;
  if (!*spec || strcmp(spec, "%") == 0 || strcmp(spec, "+") == 0) {
    if (current_job && jobs[current_job]) return jobs[current_job];
    for (int i = MAXJOBS - 1; i > 0; i--)
      if (jobs[i] && jobs[i]->bg) return jobs[i];
    return NULL;
  }
  if (strcmp(spec, "-") == 0) return previous_job ? jobs[previous_job] : NULL;
  if (spec[0] >= '0' && spec[0] <= '9') {
    int n = atoi(spec);
    return n > 0 && n < MAXJOBS ? jobs[n] : NULL;
  }
  for (int i = 1; i < MAXJOBS; i++) {
    struct job *j = jobs[i];
    if (!j || !j->cmd) continue;
    if (spec[0] == '?' ? strstr(j->cmd, spec + 1) != NULL : strncmp(j->cmd, spec, strlen(spec)) == 0) return j;
  }
  return NULL;
}

int jobs_list(int fd, int argc, char **argv) {
  int pids_only = 0, first = 1;
  for (; first < argc && argv[first][0] == '-'; first++) {
    if (strcmp(argv[first], "-p") == 0) pids_only = 1;
    else if (strcmp(argv[first], "-l") == 0) continue;
    else if (strcmp(argv[first], "--") == 0) {
      first++;
      break;
    }
  }
  jobs_reap(0);
  for (int i = 1; i < MAXJOBS; i++) {
    struct job *j = jobs[i];
    if (!j || !j->bg) continue;
    if (pids_only) {
      out_fmt(fd, "%d\n", (int)j->pgid);
      continue;
    }
    char mark = i == current_job ? '+' : i == previous_job ? '-' : ' ';
    char st[32];
    const char *state = job_state_text(j, st, sizeof st);
    out_fmt(fd, "[%d] %c %-27s%s\n", j->id, mark, state, j->cmd ? j->cmd : "");
    if (j->state == JOB_DONE) job_free(j);
  }
  return 0;
}

/* wait with no operands: every background job; $? is 0. */
int wait_builtin_all(void) {
  for (int i = 1; i < MAXJOBS; i++) {
    struct job *j = jobs[i];
    if (!j || !j->bg) continue;
    j->bg = 1;
    int saved = job_control;
    job_control = 0;
    int st = job_wait(j);
    job_control = saved;
    if (wait_interruptible && pending_signals && st > 128) return st;
  }
  return 0;
}

/* wait PID: its status, or 127 if it is not a child we know. */
int wait_pid_status(pid_t pid, int *found) {
  int idx;
  struct job *j = job_of_pid(pid, &idx);
  *found = j != NULL;
  if (!j) {
    for (int i = 0; i < 32 && i < nreaped; i++)
      if (reaped[i].pid == pid) {
        *found = 1;
        return status_to_exit(reaped[i].status);
      }
    return 127;
  }
  while (j->status[idx] == -1) {
    int st;
    pid_t r = waitpid(pid, &st, 0);
    if (r < 0) {
      if (errno == EINTR) {
        if (wait_interruptible && pending_signals) return 128 + last_signal;
        continue;
      }
      j->status[idx] = 0;
      break;
    }
    j->status[idx] = st;
  }
  int status = status_to_exit(j->status[idx]);
  if (WIFSIGNALED(j->status[idx]) && WTERMSIG(j->status[idx]) != SIGINT && WTERMSIG(j->status[idx]) != SIGPIPE)
    out_fmt(2, "%s\n", sig_description(WTERMSIG(j->status[idx])));
  job_update_state(j);
  if (j->state == JOB_DONE) job_free(j);
  return status;
}

int job_foreground(struct job *j, int cont) {
  if (j->cmd) out_fmt(1, "%s\n", j->cmd);
  out_flush(1);
  for (int i = 0; i < j->nprocs; i++)
    if (j->status[i] != -1 && WIFSTOPPED(j->status[i])) j->status[i] = -1;
  j->bg = 0;
  j->state = JOB_RUNNING;
  set_foreground(j->pgid);
  if (cont) kill(-j->pgid, SIGCONT);
  return job_wait(j);
}

int job_background(struct job *j) {
  for (int i = 0; i < j->nprocs; i++)
    if (j->status[i] != -1 && WIFSTOPPED(j->status[i])) j->status[i] = -1;
  j->state = JOB_RUNNING;
  j->bg = 1;
  out_fmt(1, "[%d] %s\n", j->id, j->cmd ? j->cmd : "");
  kill(-j->pgid, SIGCONT);
  return 0;
}
