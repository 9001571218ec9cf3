/*
 * Signals and traps. A caught signal only sets a bit (the handler runs
 * between syscalls and must not touch the shell's state); the trap's command
 * runs between commands (eval.c) or when a wait is interrupted (jobs.c).
 * Ignored signals stay ignored in children; caught ones are reset to default
 * by exec, and in a forked subshell by trap_child_reset.
 * SIGINT in a non-interactive shell (sh -c, a script) is caught too, as dash
 * does: a Ctrl-C reaches the foreground job and the shell alike; the shell
 * waits for the job to end (make cleans up) and only then dies by SIGINT,
 * between commands (trap_run_pending), without running the EXIT trap.
 * Spec: POSIX XCU trap, 2.11 Signals and Error Handling.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sh.h"

#ifndef NSIG
#define NSIG 32
#endif

static const char *const names[] = {
    "EXIT", "HUP",  "INT",  "QUIT", "ILL",  "TRAP",   "ABRT",  "BUS",  "FPE",  "KILL", "USR1",
    "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD",  "CONT", "STOP", "TSTP", "TTIN",
    "TTOU", "URG",  "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO",   "PWR",  "SYS",
};
#define NNAMES ((int)(sizeof names / sizeof names[0]))

volatile int pending_signals;
volatile int last_signal;
static volatile int pending[NSIG + 1];
static char *traps[NSIG + 1]; /* NULL: default; "": ignore */
static int in_trap;
/* A non-interactive shell that catches SIGINT only to die by it after its foreground job. */
static int defer_sigint;

/* Names by the platform's numbers (tabkernel's match Linux's up to SIGTERM). */
static int sig_of_index(int i) {
  switch (i) {
  case 0: return 0;
  case 1: return SIGHUP;
  case 2: return SIGINT;
  case 3: return SIGQUIT;
  case 4: return SIGILL;
  case 5: return SIGTRAP;
  case 6: return SIGABRT;
  case 7: return SIGBUS;
  case 8: return SIGFPE;
  case 9: return SIGKILL;
  case 10: return SIGUSR1;
  case 11: return SIGSEGV;
  case 12: return SIGUSR2;
  case 13: return SIGPIPE;
  case 14: return SIGALRM;
  case 15: return SIGTERM;
  case 17: return SIGCHLD;
  case 18: return SIGCONT;
  case 19: return SIGSTOP;
  case 20: return SIGTSTP;
  case 21: return SIGTTIN;
  case 22: return SIGTTOU;
  case 23: return SIGURG;
  case 24: return SIGXCPU;
  case 25: return SIGXFSZ;
  case 26: return SIGVTALRM;
  case 27: return SIGPROF;
  case 28: return SIGWINCH;
  case 31: return SIGSYS;
  }
  return -1;
}

const char *sig_name(int sig) {
  for (int i = 0; i < NNAMES; i++)
    if (sig_of_index(i) == sig) return names[i];
  return NULL;
}

const char *sig_description(int sig) {
  static char buf[32];
  switch (sig) {
  case SIGHUP: return "Hangup";
  case SIGQUIT: return "Quit";
  case SIGILL: return "Illegal instruction";
  case SIGTRAP: return "Trace/breakpoint trap";
  case SIGABRT: return "Aborted";
  case SIGBUS: return "Bus error";
  case SIGFPE: return "Floating point exception";
  case SIGKILL: return "Killed";
  case SIGUSR1: return "User defined signal 1";
  case SIGSEGV: return "Segmentation fault";
  case SIGUSR2: return "User defined signal 2";
  case SIGALRM: return "Alarm clock";
  case SIGTERM: return "Terminated";
  case SIGXCPU: return "CPU time limit exceeded";
  case SIGXFSZ: return "File size limit exceeded";
  case SIGVTALRM: return "Virtual timer expired";
  case SIGPROF: return "Profiling timer expired";
  case SIGSYS: return "Bad system call";
  }
  snprintf(buf, sizeof buf, "Signal %d", sig);
  return buf;
}

int sig_number(const char *name) {
  if (name[0] >= '0' && name[0] <= '9') {
    char *end;
    long n = strtol(name, &end, 10);
    if (*end || n < 0 || n > NSIG) return -1;
    return (int)n;
  }
  if (strncasecmp(name, "SIG", 3) == 0) name += 3;
  for (int i = 0; i < NNAMES; i++)
    if (strcasecmp(name, names[i]) == 0) return sig_of_index(i);
  return -1;
}

static void onsig(int sig) {
  if (sig > 0 && sig <= NSIG) pending[sig] = 1;
  last_signal = sig;
  pending_signals = 1;
}

static void set_handler(int sig, const char *action) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  if (!action) sa.sa_handler = SIG_DFL;
  else if (!*action) sa.sa_handler = SIG_IGN;
  else sa.sa_handler = onsig;
  sigaction(sig, &sa, NULL);
}

static int interactive_ignores(int sig) {
  if (!opts[O_INTERACTIVE]) return 0;
  if (sig == SIGQUIT || sig == SIGTERM) return 1;
  if (job_control && (sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU)) return 1;
  return 0;
}

/* Signals ignored when a non-interactive shell starts cannot be trapped (XCU trap). */
static char ignored_on_entry[NSIG + 1];

void trap_init(void) {
  for (int sig = 1; sig <= NSIG; sig++) {
    struct sigaction old;
    if (sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN) ignored_on_entry[sig] = 1;
  }
  if (!opts[O_INTERACTIVE]) {
    if (!ignored_on_entry[SIGINT]) {
      defer_sigint = 1;
      set_handler(SIGINT, "deferred");
    }
    return;
  }
  set_handler(SIGINT, "interactive");
  set_handler(SIGQUIT, "");
  set_handler(SIGTERM, "");
  if (job_control) {
    set_handler(SIGTSTP, "");
    set_handler(SIGTTIN, "");
    set_handler(SIGTTOU, "");
  }
}

/* Was SIGINT caught (and not trapped)? Clears it. */
int trap_take_sigint(void) {
  if (!pending[SIGINT] || (traps[SIGINT] && *traps[SIGINT])) return 0;
  pending[SIGINT] = 0;
  return 1;
}

/* A SIGINT a non-interactive shell deferred: die by it now, as dash does. */
static void die_by_deferred_sigint(void) {
  if (!defer_sigint || opts[O_INTERACTIVE] || !pending[SIGINT] || traps[SIGINT]) return;
  out_flush_all();
  set_handler(SIGINT, NULL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigprocmask(SIG_UNBLOCK, &set, NULL);
  raise(SIGINT);
}

void trap_run_pending(void) {
  if (in_trap) return;
  die_by_deferred_sigint();
  pending_signals = 0;
  for (int sig = 1; sig <= NSIG; sig++) {
    if (!pending[sig]) continue;
    pending[sig] = 0;
    if (!traps[sig] || !*traps[sig]) continue;
    int saved = exitstatus;
    int saved_skip = evalskip;
    in_trap = 1;
    char *cmd = xstrdup(traps[sig]);
    evalskip = 0;
    eval_string(cmd, 0);
    free(cmd);
    in_trap = 0;
    if (evalskip != SKIP_EXIT && evalskip != SKIP_ERROR) evalskip = saved_skip;
    exitstatus = saved;
  }
}

void trap_run_exit(void) {
  char *cmd = traps[0];
  if (!cmd || !*cmd) return;
  traps[0] = NULL;
  evalskip = 0;
  eval_string(cmd, 0);
  free(cmd);
}

/* In a forked subshell: caught signals go back to default, ignored stay ignored. */
void trap_child_reset(void) {
  for (int sig = 0; sig <= NSIG; sig++) {
    if (traps[sig] && *traps[sig]) {
      free(traps[sig]);
      traps[sig] = NULL;
      if (sig) set_handler(sig, NULL);
    }
    pending[sig] = 0;
  }
  pending_signals = 0;
  if (opts[O_INTERACTIVE]) {
    set_handler(SIGINT, NULL);
    set_handler(SIGQUIT, NULL);
    set_handler(SIGTERM, NULL);
    set_handler(SIGTSTP, NULL);
    set_handler(SIGTTIN, NULL);
    set_handler(SIGTTOU, NULL);
  }
}

/* sig >= 0: is it ignored by a trap? sig -1: is any trap action set? */
int trap_ignored(int sig) {
  if (sig < 0) {
    for (int i = 0; i <= NSIG; i++)
      if (traps[i] && *traps[i]) return 1;
    return 0;
  }
  return sig <= NSIG && traps[sig] && !*traps[sig];
}

static void print_traps(void) {
  for (int sig = 0; sig <= NSIG; sig++) {
    if (!traps[sig]) continue;
    const char *n = sig_name(sig);
    out_fmt(1, "trap -- %s %s\n", shell_quote(traps[sig]), n ? n : "?");
  }
}

int trap_builtin(int argc, char **argv) {
  int i = 1;
  if (i < argc && strcmp(argv[i], "--") == 0) i++;
  else if (i < argc && argv[i][0] == '-' && argv[i][1]) {
    sh_error("trap: Illegal option %s", argv[i]);
    raise_error(2);
    return 2;
  }
  if (i >= argc) {
    print_traps();
    return 0;
  }
  const char *action = argv[i];
  /* "trap N..." with a number first: reset those signals. */
  if (sig_number(action) >= 0 && (action[0] >= '0' && action[0] <= '9')) action = "-";
  else i++;
  int status = 0;
  for (; i < argc; i++) {
    int sig = sig_number(argv[i]);
    if (sig < 0 || sig == SIGKILL || sig == SIGSTOP) {
      out_fmt(2, "trap: %s: bad trap\n", argv[i]); /* dash: no "sh: N:" here */
      status = 1;
      continue;
    }
    if (sig > 0 && ignored_on_entry[sig] && !opts[O_INTERACTIVE]) continue;
    free(traps[sig]);
    traps[sig] = strcmp(action, "-") == 0 ? NULL : xstrdup(action);
    if (sig == 0) continue;
    if (!traps[sig] && interactive_ignores(sig)) set_handler(sig, "");
    else if (!traps[sig] && sig == SIGINT && (opts[O_INTERACTIVE] || defer_sigint)) set_handler(sig, "interactive");
    else set_handler(sig, traps[sig]);
  }
  return status;
}
