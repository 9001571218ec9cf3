/*
 * test, [: evaluate a conditional expression; status 0 true, 1 false,
 * 2 on a usage error. Every POSIX primary: -b -c -d -e -f -g -h -L -n -p
 * -r -S -s -t -u -w -x -z, = != (and ==), -eq -ne -gt -ge -lt -le, -nt -ot
 * -ef, ! ( ) -a -o. One to four arguments follow POSIX's rules by count
 * (so "test -f" and "test ! =" mean what POSIX says); longer expressions
 * parse with -a binding tighter than -o. Invoked as "[" the last argument
 * must be "]". Spec: POSIX test.
 */
#include "lib/util.h"
#include <ctype.h>
#include <limits.h>

static char **args;
static int nargs, ap;

static void syntax(const char *fmt, const char *arg) {
  fflush(stdout);
  fprintf(stderr, "%s: ", prog);
  fprintf(stderr, fmt, arg);
  fputc('\n', stderr);
  exit(2);
}

static long long integer(const char *s) {
  const char *p = s;
  while (isspace((unsigned char)*p)) p++;
  char *end;
  errno = 0;
  long long v = strtoll(p, &end, 10);
  while (isspace((unsigned char)*end)) end++;
  if (end == p || *end || errno) syntax("invalid integer '%s'", s);
  return v;
}

static int is_unary(const char *s) {
  return s[0] == '-' && s[1] && !s[2] && strchr("bcdefghkLnprsStuwxzGO", s[1]);
}

static int is_binary(const char *s) {
  static const char *ops[] = {"=", "==", "!=", "-eq", "-ne", "-gt", "-ge", "-lt", "-le", "-nt", "-ot", "-ef", "<", ">", NULL};
  for (int i = 0; ops[i]; i++) if (strcmp(s, ops[i]) == 0) return 1;
  return 0;
}

static int unary(const char *op, const char *a) {
  struct stat st;
  char c = op[1];
  if (c == 'n') return *a != 0;
  if (c == 'z') return *a == 0;
  if (c == 't') return isatty((int)integer(a));
  if (c == 'h' || c == 'L') return lstat(a, &st) == 0 && S_ISLNK(st.st_mode);
  if (stat(a, &st) != 0) return 0;
  switch (c) {
  case 'b': return S_ISBLK(st.st_mode);
  case 'c': return S_ISCHR(st.st_mode);
  case 'd': return S_ISDIR(st.st_mode);
  case 'e': return 1;
  case 'f': return S_ISREG(st.st_mode);
  case 'g': return (st.st_mode & S_ISGID) != 0;
  case 'k': return (st.st_mode & S_ISVTX) != 0;
  case 'p': return S_ISFIFO(st.st_mode);
  case 'S': return S_ISSOCK(st.st_mode);
  case 's': return st.st_size > 0;
  case 'u': return (st.st_mode & S_ISUID) != 0;
  case 'r': return access(a, R_OK) == 0;
  case 'w': return access(a, W_OK) == 0;
  case 'x': return access(a, X_OK) == 0 && (S_ISDIR(st.st_mode) || (st.st_mode & 0111));
  case 'G': case 'O': return 1;
  }
  return 0;
}

static int mtime_cmp(const struct stat *a, const struct stat *b) {
  if (a->st_mtim.tv_sec != b->st_mtim.tv_sec) return a->st_mtim.tv_sec < b->st_mtim.tv_sec ? -1 : 1;
  return (a->st_mtim.tv_nsec > b->st_mtim.tv_nsec) - (a->st_mtim.tv_nsec < b->st_mtim.tv_nsec);
}

static int binary(const char *a, const char *op, const char *b) {
  if (!strcmp(op, "=") || !strcmp(op, "==")) return strcmp(a, b) == 0;
  if (!strcmp(op, "!=")) return strcmp(a, b) != 0;
  if (!strcmp(op, "<")) return strcmp(a, b) < 0;
  if (!strcmp(op, ">")) return strcmp(a, b) > 0;
  if (op[0] == '-' && (op[1] == 'n' || op[1] == 'o') && op[2] == 't') {
    struct stat x, y;
    int hx = stat(a, &x) == 0, hy = stat(b, &y) == 0;
    if (op[1] == 'n') return hx && (!hy || mtime_cmp(&x, &y) > 0);
    return hy && (!hx || mtime_cmp(&x, &y) < 0);
  }
  if (!strcmp(op, "-ef")) {
    struct stat x, y;
    return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
  }
  long long x = integer(a), y = integer(b);
  if (!strcmp(op, "-eq")) return x == y;
  if (!strcmp(op, "-ne")) return x != y;
  if (!strcmp(op, "-gt")) return x > y;
  if (!strcmp(op, "-ge")) return x >= y;
  if (!strcmp(op, "-lt")) return x < y;
  return x <= y;
}

static int expr_or(void);

static int primary(void) {
  if (ap >= nargs) syntax("%sargument expected", "");
  const char *a = args[ap];
  if (!strcmp(a, "!")) { ap++; return !primary(); }
  if (!strcmp(a, "(")) {
    ap++;
    int v = expr_or();
    if (ap >= nargs || strcmp(args[ap], ")")) syntax("')' expected%s", "");
    ap++;
    return v;
  }
  if (ap + 2 < nargs && is_binary(args[ap + 1])) {
    ap += 3;
    return binary(a, args[ap - 2], args[ap - 1]);
  }
  if (is_unary(a)) {
    if (ap + 1 >= nargs) syntax("missing argument after '%s'", a);
    ap += 2;
    return unary(a, args[ap - 1]);
  }
  ap++;
  return *a != 0;
}

static int expr_and(void) {
  int v = primary();
  while (ap < nargs && !strcmp(args[ap], "-a")) { ap++; v = primary() && v; }
  return v;
}

static int expr_or(void) {
  int v = expr_and();
  while (ap < nargs && !strcmp(args[ap], "-o")) { ap++; v = expr_and() || v; }
  return v;
}

/* POSIX's rules for 0-4 arguments, then the general grammar. */
static int eval(int start, int n) {
  char **a = args + start;
  switch (n) {
  case 0: return 0;
  case 1: return a[0][0] != 0;
  case 2:
    if (!strcmp(a[0], "!")) return !eval(start + 1, 1);
    if (is_unary(a[0])) return unary(a[0], a[1]);
    if (is_binary(a[1])) syntax("missing argument after '%s'", a[1]);
    syntax("'%s': unary operator expected", a[0]);
    break;
  case 3:
    if (is_binary(a[1])) return binary(a[0], a[1], a[2]);
    if (!strcmp(a[1], "-a")) return a[0][0] && a[2][0];
    if (!strcmp(a[1], "-o")) return a[0][0] || a[2][0];
    if (!strcmp(a[0], "!")) return !eval(start + 1, 2);
    if (!strcmp(a[0], "(") && !strcmp(a[2], ")")) return eval(start + 1, 1);
    syntax("'%s': binary operator expected", a[1]);
    break;
  case 4:
    if (!strcmp(a[0], "!")) return !eval(start + 1, 3);
    if (!strcmp(a[0], "(") && !strcmp(a[3], ")")) return eval(start + 1, 2);
    break;
  }
  ap = start;
  int v = expr_or();
  if (ap < nargs) syntax("extra argument '%s'", args[ap]);
  return v;
}

int main(int argc, char **argv) {
  char b[PATH_MAX];
  base_name(argv[0] ? argv[0] : "test", b, sizeof b);
  int bracket = strcmp(b, "[") == 0 || strcmp(b, "[.wasm") == 0;
  prog = bracket ? "[" : "test";
  args = argv + 1;
  nargs = argc - 1;
  if (bracket) {
    if (nargs < 1 || strcmp(args[nargs - 1], "]")) syntax("missing ']'%s", "");
    nargs--;
  }
  return eval(0, nargs) ? 0 : 1;
}
