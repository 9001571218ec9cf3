/*
 * test and [, for the shell's builtin and /bin/test alike (cmd.h): POSIX's
 * rules by argument count (0 to 4 arguments), then a recursive descent for
 * longer expressions with ! -a -o and parentheses (-a binds tighter than -o).
 * Primaries: -b -c -d -e -f -g -h -L -k -n -p -r -S -s -t -u -w -x -z -O -G,
 * = == != < >, -eq -ne -lt -le -gt -ge, -nt -ot -ef. Diagnostics as dash
 * words them ("Illegal number: x", "missing ]"); errors set a flag rather than
 * exit, so the shell lives on (status 2).
 * Spec: POSIX XCU test.
 */
#include "cmd.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct targs {
  char **v;
  int n, i;
  int err;
  const char *name;
  report_fn *report;
};

static const char *const unary_ops[] = {"-b", "-c", "-d", "-e", "-f", "-g", "-h", "-L", "-n", "-p", "-r",
                                        "-S", "-s", "-t", "-u", "-w", "-x", "-z", "-k", "-O", "-G", NULL};
static const char *const binary_ops[] = {"=", "==", "!=", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge",
                                         "-nt", "-ot", "-ef", NULL};

static int in_list(const char *s, const char *const *l) {
  for (int i = 0; l[i]; i++)
    if (strcmp(s, l[i]) == 0) return 1;
  return 0;
}

/* The first error only: "NAME: MSG" (MSG a format with at most one %s). */
static void terror(struct targs *t, const char *fmt, const char *arg) {
  if (t->err) return;
  t->err = 1;
  char msg[256];
  snprintf(msg, sizeof msg, fmt, arg ? arg : "");
  t->report("%s: %s", t->name, msg);
}

static intmax_t number(struct targs *t, const char *s) {
  const char *p = s;
  while (*p == ' ' || *p == '\t') p++;
  char *end;
  errno = 0;
  intmax_t v = strtoimax(p, &end, 10);
  while (*end == ' ' || *end == '\t') end++;
  if (end == p || *end || errno) {
    terror(t, "Illegal number: %s", s);
    return 0;
  }
  return v;
}

static int unary(struct targs *t, const char *op, const char *arg) {
  struct stat st;
  switch (op[1]) {
  case 'n': return *arg != 0;
  case 'z': return *arg == 0;
  case 't': return isatty((int)number(t, arg));
  case 'h':
  case 'L': return lstat(arg, &st) == 0 && S_ISLNK(st.st_mode);
  }
  if (stat(arg, &st) != 0) return 0;
  switch (op[1]) {
  case 'b': return S_ISBLK(st.st_mode);
  case 'c': return S_ISCHR(st.st_mode);
  case 'd': return S_ISDIR(st.st_mode);
  case 'e': return 1;
  case 'f': return S_ISREG(st.st_mode);
  case 'g': return (st.st_mode & S_ISGID) != 0;
  case 'k': return (st.st_mode & 01000) != 0;   /* S_ISVTX, which is XSI */
  case 'p': return S_ISFIFO(st.st_mode);
  case 'r': return access(arg, R_OK) == 0;
  case 'S': return S_ISSOCK(st.st_mode);
  case 's': return st.st_size > 0;
  case 'u': return (st.st_mode & S_ISUID) != 0;
  case 'w': return access(arg, W_OK) == 0;
  /* access() lets root execute anything; a file needs an execute bit. */
  case 'x': return access(arg, X_OK) == 0 && (S_ISDIR(st.st_mode) || (st.st_mode & 0111));
  case 'O': return st.st_uid == geteuid();
  case 'G': return st.st_gid == getegid();
  }
  return 0;
}

/* a's modification time against b's; a file that does not exist is older than any that does. */
static int mtime_cmp(const char *a, const char *b, int *ok) {
  struct stat sa, sb;
  int ra = stat(a, &sa), rb = stat(b, &sb);
  *ok = 1;
  if (ra && rb) {
    *ok = 0;
    return 0;
  }
  if (ra) return -1;
  if (rb) return 1;
  if (sa.st_mtim.tv_sec != sb.st_mtim.tv_sec) return sa.st_mtim.tv_sec < sb.st_mtim.tv_sec ? -1 : 1;
  if (sa.st_mtim.tv_nsec != sb.st_mtim.tv_nsec) return sa.st_mtim.tv_nsec < sb.st_mtim.tv_nsec ? -1 : 1;
  return 0;
}

static int binary(struct targs *t, const char *a, const char *op, const char *b) {
  if (strcmp(op, "=") == 0 || strcmp(op, "==") == 0) return strcmp(a, b) == 0;
  if (strcmp(op, "!=") == 0) return strcmp(a, b) != 0;
  if (strcmp(op, "<") == 0) return strcmp(a, b) < 0;
  if (strcmp(op, ">") == 0) return strcmp(a, b) > 0;
  if (strcmp(op, "-nt") == 0 || strcmp(op, "-ot") == 0) {
    int ok, c = mtime_cmp(a, b, &ok);
    return ok && (op[1] == 'n' ? c > 0 : c < 0);
  }
  if (strcmp(op, "-ef") == 0) {
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  }
  intmax_t x = number(t, a), y = number(t, b);
  if (strcmp(op, "-eq") == 0) return x == y;
  if (strcmp(op, "-ne") == 0) return x != y;
  if (strcmp(op, "-lt") == 0) return x < y;
  if (strcmp(op, "-le") == 0) return x <= y;
  if (strcmp(op, "-gt") == 0) return x > y;
  return x >= y;
}

static int expr_or(struct targs *t);

static int primary(struct targs *t) {
  if (t->i >= t->n) {
    terror(t, "argument expected", NULL);
    return 0;
  }
  const char *a = t->v[t->i];
  if (strcmp(a, "!") == 0) {
    t->i++;
    return !primary(t);
  }
  if (strcmp(a, "(") == 0 && t->i + 1 < t->n) {
    /* ( as a string operand of a binary operator: "( = (" */
    if (!(t->i + 2 < t->n && in_list(t->v[t->i + 1], binary_ops))) {
      t->i++;
      int r = expr_or(t);
      if (t->i >= t->n || strcmp(t->v[t->i], ")") != 0) {
        terror(t, "closing paren expected", NULL);
        return 0;
      }
      t->i++;
      return r;
    }
  }
  if (t->i + 2 < t->n && in_list(t->v[t->i + 1], binary_ops)) {
    int r = binary(t, a, t->v[t->i + 1], t->v[t->i + 2]);
    t->i += 3;
    return r;
  }
  if (in_list(a, unary_ops) && t->i + 1 < t->n) {
    int r = unary(t, a, t->v[t->i + 1]);
    t->i += 2;
    return r;
  }
  t->i++;
  return *a != 0;
}

static int expr_and(struct targs *t) {
  int r = primary(t);
  while (t->i < t->n && strcmp(t->v[t->i], "-a") == 0) {
    t->i++;
    int s = primary(t);
    r = r && s;
  }
  return r;
}

static int expr_or(struct targs *t) {
  int r = expr_and(t);
  while (t->i < t->n && strcmp(t->v[t->i], "-o") == 0) {
    t->i++;
    int s = expr_and(t);
    r = r || s;
  }
  return r;
}

/* POSIX's fixed rules for up to four arguments; -1 when they do not decide. */
static int by_count(struct targs *t, char **v, int n) {
  switch (n) {
  case 0: return 0;
  case 1: return *v[0] != 0;
  case 2:
    if (strcmp(v[0], "!") == 0) return *v[1] == 0;
    if (in_list(v[0], unary_ops)) return unary(t, v[0], v[1]);
    terror(t, "%s: unexpected operator", v[0]);
    return 0;
  case 3:
    if (in_list(v[1], binary_ops)) return binary(t, v[0], v[1], v[2]);
    /* -a and -o are binary primaries here, whatever the operands look like ("! -a x"). */
    if (strcmp(v[1], "-a") == 0) return *v[0] && *v[2];
    if (strcmp(v[1], "-o") == 0) return *v[0] || *v[2];
    if (strcmp(v[0], "!") == 0) return !by_count(t, v + 1, 2);
    if (strcmp(v[0], "(") == 0 && strcmp(v[2], ")") == 0) return *v[1] != 0;
    return -1; /* the general parser decides, and names the operand before an error as dash */
  case 4:
    if (strcmp(v[0], "!") == 0) return !by_count(t, v + 1, 3);
    if (strcmp(v[0], "(") == 0 && strcmp(v[3], ")") == 0) return by_count(t, v + 1, 2);
    return -1;
  }
  return -1;
}

int test_main(int argc, char **argv, report_fn *report) {
  struct targs t = {argv + 1, argc - 1, 0, 0, argv[0], report};
  if (strcmp(argv[0], "[") == 0) {
    if (argc < 2 || strcmp(argv[argc - 1], "]") != 0) {
      report("[: missing ]");
      return 2;
    }
    t.n--;
  }
  int r = by_count(&t, t.v, t.n);
  if (r < 0 && !t.err) {
    r = expr_or(&t);
    if (!t.err && t.i < t.n) terror(&t, "%s: unexpected operator", t.v[t.i > 0 ? t.i - 1 : 0]);
  }
  if (t.err) return 2;
  return !r;
}
