/*
 * timeout: run a command with a time limit.
 * timeout [-s SIG] [-k DURATION] [--preserve-status] [-f] [-v] DURATION COMMAND [ARG]...
 * DURATION takes fractions and s/m/h/d suffixes; 0 means no limit. When the
 * limit passes COMMAND gets SIG (TERM), and KILL -k DURATION later; timeout
 * then exits 124 (or COMMAND's status with --preserve-status). Otherwise it
 * exits with COMMAND's status (128+N if a signal killed it); 125 when
 * timeout itself fails, 126 when COMMAND cannot run, 127 when not found.
 * The child is watched by polling waitpid every 10 ms.
 * Spec: GNU coreutils timeout.
 */
#include "lib/util.h"
#include <ctype.h>
#include <signal.h>
#include <spawn.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static double duration(const char *s) {
  char *end;
  double v = strtod(s, &end);
  if (end == s || v < 0 || v != v) goto bad;
  if (*end) {
    if (end[1]) goto bad;
    switch (*end) {
    case 's': break;
    case 'm': v *= 60; break;
    case 'h': v *= 3600; break;
    case 'd': v *= 86400; break;
    default: goto bad;
    }
  }
  return v;
bad:
  warnx_("invalid time interval '%s'", s);
  usage_hint();
  exit(125);
}

static int signal_of(const char *s) {
  static const struct { const char *n; int v; } sigs[] = {
    {"HUP", SIGHUP}, {"INT", SIGINT}, {"QUIT", SIGQUIT}, {"KILL", SIGKILL}, {"USR1", SIGUSR1},
    {"USR2", SIGUSR2}, {"ALRM", SIGALRM}, {"TERM", SIGTERM}, {"CONT", SIGCONT}, {"STOP", SIGSTOP},
  };
  if (isdigit((unsigned char)*s)) return atoi(s);
  if (!strncasecmp(s, "SIG", 3)) s += 3;
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) if (!strcasecmp(s, sigs[i].n)) return sigs[i].v;
  return -1;
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  prog = "timeout";
  int c, sig = SIGTERM, preserve = 0, verbose = 0;
  double kill_after = 0;
  for (int i = 1; i < argc && argv[i][0] == '-'; i++) {
    if (!strcmp(argv[i], "--preserve-status")) { preserve = 1; argv[i] = (char *)"-f"; }
    else if (!strcmp(argv[i], "--foreground")) argv[i] = (char *)"-f";
    else if (!strcmp(argv[i], "--verbose")) argv[i] = (char *)"-v";
  }
  while ((c = getopt_(argc, argv, "+s:k:fv")) != -1) {
    switch (c) {
    case 's': sig = signal_of(optarg); if (sig <= 0) diex_(125, "%s: invalid signal", optarg); break;
    case 'k': kill_after = duration(optarg); break;
    case 'f': break;
    case 'v': verbose = 1; break;
    default: usage_hint(); return 125;
    }
  }
  if (argc - optind < 2) { warnx_("missing operand"); usage_hint(); return 125; }
  double limit = duration(argv[optind]);
  char **cmd = argv + optind + 1;
  pid_t pid;
  int rc = posix_spawnp(&pid, cmd[0], NULL, NULL, cmd, environ);
  if (rc != 0) {
    errno = rc;
    warn_("failed to run command '%s'", cmd[0]);
    return rc == ENOENT ? 127 : 126;
  }
  double start = now_s();
  int timed_out = 0, killed = 0, st;
  for (;;) {
    pid_t w = waitpid(pid, &st, WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) die_(125, "waitpid");
    double t = now_s() - start;
    if (limit > 0 && !timed_out && t >= limit) {
      if (verbose) warnx_("sending signal %d to command '%s'", sig, cmd[0]);
      kill(pid, sig);
      timed_out = 1;
    }
    if (timed_out && kill_after > 0 && !killed && t >= limit + kill_after) {
      if (verbose) warnx_("sending signal KILL to command '%s'", cmd[0]);
      kill(pid, SIGKILL);
      killed = 1;
    }
    struct timespec ts = {0, 10000000};
    nanosleep(&ts, NULL);
  }
  int status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  /* GNU signals its whole group, so KILL takes timeout down too: 128+9 */
  if (timed_out && !preserve) return killed || sig == SIGKILL ? 137 : 124;
  return status;
}
