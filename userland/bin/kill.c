/*
 * kill: send a signal to processes or process groups.
 *   kill [-s NAME | -NAME | -N] PID...     (PID -N: the group N)
 *   kill -l [STATUS]                        list names, or name a signal / 128+N status
 * Spec: POSIX kill(1).
 */
#include "lib/util.h"
#include <ctype.h>
#include <signal.h>

static const char *const names[NSIG] = {
  "0", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
  "PIPE", "ALRM", "TERM", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ",
  "VTALRM", "PROF", "WINCH", "POLL", "PWR", "SYS",
};

/* A signal by name (with or without SIG, any case) or number; -1 if unknown. */
static int signum(const char *s) {
  if (isdigit((unsigned char)*s)) {
    char *end;
    long n = strtol(s, &end, 10);
    return *end || n < 0 || n >= NSIG ? -1 : (int)n;
  }
  if (strncasecmp(s, "SIG", 3) == 0) s += 3;
  for (int i = 1; i < NSIG; i++)
    if (strcasecmp(s, names[i]) == 0) return i;
  if (strcasecmp(s, "IOT") == 0) return SIGABRT;
  if (strcasecmp(s, "IO") == 0) return SIGPOLL;
  return -1;
}

static int list(int argc, char **argv, int i) {
  if (i >= argc) {
    for (int s = 1; s < NSIG; s++) printf("%s%c", names[s], s % 8 == 0 || s == NSIG - 1 ? '\n' : ' ');
    return 0;
  }
  int status = 0;
  for (; i < argc; i++) {
    int n = signum(argv[i]);
    if (n < 0 && isdigit((unsigned char)argv[i][0])) {
      long v = strtol(argv[i], NULL, 10);
      if (v > 128 && v - 128 < NSIG) n = (int)(v - 128);
    }
    if (n <= 0) {
      warnx_("unknown signal: %s", argv[i]);
      status = 1;
    } else if (isdigit((unsigned char)argv[i][0])) {
      printf("%s\n", names[n]);
    } else {
      printf("%d\n", n);
    }
  }
  return status;
}

int main(int argc, char **argv) {
  prog = "kill";
  int sig = SIGTERM, i = 1;
  if (i < argc && strcmp(argv[i], "-l") == 0) return list(argc, argv, i + 1);
  if (i < argc && strcmp(argv[i], "-s") == 0) {
    if (i + 1 >= argc || (sig = signum(argv[i + 1])) < 0) {
      warnx_("invalid signal: %s", i + 1 < argc ? argv[i + 1] : "");
      return 1;
    }
    i += 2;
  } else if (i < argc && argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--") != 0 &&
             !(isdigit((unsigned char)argv[i][1]) && i + 1 >= argc)) {
    const char *s = argv[i] + 1;
    if (*s == 'n' && !s[1] && i + 1 < argc) s = argv[++i];
    if ((sig = signum(s)) < 0) {
      warnx_("invalid signal: %s", s);
      return 1;
    }
    i++;
  }
  if (i < argc && strcmp(argv[i], "--") == 0) i++;
  if (i >= argc) {
    fprintf(stderr, "usage: kill [-s SIGNAL | -SIGNAL] PID...\n       kill -l [STATUS]\n");
    return 2;
  }
  int status = 0;
  for (; i < argc; i++) {
    char *end;
    long pid = strtol(argv[i], &end, 10);
    if (*end || end == argv[i]) {
      warnx_("invalid process id: %s", argv[i]);
      status = 1;
      continue;
    }
    if (kill((pid_t)pid, sig) < 0) {
      warn_("(%ld)", pid);
      status = 1;
    }
  }
  return status;
}
