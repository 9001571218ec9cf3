/*
 * kill: send a signal to processes or process groups.
 * kill [-s NAME | -NAME | -N] PID...  (default TERM; PID 0 or -PGID for a group),
 * kill -l [N | 128+N | NAME] lists signal names or translates one.
 * Signal numbers are WASI's (tabkernel's <signal.h>), not Linux's.
 * Spec: POSIX kill; GNU coreutils for messages.
 */
#include "lib/util.h"
#include <ctype.h>
#include <signal.h>
#include <strings.h>

static const struct { const char *name; int num; } sigs[] = {
  {"HUP", SIGHUP}, {"INT", SIGINT}, {"QUIT", SIGQUIT}, {"ILL", SIGILL}, {"TRAP", SIGTRAP},
  {"ABRT", SIGABRT}, {"BUS", SIGBUS}, {"FPE", SIGFPE}, {"KILL", SIGKILL}, {"USR1", SIGUSR1},
  {"SEGV", SIGSEGV}, {"USR2", SIGUSR2}, {"PIPE", SIGPIPE}, {"ALRM", SIGALRM}, {"TERM", SIGTERM},
  {"CHLD", SIGCHLD}, {"CONT", SIGCONT}, {"STOP", SIGSTOP}, {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN},
  {"TTOU", SIGTTOU}, {"URG", SIGURG}, {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM},
  {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"POLL", SIGPOLL}, {"PWR", SIGPWR}, {"SYS", SIGSYS},
  {"IOT", SIGABRT}, {"IO", SIGIO}, {"CLD", SIGCHLD},
};
#define NSIGS ((int)(sizeof sigs / sizeof sigs[0]))

/* A signal by name (with or without SIG, any case) or number; -1 if none. */
static int sig_of(const char *s) {
  if (isdigit((unsigned char)*s)) {
    char *end;
    long v = strtol(s, &end, 10);
    return *end || v < 0 || v >= NSIG ? -1 : (int)v;
  }
  if (strncasecmp(s, "SIG", 3) == 0) s += 3;
  for (int i = 0; i < NSIGS; i++) if (strcasecmp(s, sigs[i].name) == 0) return sigs[i].num;
  return -1;
}

static const char *name_of(int n) {
  for (int i = 0; i < NSIGS; i++) if (sigs[i].num == n) return sigs[i].name;
  return NULL;
}

static int list(char **args) {
  if (!*args) {
    for (int n = 1; n < NSIG; n++) if (name_of(n)) puts(name_of(n));
    return 0;
  }
  int status = 0;
  for (; *args; args++) {
    if (isdigit((unsigned char)**args)) {
      long v = strtol(*args, NULL, 10);
      if (v > 128) v -= 128;
      const char *nm = v > 0 && v < NSIG ? name_of((int)v) : NULL;
      if (!nm) { warnx_("'%s': invalid signal", *args); status = 1; continue; }
      puts(nm);
    } else {
      int n = sig_of(*args);
      if (n <= 0) { warnx_("'%s': invalid signal", *args); status = 1; continue; }
      printf("%d\n", n);
    }
  }
  return status;
}

int main(int argc, char **argv) {
  prog = "kill";
  int sig = SIGTERM, i = 1;
  if (i < argc && (strcmp(argv[i], "-l") == 0 || strcmp(argv[i], "-L") == 0 || strcmp(argv[i], "--list") == 0))
    return list(argv + i + 1);
  if (i < argc && strcmp(argv[i], "-s") == 0) {
    if (i + 1 >= argc) { warnx_("option requires an argument -- 's'"); usage_hint(); return 1; }
    sig = sig_of(argv[i + 1]);
    if (sig < 0) diex_(1, "'%s': invalid signal", argv[i + 1]);
    i += 2;
  } else if (i < argc && argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--") != 0 &&
             !(isdigit((unsigned char)argv[i][1]) && i + 1 >= argc)) {
    const char *s = argv[i] + 1;
    if (*s == 'n' && !s[1]) s = ++i + 1 < argc ? argv[i] : "";   /* -n NUM */
    sig = sig_of(s);
    if (sig < 0) diex_(1, "'%s': invalid signal", s);
    i++;
  }
  if (i < argc && strcmp(argv[i], "--") == 0) i++;
  if (i >= argc) { warnx_("no process ID specified"); usage_hint(); return 1; }
  int status = 0;
  for (; i < argc; i++) {
    char *end;
    long pid = strtol(argv[i], &end, 10);
    if (end == argv[i] || *end) { warnx_("'%s': invalid process id", argv[i]); status = 1; continue; }
    if (kill((pid_t)pid, sig) != 0) { warn_("%s", argv[i]); status = 1; }
  }
  return status;
}
