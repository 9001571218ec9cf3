/*
 * xargs: build command lines from standard input and run them.
 *   xargs [-0] [-d DELIM] [-n MAX] [-L LINES] [-I REPL] [-r] [-t] [-s SIZE] [CMD [ARG...]]
 * Items are blank-separated with quotes and backslashes (POSIX), or NUL (-0),
 * or DELIM (-d). Exit: 0, 123 (a command exited 1-125), 124 (a command exited
 * 255), 125 (a command was killed), 126 (not executable), 127 (not found).
 * Spec: POSIX xargs(1).
 */
#include "lib/util.h"
#include <ctype.h>
#include <spawn.h>
#include <sys/wait.h>

extern char **environ;

static int trace, status;

static int run(char **argv) {
  if (trace) {
    for (int i = 0; argv[i]; i++) fprintf(stderr, "%s%s", i ? " " : "", argv[i]);
    fputc('\n', stderr);
  }
  fflush(stdout);
  pid_t pid;
  int r = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
  if (r) {
    errno = r;
    warn_("%s", argv[0]);
    exit(r == ENOENT ? 127 : 126);
  }
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
  if (WIFSIGNALED(st)) {
    warnx_("%s: terminated by signal %d", argv[0], WTERMSIG(st));
    exit(125);
  }
  int code = WEXITSTATUS(st);
  if (code == 255) {
    warnx_("%s: exited with status 255; aborting", argv[0]);
    exit(124);
  }
  if (code) status = 123;
  return 0;
}

/* Next item from stdin; NULL at end. *eol tells whether a line ended after it. */
static char *next_item(int nul, int delim, int *eol) {
  static char *buf;
  static size_t cap;
  size_t n = 0;
  int c, quote = 0, any = 0;
  *eol = 0;
  for (;;) {
    c = getchar();
    if (c == EOF) break;
    if (n + 2 > cap) {
      cap = cap ? cap * 2 : 256;
      buf = realloc(buf, cap);
    }
    if (nul || delim >= 0) {
      if (c == (nul ? 0 : delim)) { any = 1; break; }
      buf[n++] = (char)c;
      any = 1;
      continue;
    }
    if (quote) {
      if (c == quote) quote = 0;
      else buf[n++] = (char)c;
      continue;
    }
    if (c == '\n' || c == ' ' || c == '\t') {
      if (any) { *eol = c == '\n'; break; }
      continue;
    }
    any = 1;
    if (c == '\'' || c == '"') quote = c;
    else if (c == '\\') {
      c = getchar();
      if (c != EOF) buf[n++] = (char)c;
    } else buf[n++] = (char)c;
  }
  if (quote) {
    warnx_("unmatched %s quote", quote == '"' ? "double" : "single");
    exit(1);
  }
  if (!any && c == EOF) return NULL;
  buf[n] = 0;
  return buf;
}

static char *replace(const char *arg, const char *repl, const char *item) {
  size_t rl = strlen(repl), il = strlen(item), n = 0;
  for (const char *p = arg; (p = strstr(p, repl)); p += rl) n++;
  char *out = malloc(strlen(arg) + n * il + 1), *o = out;
  for (const char *p = arg; *p;) {
    if (rl && strncmp(p, repl, rl) == 0) {
      memcpy(o, item, il);
      o += il;
      p += rl;
    } else *o++ = *p++;
  }
  *o = 0;
  return out;
}

int main(int argc, char **argv) {
  prog = "xargs";
  int nul = 0, delim = -1, maxn = 0, maxl = 0, noempty = 0, opt;
  const char *repl = NULL;
  long size = 128 * 1024;
  while ((opt = getopt(argc, argv, "+0d:n:L:I:rts:")) != -1) {
    switch (opt) {
      case '0': nul = 1; break;
      case 'd': delim = (unsigned char)optarg[0]; if (!strcmp(optarg, "\\n")) delim = '\n'; break;
      case 'n': maxn = atoi(optarg); break;
      case 'L': maxl = atoi(optarg); break;
      case 'I': repl = optarg; maxl = 1; break;
      case 'r': noempty = 1; break;
      case 't': trace = 1; break;
      case 's': size = atol(optarg); break;
      default:
        fprintf(stderr, "usage: xargs [-0] [-d DELIM] [-n MAX] [-L LINES] [-I REPL] [-r] [-t] [CMD [ARG...]]\n");
        return 1;
    }
  }
  char *defcmd[] = {"echo", NULL};
  char **cmd = optind < argc ? argv + optind : defcmd;
  int ncmd = optind < argc ? argc - optind : 1;
  size_t cap = 64, used = 0;
  char **items = malloc(cap * sizeof *items);
  long bytes = 0;
  int lines = 0, ran = 0, eol, done = 0;
  while (!done) {
    // With -I an item is a whole input line, leading blanks dropped.
    char *it = next_item(nul, repl && !nul && delim < 0 ? '\n' : delim, &eol);
    if (it && repl && !nul && delim < 0) {
      while (*it == ' ' || *it == '\t') it++;
      eol = 1;
    }
    if (!it) done = 1;
    else {
      if (used + 1 >= cap) items = realloc(items, (cap *= 2) * sizeof *items);
      items[used++] = strdup(it);
      bytes += (long)strlen(it) + 1;
      if (eol || maxl == 0) lines += eol;
    }
    int full = (maxn && (int)used >= maxn) || (maxl && lines >= maxl) || bytes >= size;
    if (!(full || (done && (used > 0 || (!ran && !noempty))))) continue;
    if (done && used == 0 && (ran || noempty || repl)) break;
    char **av = calloc((size_t)ncmd + used + 1, sizeof *av);
    int k = 0;
    if (repl) {
      const char *item = used ? items[0] : "";
      for (int i = 0; i < ncmd; i++) av[k++] = replace(cmd[i], repl, item);
    } else {
      for (int i = 0; i < ncmd; i++) av[k++] = cmd[i];
      for (size_t i = 0; i < used; i++) av[k++] = items[i];
    }
    av[k] = NULL;
    run(av);
    ran = 1;
    if (repl) for (int i = 0; i < ncmd; i++) free(av[i]);
    free(av);
    for (size_t i = 0; i < used; i++) free(items[i]);
    used = 0;
    bytes = 0;
    lines = 0;
  }
  return status;
}
