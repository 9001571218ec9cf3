/*
 * Redirections in two steps: redir_prepare opens the files (and here-document
 * pipes) in the shell, giving a plan of "make fd N refer to fd M / close N";
 * then either run.c turns the plan into posix_spawn file actions, or
 * redir_apply carries it out in the shell (builtins, compound commands,
 * exec), saving the old fds above 10 so redir_restore can put them back.
 * Every fd the shell holds for itself is close-on-exec.
 * Spec: POSIX XCU 2.7 Redirection.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sh.h"

#ifndef F_DUPFD_CLOEXEC
#define F_DUPFD_CLOEXEC 1030
#endif

int fd_move_high(int fd) {
  if (fd < 0 || fd >= 10) {
    if (fd >= 0) fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
  }
  int n = fcntl(fd, F_DUPFD, 10);
  if (n < 0) return fd;
  close(fd);
  fcntl(n, F_SETFD, FD_CLOEXEC);
  return n;
}

static void plan_add(struct rplans *p, int fd, int src, int opened) {
  if (p->n == p->cap) {
    p->cap = p->cap ? p->cap * 2 : 4;
    p->v = xrealloc(p->v, sizeof *p->v * (size_t)p->cap);
  }
  p->v[p->n].fd = fd;
  p->v[p->n].src = src;
  p->v[p->n].opened = opened;
  p->n++;
}

static int open_file(const char *name, int flags, struct rplans *p, int fd, int creating) {
  if (opts[O_NOCLOBBER] && (flags & O_TRUNC) && creating) {
    struct stat st;
    if (stat(name, &st) == 0 && S_ISREG(st.st_mode)) {
      sh_error("cannot create %s: File exists", name);
      return -1;
    }
  }
  int f = open(name, flags, 0666);
  if (f < 0 && errno == EINVAL && (flags & (O_CREAT | O_TRUNC))) {
    /* tabkernel refuses O_CREAT|O_TRUNC on devices (> /dev/null); a device
     * needs neither. */
    struct stat st;
    if (stat(name, &st) == 0 && S_ISCHR(st.st_mode)) f = open(name, flags & ~(O_CREAT | O_TRUNC), 0666);
    else errno = EINVAL;
  }
  if (f < 0) {
    const char *what = (flags & O_ACCMODE) == O_RDONLY ? "open" : "create";
    const char *why = errno == ENOENT ? (creating ? "Directory nonexistent" : "No such file") : strerror(errno);
    sh_error("cannot %s %s: %s", what, name, why);
    return -1;
  }
  plan_add(p, fd, fd_move_high(f), 1);
  return 0;
}

/* A here-document: a pipe when it fits, else an unlinked temporary file. */
static int heredoc_fd(const char *body) {
  size_t n = strlen(body);
  int fds[2];
  if (n <= 4096 && pipe(fds) == 0) {
    write_all(fds[1], body, n);
    close(fds[1]);
    return fds[0];
  }
  char name[64];
  for (int i = 0; i < 100; i++) {
    snprintf(name, sizeof name, "/tmp/sh-heredoc-%d-%d", (int)getpid(), i);
    int fd = open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd < 0) continue;
    write_all(fd, body, n);
    close(fd);
    fd = open(name, O_RDONLY);
    unlink(name);
    return fd;
  }
  return -1;
}

static int fd_is_open(int fd, struct rplans *p) {
  for (int i = 0; i < p->n; i++)
    if (p->v[i].fd == fd) return p->v[i].src >= 0;
  return fcntl(fd, F_GETFD) >= 0;
}

int redir_prepare(struct redir *r, struct rplans *p) {
  for (; r; r = r->next) {
    if (r->type == R_HEREDOC) {
      const char *body = r->body ? expand_parts_string(r->body, EXP_HEREDOC) : r->bodytext ? r->bodytext : "";
      if (evalskip) return -1;
      int fd = heredoc_fd(body);
      if (fd < 0) {
        sh_error("cannot create temp file for here document");
        return -1;
      }
      plan_add(p, r->fd, fd_move_high(fd), 1);
      continue;
    }
    char *target = expand_string(r->target, 0);
    if (evalskip) return -1;
    switch (r->type) {
    case R_IN:
      if (open_file(target, O_RDONLY, p, r->fd, 0) < 0) return -1;
      break;
    case R_OUT:
      if (open_file(target, O_WRONLY | O_CREAT | O_TRUNC, p, r->fd, 1) < 0) return -1;
      break;
    case R_CLOBBER:
      if (open_file(target, O_WRONLY | O_CREAT | O_TRUNC, p, r->fd, 0) < 0) return -1;
      break;
    case R_APPEND:
      if (open_file(target, O_WRONLY | O_CREAT | O_APPEND, p, r->fd, 1) < 0) return -1;
      break;
    case R_RDWR:
      if (open_file(target, O_RDWR | O_CREAT, p, r->fd, 1) < 0) return -1;
      break;
    case R_DUPIN:
    case R_DUPOUT: {
      if (strcmp(target, "-") == 0) {
        plan_add(p, r->fd, -1, 0);
        break;
      }
      char *end;
      long n = strtol(target, &end, 10);
      if (!*target || *end || n < 0 || n > 1000) {
        sh_error("Syntax error: Bad fd number");
        return -1;
      }
      if (n != r->fd && !fd_is_open((int)n, p)) {
        sh_error("%ld: Bad file descriptor", n);
        return -1;
      }
      plan_add(p, r->fd, (int)n, 0);
      break;
    }
    default:
      break;
    }
  }
  return 0;
}

void redir_release(struct rplans *p) {
  for (int i = 0; i < p->n; i++)
    if (p->v[i].opened && p->v[i].src >= 0) close(p->v[i].src);
  free(p->v);
  memset(p, 0, sizeof *p);
}

/* Saved descriptors are the shell's own: a forked child must not keep them
 * (a saved pipe end would hold the pipe open), so they are listed here. */
static int saved_fds[64];
static int nsaved_fds;

static void saved_add(int fd) {
  if (fd >= 0 && nsaved_fds < 64) saved_fds[nsaved_fds++] = fd;
}

static void saved_remove(int fd) {
  for (int i = 0; i < nsaved_fds; i++)
    if (saved_fds[i] == fd) {
      saved_fds[i] = saved_fds[--nsaved_fds];
      return;
    }
}

void redir_close_saved(void) {
  for (int i = 0; i < nsaved_fds; i++) close(saved_fds[i]);
  nsaved_fds = 0;
}

static void save_fd(struct rsave *s, int fd) {
  for (int i = 0; i < s->n; i++)
    if (s->v[i].fd == fd) return;
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 4;
    s->v = xrealloc(s->v, sizeof *s->v * (size_t)s->cap);
  }
  int saved = fcntl(fd, F_DUPFD, 10);
  if (saved >= 0) fcntl(saved, F_SETFD, FD_CLOEXEC);
  saved_add(saved);
  s->v[s->n].fd = fd;
  s->v[s->n].saved = saved;
  s->n++;
}

int redir_apply(struct rplans *p, struct rsave *save) {
  out_flush(1);
  for (int i = 0; i < p->n; i++) {
    struct rplan *r = &p->v[i];
    if (save) save_fd(save, r->fd);
    if (r->src < 0) {
      close(r->fd);
      continue;
    }
    if (r->src == r->fd) {
      fcntl(r->fd, F_SETFD, 0);
      continue;
    }
    if (dup2(r->src, r->fd) < 0) {
      sh_error("%d: %s", r->src, strerror(errno));
      return -1;
    }
  }
  return 0;
}

void redir_restore(struct rsave *s) {
  out_flush(1);
  for (int i = s->n - 1; i >= 0; i--) {
    if (s->v[i].saved >= 0) {
      dup2(s->v[i].saved, s->v[i].fd);
      close(s->v[i].saved);
      saved_remove(s->v[i].saved);
    } else {
      close(s->v[i].fd);
    }
  }
  free(s->v);
  memset(s, 0, sizeof *s);
}
