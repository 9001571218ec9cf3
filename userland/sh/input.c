/*
 * Input sources for the parser: a stack of strings and file descriptors.
 *
 * A "hard" source (the script, a -c string, an eval string) ends with -1.
 * Alias expansions are pushed on top as "soft" sources: when one runs out the
 * one below continues, and the alias stays inactive (not re-expanded) while
 * its text is being read, which stops recursive aliases.
 * Reading from a file descriptor goes a block at a time, as dash does; when
 * the shell is interactive the prompt (PS1/PS2) is written to stderr before
 * each read. An interactive shell whose stdin is a terminal reads a line at a
 * time through the line editor instead (lineedit.c), which writes the prompt.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

struct source {
  struct source *prev;
  const char *s;       /* string sources */
  size_t pos, len;
  char *alias;         /* soft: the alias being expanded */
  int fd;              /* fd sources; -1 for strings */
  char *buf;           /* fd sources: the block read */
  int eof;
  int hard;
};

static struct source *top;
static int pb[16];
static int npb;
static int prompt_next = 1;
int input_lineno = 1;
int input_interrupted;

static int at_line_start = 1;

void input_push_string(const char *s, int alias_tag) {
  struct source *src = xmalloc(sizeof *src);
  memset(src, 0, sizeof *src);
  src->prev = top;
  src->s = s;
  src->len = strlen(s);
  src->fd = -1;
  src->hard = !alias_tag;
  top = src;
}

/* An alias: its text is read before what follows. */
void input_push_alias(const char *name, const char *text);
void input_push_alias(const char *name, const char *text) {
  /* Characters already read ahead come after the alias's text. */
  struct str s;
  str_init(&s);
  str_adds(&s, text);
  while (npb > 0) str_addc(&s, pb[--npb]);
  input_push_string(str_take(&s), 1);
  top->alias = xstrdup(name);
}

void input_push_fd(int fd) {
  struct source *src = xmalloc(sizeof *src);
  memset(src, 0, sizeof *src);
  src->prev = top;
  src->fd = fd;
  src->buf = xmalloc(1024);
  src->hard = 1;
  top = src;
}

void input_pop(void) {
  struct source *src = top;
  if (!src) return;
  top = src->prev;
  if (src->fd >= 0) free(src->buf);
  if (!src->hard) free((char *)src->s);
  free(src->alias);
  free(src);
}

/*
 * Before running a command read from standard input: give back what was read
 * ahead, so a command that reads stdin starts right after the shell's command
 * (XCU sh, "INPUT FILES"). Only possible when stdin can seek; from a pipe the
 * shell reads ahead like dash.
 */
void input_sync(void) {
  struct source *src = top;
  if (!src || src->fd != 0 || src->eof || !src->buf) return;
  size_t ahead = src->len - src->pos + (size_t)npb;
  if (ahead == 0) return;
  if (lseek(0, -(off_t)ahead, SEEK_CUR) < 0) return;
  src->len = src->pos = 0;
  npb = 0;
}

int input_depth(void) {
  int n = 0;
  for (struct source *s = top; s; s = s->prev) n++;
  return n;
}

int alias_active(const char *name) {
  for (struct source *s = top; s && !s->hard; s = s->prev)
    if (s->alias && strcmp(s->alias, name) == 0) return 1;
  return 0;
}

void input_set_interactive_prompt(int which) { prompt_next = which; }

static const char *prompt_string(void) {
  const char *p = var_get(prompt_next == 1 ? "PS1" : "PS2");
  if (!p) p = prompt_next == 1 ? "$ " : "> ";
  return p;
}

static void show_prompt(void) {
  const char *p = prompt_string();
  out_flush(1);
  write_all(2, p, strlen(p));
  prompt_next = 2;
}

/* A line from the terminal through the line editor; -1 if stdin is not one (read in blocks then). */
static int fill_edited(struct source *src) {
  const char *line;
  out_flush(1);
  ssize_t n = lineedit_read(prompt_string(), &line);
  if (n == LINEEDIT_NOTTY) return -1;
  prompt_next = 2;
  if (n == LINEEDIT_INTR) { /* Ctrl-C at the prompt: drop the command being typed. */
    input_interrupted = 1;
    return 0;
  }
  if (n == 0) {
    src->eof = 1;
    return 0;
  }
  src->s = line;
  src->pos = 0;
  src->len = (size_t)n;
  return 1;
}

static int fill(struct source *src) {
  if (src->eof) return 0;
  int prompt = opts[O_INTERACTIVE] && at_line_start && (src->prev == NULL || src->fd == 0);
  if (prompt && src->fd == 0) {
    int r = fill_edited(src);
    if (r >= 0) return r;
  }
  if (prompt) show_prompt();
  for (;;) {
    ssize_t n = read(src->fd, src->buf, 1024);
    if (n < 0 && errno == EINTR) {
      if (opts[O_INTERACTIVE] && trap_take_sigint()) {
        /* Ctrl-C at the prompt: drop the command being typed. */
        input_interrupted = 1;
        write_all(2, "\n", 1);
        return 0;
      }
      trap_run_pending();
      continue;
    }
    if (n <= 0) {
      src->eof = 1;
      return 0;
    }
    src->s = src->buf;
    src->pos = 0;
    src->len = (size_t)n;
    return 1;
  }
}

int pgetc(void) {
  if (input_interrupted) return -1;
  if (npb > 0) {
    int c = pb[--npb];
    if (c == '\n') input_lineno++;
    return c;
  }
  for (;;) {
    struct source *src = top;
    if (!src) return -1;
    if (src->pos < src->len) {
      int c = (unsigned char)src->s[src->pos++];
      if (src->hard) {
        if (c == '\n') input_lineno++;
        at_line_start = c == '\n';
        if (opts[O_VERBOSE]) write_all(2, (const char *)&src->s[src->pos - 1], 1);
      }
      return c;
    }
    if (src->fd >= 0 && fill(src)) continue;
    if (src->hard) return -1;
    input_pop();
    /* An alias ending: a blank between it and what follows. */
  }
}

void pungetc(int c) {
  if (c < 0) return;
  if (c == '\n') input_lineno--;
  if (npb < (int)(sizeof pb / sizeof pb[0])) pb[npb++] = c;
}

int input_at_eof(void) {
  if (npb > 0) return 0;
  struct source *src = top;
  if (!src) return 1;
  if (src->pos < src->len) return 0;
  if (src->fd >= 0) return src->eof;
  return src->hard;
}

/* Saving the whole input state: eval and $( ) parse strings with their own stack. */
struct input_state {
  struct source *top;
  int pb[16];
  int npb;
  int lineno;
};
void *input_save(void);
void input_restore(void *state);

void *input_save(void) {
  struct input_state *st = xmalloc(sizeof *st);
  st->top = top;
  memcpy(st->pb, pb, sizeof pb);
  st->npb = npb;
  st->lineno = input_lineno;
  top = NULL;
  npb = 0;
  return st;
}

void input_restore(void *state) {
  struct input_state *st = state;
  while (top) input_pop();
  top = st->top;
  memcpy(pb, st->pb, sizeof pb);
  npb = st->npb;
  input_lineno = st->lineno;
  free(st);
}
