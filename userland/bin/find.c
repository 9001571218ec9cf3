/*
 * find: walk directory trees and evaluate an expression for each file.
 * find [-H|-L|-P] [PATH...] [EXPRESSION]; no PATH means ".".
 * Tests: -name -iname -path -ipath -wholename (fnmatch), -type [bcdflps],
 * -size [+-]N[cwbkMG], -empty, -newer FILE, -mtime/-atime/-ctime [+-]N,
 * -mmin/-amin/-cmin [+-]N, -links [+-]N, -inum N, -true, -false.
 * Actions: -print, -print0, -prune, -delete, -quit, -exec CMD {} ; (true when
 * CMD exits 0), -exec CMD {} + (batched; find exits 1 if a batch fails),
 * -execdir (run from the file's directory on ./NAME), -ok (asks on stderr,
 * reads the answer from stdin). Operators: ( ) ! -not
 * -a -and -o -or, and juxtaposition (an implicit -a).
 * Options: -maxdepth N, -mindepth N, -depth/-d, -xdev (accepted), -follow.
 * Without an action, -print is implied for every file the expression holds
 * for. Entries are visited in readdir order, directories before their contents
 * (after with -depth or -delete). Spec: POSIX find.
 */
#include "lib/util.h"
#include <ctype.h>
#include <dirent.h>
#include <fnmatch.h>
#include <time.h>
#include <spawn.h>
#include <sys/wait.h>

extern char **environ;

enum kind { N_AND, N_OR, N_NOT, N_TRUE, N_FALSE, N_NAME, N_PATH, N_TYPE, N_SIZE, N_EMPTY, N_NEWER,
            N_TIME, N_LINKS, N_INUM, N_PRINT, N_PRINT0, N_PRUNE, N_DELETE, N_QUIT, N_EXEC };

/* -exec and friends: the command words, and a batch for "+". */
struct exec {
  char **argv;        /* words; "{}" is replaced */
  int argc;
  int plus, dir, ok;
  char **batch;       /* "+" paths waiting */
  size_t nbatch;
};

struct node {
  enum kind kind;
  struct node *l, *r;
  const char *str;
  int icase;
  char cmp;            /* '+', '-' or '=' for numeric tests */
  long long num;
  long long unit;      /* -size units; -mtime: seconds per unit */
  char which;          /* -mtime: 'm', 'a' or 'c' */
  struct timespec t;   /* -newer */
  struct exec *ex;     /* -exec */
};

static struct exec **execs;   /* every -exec ... + to flush at the end */
static size_t nexecs;

static char **toks;
static int ntoks, tp;
static int maxdepth = -1, mindepth = 0, depth_first, follow, has_action, quit, status;
static time_t now;
static int prune_flag;

static struct node *mk(enum kind k) {
  struct node *n = xmalloc(sizeof *n);
  memset(n, 0, sizeof *n);
  n->kind = k;
  return n;
}

static const char *need_arg(const char *pred) {
  if (tp >= ntoks) diex_(1, "missing argument to `%s'", pred);
  return toks[tp++];
}

static long long parse_num(const char *s, char *cmp, const char *pred) {
  *cmp = '=';
  if (*s == '+' || *s == '-') *cmp = *s++;
  char *end;
  if (!isdigit((unsigned char)*s)) diex_(1, "invalid argument `%s' to `%s'", s, pred);
  long long v = strtoll(s, &end, 10);
  if (*end && !strchr("cwbkMG", *end)) diex_(1, "invalid argument `%s' to `%s'", s, pred);
  return v;
}

static struct node *parse_or(void);

static struct node *parse_primary(void) {
  if (tp >= ntoks) diex_(1, "expected an expression");
  const char *t = toks[tp++];
  struct node *n;
  if (!strcmp(t, "(")) {
    n = parse_or();
    if (tp >= ntoks || strcmp(toks[tp], ")")) diex_(1, "invalid expression; I was expecting to find a ')' somewhere but did not see one.");
    tp++;
    return n;
  }
  if (!strcmp(t, "!") || !strcmp(t, "-not")) {
    n = mk(N_NOT);
    n->l = parse_primary();
    return n;
  }
  if (!strcmp(t, "-name") || !strcmp(t, "-iname")) {
    n = mk(N_NAME);
    n->str = need_arg(t);
    n->icase = t[1] == 'i';
    return n;
  }
  if (!strcmp(t, "-path") || !strcmp(t, "-ipath") || !strcmp(t, "-wholename") || !strcmp(t, "-iwholename")) {
    n = mk(N_PATH);
    n->str = need_arg(t);
    n->icase = t[1] == 'i';
    return n;
  }
  if (!strcmp(t, "-type")) {
    n = mk(N_TYPE);
    n->str = need_arg(t);
    for (const char *p = n->str; *p; p++)
      if (!strchr("bcdflps,", *p)) diex_(1, "Unknown argument to -type: %s", n->str);
    return n;
  }
  if (!strcmp(t, "-size")) {
    n = mk(N_SIZE);
    const char *a = need_arg(t);
    n->num = parse_num(a, &n->cmp, t);
    char u = a[strlen(a) - 1];
    n->unit = u == 'c' ? 1 : u == 'w' ? 2 : u == 'k' ? 1024 : u == 'M' ? 1048576 : u == 'G' ? 1073741824LL : 512;
    return n;
  }
  if (!strcmp(t, "-empty")) return mk(N_EMPTY);
  if (!strcmp(t, "-true")) return mk(N_TRUE);
  if (!strcmp(t, "-false")) return mk(N_FALSE);
  if (!strcmp(t, "-newer")) {
    n = mk(N_NEWER);
    const char *f = need_arg(t);
    struct stat st;
    if (stat(f, &st) != 0) die_(1, "'%s'", f);
    n->t = st.st_mtim;
    return n;
  }
  if (!strcmp(t, "-mtime") || !strcmp(t, "-atime") || !strcmp(t, "-ctime") ||
      !strcmp(t, "-mmin") || !strcmp(t, "-amin") || !strcmp(t, "-cmin")) {
    n = mk(N_TIME);
    n->num = parse_num(need_arg(t), &n->cmp, t);
    n->which = t[1];
    n->unit = t[2] == 't' ? 86400 : 60;
    return n;
  }
  if (!strcmp(t, "-links") || !strcmp(t, "-inum")) {
    n = mk(t[1] == 'l' ? N_LINKS : N_INUM);
    n->num = parse_num(need_arg(t), &n->cmp, t);
    return n;
  }
  if (!strcmp(t, "-print")) { has_action = 1; return mk(N_PRINT); }
  if (!strcmp(t, "-print0")) { has_action = 1; return mk(N_PRINT0); }
  if (!strcmp(t, "-prune")) return mk(N_PRUNE);
  if (!strcmp(t, "-quit")) { has_action = 1; return mk(N_QUIT); }
  if (!strcmp(t, "-delete")) { has_action = 1; depth_first = 1; return mk(N_DELETE); }
  /* options: they hold true wherever they appear */
  if (!strcmp(t, "-maxdepth") || !strcmp(t, "-mindepth")) {
    const char *a = need_arg(t);
    char *end;
    long v = strtol(a, &end, 10);
    if (end == a || *end || v < 0) diex_(1, "Expected a positive decimal integer argument to %s, but got `%s'", t, a);
    if (t[2] == 'a') maxdepth = (int)v; else mindepth = (int)v;
    return mk(N_TRUE);
  }
  if (!strcmp(t, "-depth") || !strcmp(t, "-d")) { depth_first = 1; return mk(N_TRUE); }
  if (!strcmp(t, "-follow")) { follow = 1; return mk(N_TRUE); }
  if (!strcmp(t, "-xdev") || !strcmp(t, "-mount") || !strcmp(t, "-noleaf")) return mk(N_TRUE);
  if (!strcmp(t, "-exec") || !strcmp(t, "-execdir") || !strcmp(t, "-ok") || !strcmp(t, "-okdir")) {
    n = mk(N_EXEC);
    struct exec *ex = xmalloc(sizeof *ex);
    memset(ex, 0, sizeof *ex);
    ex->dir = strstr(t, "dir") != NULL;
    ex->ok = t[1] == 'o';
    ex->argv = toks + tp;
    while (tp < ntoks && strcmp(toks[tp], ";") && !(strcmp(toks[tp], "+") == 0 && tp > 0 && strcmp(toks[tp - 1], "{}") == 0)) tp++;
    if (tp >= ntoks) diex_(1, "missing argument to `%s'", t);
    ex->argc = (int)(toks + tp - ex->argv);
    ex->plus = toks[tp][0] == '+';
    if (ex->plus && ex->ok) diex_(1, "missing argument to `%s'", t);
    tp++;
    if (ex->argc == 0) diex_(1, "missing argument to `%s'", t);
    if (ex->plus) { execs = xrealloc(execs, sizeof *execs * (nexecs + 1)); execs[nexecs++] = ex; }
    n->ex = ex;
    has_action = 1;
    return n;
  }
  if (t[0] == '-' && t[1]) diex_(1, "unknown predicate `%s'", t);
  diex_(1, "paths must precede expression: `%s'", t);
  return NULL;
}

static int is_op(const char *t, const char *a, const char *b) { return !strcmp(t, a) || !strcmp(t, b); }

static struct node *parse_and(void) {
  struct node *l = parse_primary();
  while (tp < ntoks && strcmp(toks[tp], ")") && !is_op(toks[tp], "-o", "-or")) {
    if (is_op(toks[tp], "-a", "-and")) tp++;
    struct node *n = mk(N_AND);
    n->l = l;
    n->r = parse_primary();
    l = n;
  }
  return l;
}

static struct node *parse_or(void) {
  struct node *l = parse_and();
  while (tp < ntoks && is_op(toks[tp], "-o", "-or")) {
    tp++;
    struct node *n = mk(N_OR);
    n->l = l;
    n->r = parse_and();
    l = n;
  }
  return l;
}

/* Replace every "{}" in word by path. */
static char *subst(const char *word, const char *path) {
  size_t n = 0, pl = strlen(path);
  for (const char *p = strstr(word, "{}"); p; p = strstr(p + 2, "{}")) n++;
  char *out = xmalloc(strlen(word) + n * pl + 1), *o = out;
  for (const char *p = word; *p;) {
    if (p[0] == '{' && p[1] == '}') { memcpy(o, path, pl); o += pl; p += 2; }
    else *o++ = *p++;
  }
  *o = 0;
  return out;
}

/* Run argv (in dir when not NULL); the exit status, or -1 when it could not run. */
static int run_cmd(char **argv, const char *dir) {
  fflush(stdout);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (dir) posix_spawn_file_actions_addchdir_np(&fa, dir);
  pid_t pid;
  int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) { errno = rc; warn_("'%s'", argv[0]); return 127; }   /* as GNU: not a find error */
  int st;
  while (waitpid(pid, &st, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void flush_batch(struct exec *ex) {
  if (!ex->nbatch) return;
  int n = ex->argc - 1 + (int)ex->nbatch;
  char **argv = xmalloc(sizeof *argv * (size_t)(n + 1));
  int k = 0;
  for (int i = 0; i < ex->argc - 1; i++) argv[k++] = ex->argv[i];
  for (size_t i = 0; i < ex->nbatch; i++) argv[k++] = ex->batch[i];
  argv[k] = NULL;
  if (run_cmd(argv, NULL) != 0) status = 1;
  for (size_t i = 0; i < ex->nbatch; i++) free(ex->batch[i]);
  ex->nbatch = 0;
  free(argv);
}

static int do_exec(struct exec *ex, const char *path) {
  if (ex->plus) {
    ex->batch = xrealloc(ex->batch, sizeof *ex->batch * (ex->nbatch + 1));
    ex->batch[ex->nbatch++] = xstrdup(path);
    if (ex->nbatch >= 1024) flush_batch(ex);
    return 1;
  }
  char *dir = NULL, *arg = (char *)path;
  if (ex->dir) {
    const char *slash = strrchr(path, '/');
    dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
    arg = xmalloc(strlen(path) + 3);
    strcpy(arg, "./");
    strcat(arg, slash ? slash + 1 : path);
  }
  char **argv = xmalloc(sizeof *argv * (size_t)(ex->argc + 1));
  for (int i = 0; i < ex->argc; i++) argv[i] = subst(ex->argv[i], arg);
  argv[ex->argc] = NULL;
  int yes = 1;
  if (ex->ok) {
    fflush(stdout);
    fprintf(stderr, "< %s ... %s > ? ", argv[0], arg);
    char line[64];
    yes = fgets(line, sizeof line, stdin) && (line[0] == 'y' || line[0] == 'Y');
  }
  int rc = yes ? run_cmd(argv, dir) : 1;
  for (int i = 0; i < ex->argc; i++) free(argv[i]);
  free(argv);
  if (dir) { free(dir); free(arg); }
  return rc == 0;
}

static int num_cmp(char cmp, long long have, long long want) {
  return cmp == '+' ? have > want : cmp == '-' ? have < want : have == want;
}

static char type_char(mode_t m) {
  return S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISREG(m) ? 'f' : S_ISCHR(m) ? 'c' : S_ISBLK(m) ? 'b'
       : S_ISFIFO(m) ? 'p' : S_ISSOCK(m) ? 's' : '?';
}

static int is_empty(const char *path, const struct stat *st) {
  if (S_ISREG(st->st_mode)) return st->st_size == 0;
  if (!S_ISDIR(st->st_mode)) return 0;
  DIR *d = opendir(path);
  if (!d) return 0;
  struct dirent *e;
  int empty = 1;
  while ((e = readdir(d)) != NULL)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) { empty = 0; break; }
  closedir(d);
  return empty;
}

static int eval(struct node *n, const char *path, const char *name, const struct stat *st) {
  switch (n->kind) {
  case N_AND: return eval(n->l, path, name, st) && eval(n->r, path, name, st);
  case N_OR: return eval(n->l, path, name, st) || eval(n->r, path, name, st);
  case N_NOT: return !eval(n->l, path, name, st);
  case N_TRUE: return 1;
  case N_FALSE: return 0;
  case N_NAME: return fnmatch(n->str, name, n->icase ? FNM_CASEFOLD : 0) == 0;
  case N_PATH: return fnmatch(n->str, path, n->icase ? FNM_CASEFOLD : 0) == 0;
  case N_TYPE: return strchr(n->str, type_char(st->st_mode)) != NULL;
  case N_SIZE: {
    long long units = n->unit == 1 ? st->st_size : (st->st_size + n->unit - 1) / n->unit;
    return num_cmp(n->cmp, units, n->num);
  }
  case N_EMPTY: return is_empty(path, st);
  case N_NEWER:
    return st->st_mtim.tv_sec > n->t.tv_sec || (st->st_mtim.tv_sec == n->t.tv_sec && st->st_mtim.tv_nsec > n->t.tv_nsec);
  case N_TIME: {
    time_t t = n->which == 'a' ? st->st_atim.tv_sec : n->which == 'c' ? st->st_ctim.tv_sec : st->st_mtim.tv_sec;
    long long age = (long long)(now - t);
    long long units = age / n->unit;   /* whole units, rounded down, as POSIX says */
    if (n->unit == 60 && age % 60) units = (age + 59) / 60;
    return num_cmp(n->cmp, units, n->num);
  }
  case N_LINKS: return num_cmp(n->cmp, (long long)st->st_nlink, n->num);
  case N_INUM: return num_cmp(n->cmp, (long long)st->st_ino, n->num);
  case N_PRINT: puts(path); return 1;
  case N_PRINT0: fputs(path, stdout); putchar(0); return 1;
  case N_PRUNE: prune_flag = 1; return 1;
  case N_QUIT: quit = 1; return 1;
  case N_EXEC: return do_exec(n->ex, path);
  case N_DELETE:
    if ((S_ISDIR(st->st_mode) ? rmdir(path) : unlink(path)) != 0) {
      if (strcmp(path, ".") == 0) return 1;
      warn_("cannot delete '%s'", path);
      status = 1;
      return 0;
    }
    return 1;
  }
  return 0;
}

static struct node *expr;

static void visit(const char *path, int depth, int top) {
  if (quit) return;
  struct stat st;
  int r = (follow || (top && follow >= 0 && 0)) ? stat(path, &st) : lstat(path, &st);
  if (r != 0 && follow) r = lstat(path, &st);
  if (r != 0) { warn_("'%s'", path); status = 1; return; }
  char b[4096];
  const char *name = base_name(path, b, sizeof b);
  int in_range = depth >= mindepth && (maxdepth < 0 || depth <= maxdepth);
  prune_flag = 0;
  if (!depth_first && in_range) {
    if (eval(expr, path, name, &st) && !has_action) puts(path);
  }
  int pruned = prune_flag && !depth_first;
  if (S_ISDIR(st.st_mode) && !pruned && (maxdepth < 0 || depth < maxdepth) && !quit) {
    DIR *d = opendir(path);
    if (!d) {
      warn_("'%s'", path);
      status = 1;
    } else {
      char **names = NULL;
      size_t n = 0;
      struct dirent *e;
      while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        names = xrealloc(names, sizeof *names * (n + 1));
        names[n++] = xstrdup(e->d_name);
      }
      closedir(d);
      for (size_t i = 0; i < n; i++) {
        char *p = path_join(path, names[i]);
        visit(p, depth + 1, 0);
        free(p);
        free(names[i]);
      }
      free(names);
    }
  }
  if (depth_first && in_range && !quit) {
    if (eval(expr, path, name, &st) && !has_action) puts(path);
  }
}

int main(int argc, char **argv) {
  prog = "find";
  now = time(NULL);
  int i = 1;
  for (; i < argc; i++) {
    if (!strcmp(argv[i], "-H") || !strcmp(argv[i], "-P")) continue;
    if (!strcmp(argv[i], "-L")) { follow = 1; continue; }
    break;
  }
  int first_path = i;
  while (i < argc && !(argv[i][0] == '-' && argv[i][1]) && strcmp(argv[i], "(") && strcmp(argv[i], "!")) i++;
  int npaths = i - first_path;
  toks = argv + i;
  ntoks = argc - i;
  tp = 0;
  expr = ntoks ? parse_or() : mk(N_TRUE);
  if (tp < ntoks) diex_(1, "unexpected extra predicate '%s'", toks[tp]);
  if (npaths == 0) visit(".", 0, 1);
  for (int k = 0; k < npaths && !quit; k++) visit(argv[first_path + k], 0, 1);
  for (size_t k = 0; k < nexecs; k++) flush_batch(execs[k]);
  if (fflush(stdout) != 0) die_(1, "write error");
  return status;
}
