/*
 * system, popen and pclose: /bin/sh -c COMMAND, started with posix_spawn (so
 * a program needs no fork, nor asyncify, to use them).
 * Spec: POSIX system(3) (SIGINT and SIGQUIT ignored and SIGCHLD blocked in
 * the caller while the command runs; a shell that cannot be started reads as
 * an exit status of 127), popen(3) (the streams of earlier popen calls still
 * open are closed in the new child; "e" in the mode makes the caller's end
 * close-on-exec), pclose(3) (the command's wait status).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wasi/libc-environ.h>

extern char **environ;

#define SHELL "/bin/sh"

static char **env(void) {
  __wasilibc_ensure_environ();
  return environ;
}

static pid_t wait_for(pid_t pid, int *status) {
  pid_t r;
  do r = waitpid(pid, status, 0);
  while (r < 0 && errno == EINTR);
  return r;
}

int system(const char *command) {
  if (!command) return access(SHELL, X_OK) == 0;
  struct sigaction ignore, old_int, old_quit;
  memset(&ignore, 0, sizeof ignore);
  ignore.sa_handler = SIG_IGN;
  sigset_t chld, old_mask;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, &old_mask);
  sigaction(SIGINT, &ignore, &old_int);
  sigaction(SIGQUIT, &ignore, &old_quit);

  /* The command gets the caller's mask, and the defaults for what the caller did not ignore. */
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  if (old_int.sa_handler != SIG_IGN) sigaddset(&defaults, SIGINT);
  if (old_quit.sa_handler != SIG_IGN) sigaddset(&defaults, SIGQUIT);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setsigmask(&attr, &old_mask);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  char *argv[] = {"sh", "-c", (char *)command, NULL};
  pid_t pid;
  int status;
  int e = posix_spawn(&pid, SHELL, NULL, &attr, argv, env());
  posix_spawnattr_destroy(&attr);
  if (e != 0) status = 127 << 8;
  else if (wait_for(pid, &status) < 0) status = -1;

  int saved = errno;
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGQUIT, &old_quit, NULL);
  sigprocmask(SIG_SETMASK, &old_mask, NULL);
  errno = saved;
  return status;
}

/* The open popen streams, each with its command's pid. */
struct stream {
  FILE *file;
  int fd;
  pid_t pid;
  struct stream *next;
};
static struct stream *streams;

FILE *popen(const char *command, const char *mode) {
  int reading;
  if (mode[0] == 'r') reading = 1;
  else if (mode[0] == 'w') reading = 0;
  else {
    errno = EINVAL;
    return NULL;
  }
  int cloexec = strchr(mode + 1, 'e') != NULL;
  struct stream *s = malloc(sizeof *s);
  if (!s) return NULL;
  int fds[2];
  if (pipe(fds) != 0) {
    free(s);
    return NULL;
  }
  /* Ours is the read end when reading; the command's end becomes its stdout (or stdin). */
  int mine = reading ? fds[0] : fds[1];
  int theirs = reading ? fds[1] : fds[0];
  int target = reading ? 1 : 0;

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  int e = posix_spawn_file_actions_adddup2(&fa, theirs, target);
  if (!e && theirs != target) e = posix_spawn_file_actions_addclose(&fa, theirs);
  if (!e && mine != target) e = posix_spawn_file_actions_addclose(&fa, mine);
  for (struct stream *o = streams; o && !e; o = o->next) {
    if (o->fd != target) e = posix_spawn_file_actions_addclose(&fa, o->fd);
  }
  pid_t pid = -1;
  char *argv[] = {"sh", "-c", (char *)command, NULL};
  if (!e) e = posix_spawn(&pid, SHELL, &fa, NULL, argv, env());
  posix_spawn_file_actions_destroy(&fa);
  close(theirs);
  FILE *f = NULL;
  if (!e) {
    if (cloexec) fcntl(mine, F_SETFD, FD_CLOEXEC);
    f = fdopen(mine, reading ? "r" : "w");
    if (!f) {
      e = errno;
      close(mine);
      wait_for(pid, NULL);
    }
  } else {
    close(mine);
  }
  if (!f) {
    free(s);
    errno = e;
    return NULL;
  }
  s->file = f;
  s->fd = mine;
  s->pid = pid;
  s->next = streams;
  streams = s;
  return f;
}

int pclose(FILE *f) {
  struct stream **p = &streams;
  while (*p && (*p)->file != f) p = &(*p)->next;
  struct stream *s = *p;
  if (!s) {
    errno = ECHILD;
    return -1;
  }
  *p = s->next;
  pid_t pid = s->pid;
  free(s);
  fclose(f);
  int status;
  return wait_for(pid, &status) < 0 ? -1 : status;
}
