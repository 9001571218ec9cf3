/*
 * Memory, strings, the expansion arena, output and error messages.
 *
 * Output does not use stdio: builtins write through out_*(), which buffers
 * fd 1 (flushed after each builtin and before any spawn or fork) and writes
 * other fds directly. While a command substitution runs a builtin in the shell
 * itself, fd 1 output is captured into a string instead (out_capture_begin).
 * Error messages look like dash's: "sh: LINE: message".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) {
    write_all(2, "sh: out of memory\n", 18);
    _exit(2);
  }
  return p;
}

void *xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (!p) {
    write_all(2, "sh: out of memory\n", 18);
    _exit(2);
  }
  return p;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

char *xstrndup(const char *s, size_t n) {
  char *p = xmalloc(n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

void str_init(struct str *b) {
  b->s = NULL;
  b->len = b->cap = 0;
}

static void str_grow(struct str *b, size_t need) {
  if (b->len + need + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap * 2 : 32;
  while (cap < b->len + need + 1) cap *= 2;
  b->s = xrealloc(b->s, cap);
  b->cap = cap;
}

void str_addc(struct str *b, int c) {
  str_grow(b, 1);
  b->s[b->len++] = (char)c;
  b->s[b->len] = 0;
}

void str_addn(struct str *b, const char *s, size_t n) {
  str_grow(b, n);
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = 0;
}

void str_adds(struct str *b, const char *s) { str_addn(b, s, strlen(s)); }

void str_free(struct str *b) {
  free(b->s);
  str_init(b);
}

char *str_take(struct str *b) {
  char *s = b->s ? b->s : xstrdup("");
  str_init(b);
  return s;
}

/* ---- the arena: a chain of blocks, released back to a mark ---- */
struct block {
  struct block *prev;
  size_t size, used;
  char data[];
};
static struct block *arena;

void *stalloc(size_t n) {
  n = (n + 7) & ~(size_t)7;
  if (!arena || arena->used + n > arena->size) {
    size_t size = n > 4000 ? n : 4000;
    struct block *b = xmalloc(sizeof *b + size);
    b->prev = arena;
    b->size = size;
    b->used = 0;
    arena = b;
  }
  void *p = arena->data + arena->used;
  arena->used += n;
  return p;
}

char *ststrndup(const char *s, size_t n) {
  char *p = stalloc(n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

char *ststrdup(const char *s) { return ststrndup(s, strlen(s)); }

void stmark(struct stmark *m) {
  m->block = arena;
  m->used = arena ? arena->used : 0;
}

void streset(const struct stmark *m) {
  while (arena && arena != m->block) {
    struct block *b = arena;
    arena = b->prev;
    free(b);
  }
  if (arena) arena->used = m->used;
}

/* ---- output ---- */
int write_all(int fd, const char *s, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, s, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    s += w;
    n -= (size_t)w;
  }
  return 0;
}

static char obuf[4096];
static size_t olen;
static struct str *capture;
static int out_error;

void out_flush(int fd) {
  if (fd != 1 || olen == 0) return;
  size_t n = olen;
  olen = 0;
  if (write_all(1, obuf, n) < 0) out_error = 1;
}

int out_take_error(void) {
  out_flush(1);
  int e = out_error;
  out_error = 0;
  return e;
}

void out_flush_all(void) { out_flush(1); }

void out_mem(int fd, const char *s, size_t n) {
  if (fd == 1 && capture) {
    str_addn(capture, s, n);
    return;
  }
  if (fd != 1) {
    write_all(fd, s, n);
    return;
  }
  if (olen + n > sizeof obuf) out_flush(1);
  if (n >= sizeof obuf) {
    if (write_all(1, s, n) < 0) out_error = 1;
    return;
  }
  memcpy(obuf + olen, s, n);
  olen += n;
}

void out_str(int fd, const char *s) { out_mem(fd, s, strlen(s)); }

static void out_vfmt(int fd, const char *fmt, va_list ap) {
  char small[512];
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  if (n < 0) {
    va_end(ap2);
    return;
  }
  if ((size_t)n < sizeof small) {
    out_mem(fd, small, (size_t)n);
  } else {
    char *big = xmalloc((size_t)n + 1);
    vsnprintf(big, (size_t)n + 1, fmt, ap2);
    out_mem(fd, big, (size_t)n);
    free(big);
  }
  va_end(ap2);
}

void out_fmt(int fd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  out_vfmt(fd, fmt, ap);
  va_end(ap);
}

void out_capture_begin(struct str *into) {
  out_flush(1);
  capture = into;
}

void out_capture_end(void) { capture = NULL; }

/* "sh: 3: message" (dash prints the line number when not interactive too). */
static void error_prefix(struct str *b) {
  char num[24];
  str_adds(b, arg0 ? arg0 : "sh");
  str_adds(b, ": ");
  snprintf(num, sizeof num, "%d", lineno);
  str_adds(b, num);
  str_adds(b, ": ");
}

static void verror(const char *fmt, va_list ap) {
  struct str b;
  char msg[1024];
  str_init(&b);
  error_prefix(&b);
  vsnprintf(msg, sizeof msg, fmt, ap);
  str_adds(&b, msg);
  str_addc(&b, '\n');
  out_flush(1);
  write_all(2, b.s, b.len);
  str_free(&b);
}

void sh_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  verror(fmt, ap);
  va_end(ap);
}

void sh_warn(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  verror(fmt, ap);
  va_end(ap);
}
