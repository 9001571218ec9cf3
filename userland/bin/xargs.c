/*
 * xargs: build command lines from standard input and run them.
 * Items are separated by blanks and newlines, with '...' "..." and
 * backslash quoting (-0: NUL-separated, -d C: C-separated, no quoting).
 * -n MAX items per command, -L MAX input lines per command, -I STR runs once
 * per input line replacing STR in the arguments, -r runs nothing on empty
 * input, -t prints each command on stderr, -s MAX bounds the command length,
 * -E STR stops at an item equal to STR. The default command is echo.
 * Exit: 0; 123 when a command exited 1-125; 124 when one exited 255 (xargs
 * stops); 125 when one was killed by a signal; 126 cannot run; 127 not found.
 * Spec: POSIX xargs; GNU findutils for -0 -d -r and messages.
 */
#include "lib/util.h"
#include <spawn.h>
#include <sys/wait.h>

extern char **environ;

static int opt_0, opt_r, opt_t, delim = -1;
static long max_args = 0, max_lines = 0, max_chars = 131072;
static const char *repl, *eof_str;
static char **base;      /* the command and its initial arguments */
static int nbase;
static int status;

/* ---------- reading items ---------- */

static int line_ended;   /* the last item ended its input line (for -L) */

/* Next item from stdin (malloc'd) or NULL at the end. */
static char *next_item(void) {
  size_t cap = 64, n = 0;
  char *s = xmalloc(cap);
  int c, quote = 0, any = 0;
  line_ended = 0;
  for (;;) {
    c = getchar();
    if (c == EOF) {
      if (quote) diex_(1, "unmatched %s quote; by default quotes are special to xargs unless you use the -0 option", quote == '\'' ? "single" : "double");
      break;
    }
    if (n + 2 >= cap) s = xrealloc(s, cap *= 2);
    if (opt_0 || delim >= 0) {
      if (c == (opt_0 ? 0 : delim)) { any = 1; break; }
      s[n++] = (char)c;
      any = 1;
      continue;
    }
    if (quote) {
      if (c == quote) quote = 0;
      else if (c == '\n') diex_(1, "unmatched %s quote; by default quotes are special to xargs unless you use the -0 option", quote == '\'' ? "single" : "double");
      else s[n++] = (char)c;
      continue;
    }
    if (c == '\n' && repl) { line_ended = 1; if (any) break; continue; }
    if (c == ' ' || c == '\t' || c == '\n') {
      if (repl && (c == ' ' || c == '\t') && any) { s[n++] = (char)c; continue; }   /* -I: whole lines */
      if (any) { if (c == '\n') line_ended = 1; break; }
      continue;
    }
    any = 1;
    if (c == '\'' || c == '"') { quote = c; continue; }
    if (c == '\\') { c = getchar(); if (c == EOF) break; }
    s[n++] = (char)c;
  }
  if (!any) { free(s); return NULL; }
  s[n] = 0;
  if (repl) while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t')) s[--n] = 0;
  if (eof_str && strcmp(s, eof_str) == 0) { free(s); while (getchar() != EOF) {} return NULL; }
  return s;
}

/* ---------- running ---------- */

static void run(char **argv) {
  if (opt_t) {
    for (int i = 0; argv[i]; i++) fprintf(stderr, i ? " %s" : "%s", argv[i]);
    fputc('\n', stderr);
  }
  fflush(stdout);
  pid_t pid;
  int rc = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
  if (rc != 0) {
    errno = rc;
    warn_("%s", argv[0]);
    exit(rc == ENOENT ? 127 : 126);
  }
  int st;
  while (waitpid(pid, &st, 0) < 0) if (errno != EINTR) die_(125, "waitpid");
  if (WIFSIGNALED(st)) diex_(125, "%s: terminated by signal %d", argv[0], WTERMSIG(st));
  int code = WEXITSTATUS(st);
  if (code == 255) diex_(124, "%s: exited with status 255; aborting", argv[0]);
  if (code == 127 || code == 126) exit(code);
  if (code) status = 123;
}

/* Replace every occurrence of repl in word by item. */
static char *replace(const char *word, const char *item) {
  size_t rl = strlen(repl), il = strlen(item), n = 0;
  for (const char *p = strstr(word, repl); p; p = strstr(p + rl, repl)) n++;
  char *out = xmalloc(strlen(word) + n * il + 1), *o = out;
  for (const char *p = word; *p;) {
    if (rl && strncmp(p, repl, rl) == 0) { memcpy(o, item, il); o += il; p += rl; }
    else *o++ = *p++;
  }
  *o = 0;
  return out;
}

int main(int argc, char **argv) {
  prog = "xargs";
  int c;
  while ((c = getopt_(argc, argv, "+0d:n:L:l::I:i::rts:E:e::xP:p")) != -1) {
    switch (c) {
    case '0': opt_0 = 1; break;
    case 'd': delim = optarg[0] == '\\' && optarg[1] == 'n' ? '\n' : optarg[0] == '\\' && optarg[1] == 't' ? '\t' : (unsigned char)optarg[0]; break;
    case 'n': max_args = atol(optarg); if (max_args < 1) diex_(1, "value %s for -n option should be >= 1", optarg); break;
    case 'L': case 'l': max_lines = optarg ? atol(optarg) : 1; if (max_lines < 1) diex_(1, "value %s for -L option should be >= 1", optarg); break;
    case 'I': repl = optarg; break;
    case 'i': repl = optarg ? optarg : "{}"; break;
    case 'r': opt_r = 1; break;
    case 't': opt_t = 1; break;
    case 's': max_chars = atol(optarg); if (max_chars < 1) diex_(1, "value %s for -s option should be >= 1", optarg); break;
    case 'E': eof_str = optarg; break;
    case 'e': eof_str = optarg; break;
    case 'x': case 'P': case 'p': break;
    default: usage_hint(); return 1;
    }
  }
  static char *echo[] = {"echo", NULL};
  base = optind < argc ? argv + optind : echo;
  nbase = optind < argc ? argc - optind : 1;
  if (repl) {
    /* one command per input line, REPL replaced in every argument */
    char *item;
    while ((item = next_item()) != NULL) {
      char **v = xmalloc(sizeof *v * (size_t)(nbase + 1));
      for (int i = 0; i < nbase; i++) v[i] = replace(base[i], item);
      v[nbase] = NULL;
      run(v);
      for (int i = 0; i < nbase; i++) free(v[i]);
      free(v);
      free(item);
    }
    return status;
  }
  size_t cap = 64;
  char **v = xmalloc(sizeof *v * cap);
  int ran = 0;
  char *pending = NULL;   /* an item that did not fit the previous command */
  for (;;) {
    int n = 0;
    long chars = 0, lines = 0;
    for (int i = 0; i < nbase; i++) { v[n++] = base[i]; chars += (long)strlen(base[i]) + 1; }
    char *item;
    int eof = 0;
    for (;;) {
      if (max_args && n - nbase >= max_args) break;
      if (max_lines && lines >= max_lines) break;
      item = pending ? pending : next_item();
      pending = NULL;
      if (!item) { eof = 1; break; }
      if (chars + (long)strlen(item) + 1 > max_chars && n > nbase) { pending = item; break; }
      if ((size_t)n + 2 >= cap) v = xrealloc(v, sizeof *v * (cap *= 2));
      v[n++] = item;
      chars += (long)strlen(item) + 1;
      if (line_ended) lines++;
    }
    v[n] = NULL;
    if (n > nbase || (!ran && !opt_r)) run(v);
    ran = 1;
    for (int i = nbase; i < n; i++) free(v[i]);
    if (eof) break;
  }
  return status;
}
