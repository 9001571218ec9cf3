/*
 * Builtins about input, output and the working directory: echo, printf,
 * test, read, cd, pwd, umask, getopts. Their output and messages follow dash's.
 * printf and test are /bin's too: one implementation each, in userland/common.
 * Spec: POSIX XCU echo, read, cd, pwd, umask, getopts.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/cmd.h"
#include "sh.h"

/* ---- echo: -n as the first argument; backslash escapes always (XSI) ---- */
int b_echo(int argc, char **argv) {
  int i = 1, nl = 1;
  if (i < argc && strcmp(argv[i], "-n") == 0) {
    nl = 0;
    i++;
  }
  struct str b;
  str_init(&b);
  for (; i < argc; i++) {
    const char *s = argv[i];
    while (*s) {
      if (*s != '\\' || !s[1]) {
        str_addc(&b, *s++);
        continue;
      }
      s++;
      char c = *s++;
      switch (c) {
      case 'a': str_addc(&b, '\a'); break;
      case 'b': str_addc(&b, '\b'); break;
      case 'c':
        out_mem(1, b.s ? b.s : "", b.len);
        str_free(&b);
        return 0;
      case 'e': str_addc(&b, 033); break;
      case 'f': str_addc(&b, '\f'); break;
      case 'n': str_addc(&b, '\n'); break;
      case 'r': str_addc(&b, '\r'); break;
      case 't': str_addc(&b, '\t'); break;
      case 'v': str_addc(&b, '\v'); break;
      case '\\': str_addc(&b, '\\'); break;
      case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
        int v = 0, n = 0;
        if (c == '0') {
          while (n < 3 && *s >= '0' && *s <= '7') v = v * 8 + (*s++ - '0'), n++;
        } else {
          v = c - '0';
          while (n < 2 && *s >= '0' && *s <= '7') v = v * 8 + (*s++ - '0'), n++;
        }
        str_addc(&b, v);
        break;
      }
      default:
        str_addc(&b, '\\');
        str_addc(&b, c);
      }
    }
    if (i + 1 < argc) str_addc(&b, ' ');
  }
  if (nl) str_addc(&b, '\n');
  out_mem(1, b.s ? b.s : "", b.len);
  str_free(&b);
  return 0;
}

/* ---- printf, test and [: one implementation with /bin's (userland/common); printf's
 * output goes through fd 1's buffer, so command substitution captures it ---- */
static void out1(const char *s, size_t n) {
  out_mem(1, s, n);
}

int b_printf(int argc, char **argv) {
  static const struct cmd_io io = {out1, sh_error};
  return printf_main(argc, argv, &io);
}

int b_test(int argc, char **argv) {
  return test_main(argc, argv, sh_error);
}

/* ---- read ---- */
static int is_ifs(int c, const char *ifs) { return c && strchr(ifs, c) != NULL; }
static int is_ws(int c) { return c == ' ' || c == '\t' || c == '\n'; }

/*
 * read's input: one byte per read(2) from a pipe or terminal (the rest of the
 * line belongs to whoever reads next), but a block at a time from a regular
 * file, giving back what was not used with lseek — a syscall per line
 * rather than per byte.
 */
struct rdbuf {
  char buf[512];
  int n, pos, seekable;
};

static int rd_getc(struct rdbuf *r, int *err) {
  if (r->pos < r->n) return (unsigned char)r->buf[r->pos++];
  ssize_t got = read(0, r->buf, r->seekable ? sizeof r->buf : 1);
  if (got < 0) {
    *err = errno;
    return -1;
  }
  if (got == 0) return -1;
  r->n = (int)got;
  r->pos = 0;
  return (unsigned char)r->buf[r->pos++];
}

static void rd_done(struct rdbuf *r) {
  if (r->seekable && r->pos < r->n) lseek(0, -(off_t)(r->n - r->pos), SEEK_CUR);
  r->pos = r->n = 0;
}

int b_read(int argc, char **argv) {
  struct bopt o = {0};
  int raw = 0, c;
  const char *prompt = NULL;
  while ((c = bgetopt(&o, argc, argv, "rp:", "read")) != 0) {
    if (c == '?') return 2;
    if (c == 'r') raw = 1;
    if (c == 'p') prompt = o.arg;
  }
  if (o.ind >= argc) {
    sh_error("read: arg count");
    return 2;
  }
  if (prompt && isatty(0)) out_str(2, prompt);
  out_flush(1);
  /* The line, with a flag per byte: escaped bytes are never separators. */
  struct str line, esc;
  str_init(&line);
  str_init(&esc);
  int eof = 0;
  struct rdbuf rb;
  rb.n = rb.pos = 0;
  rb.seekable = lseek(0, 0, SEEK_CUR) >= 0;
  for (;;) {
    int err = 0;
    int ch = rd_getc(&rb, &err);
    if (ch < 0 && err == EINTR) {
      if (pending_signals) {
        trap_run_pending();
        str_free(&line);
        str_free(&esc);
        return 128 + last_signal;
      }
      continue;
    }
    if (ch < 0) {
      eof = 1;
      break;
    }
    if (ch == '\n') break;
    if (ch == '\\' && !raw) {
      ch = rd_getc(&rb, &err);
      if (ch < 0) {
        eof = 1;
        break;
      }
      if (ch == '\n') continue;
      str_addc(&line, ch);
      str_addc(&esc, 1);
      continue;
    }
    str_addc(&line, ch);
    str_addc(&esc, 0);
  }
  rd_done(&rb);
  const char *ifs = var_get("IFS");
  if (!ifs) ifs = " \t\n";
  int nvars = argc - o.ind;
  char **vars = argv + o.ind;
  const char *s = line.s ? line.s : "";
  const char *e = esc.s ? esc.s : "";
  size_t n = line.len, i = 0;
  for (int v = 0; v < nvars; v++) {
    /* Skip leading IFS whitespace. */
    while (i < n && !e[i] && is_ws(s[i]) && is_ifs(s[i], ifs)) i++;
    struct str val;
    str_init(&val);
    if (v == nvars - 1) {
      /* The rest, less trailing IFS whitespace and one trailing non-whitespace separator. */
      /* The rest, less trailing IFS whitespace; a trailing non-whitespace
       * separator goes too when the rest is a single field (dash's rule). */
      size_t end = n;
      while (end > i && !e[end - 1] && is_ws(s[end - 1]) && is_ifs(s[end - 1], ifs)) end--;
      if (end > i && !e[end - 1] && is_ifs(s[end - 1], ifs) && !is_ws(s[end - 1])) {
        int single = 1;
        for (size_t q = i; q < end - 1; q++)
          if (!e[q] && is_ifs(s[q], ifs)) single = 0;
        if (single) end--;
      }
      str_addn(&val, s + i, end - i);
      i = n;
    } else {
      while (i < n && (e[i] || !is_ifs(s[i], ifs))) str_addc(&val, s[i++]);
      /* The separator: whitespace, at most one non-whitespace, whitespace. */
      while (i < n && !e[i] && is_ws(s[i]) && is_ifs(s[i], ifs)) i++;
      if (i < n && !e[i] && is_ifs(s[i], ifs) && !is_ws(s[i])) i++;
    }
    if (var_set(vars[v], val.s ? val.s : "", 0) < 0) {
      str_free(&val);
      str_free(&line);
      str_free(&esc);
      return 2;
    }
    str_free(&val);
  }
  str_free(&line);
  str_free(&esc);
  return eof ? 1 : 0;
}

/* ---- cd and pwd ---- */
static char *physical_cwd(void) {
  static char buf[4096];
  if (!getcwd(buf, sizeof buf)) return NULL;
  return buf;
}

void pwd_init(void) {
  const char *pwd = var_get("PWD");
  struct stat a, b;
  if (pwd && pwd[0] == '/' && stat(pwd, &a) == 0 && stat(".", &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
    var_set("PWD", pwd, V_EXPORT);
    return;
  }
  char *cwd = physical_cwd();
  if (cwd) var_set("PWD", cwd, V_EXPORT);
}

/* Textual canonical form of an absolute path: no ., .., or repeated slashes. */
static char *canonical(const char *path) {
  char *out = stalloc(strlen(path) + 2);
  size_t n = 0;
  out[n++] = '/';
  const char *p = path;
  while (*p) {
    while (*p == '/') p++;
    if (!*p) break;
    const char *q = p;
    while (*q && *q != '/') q++;
    size_t len = (size_t)(q - p);
    if (len == 1 && p[0] == '.') {
    } else if (len == 2 && p[0] == '.' && p[1] == '.') {
      if (n > 1) {
        n--;
        while (n > 1 && out[n - 1] != '/') n--;
        if (n > 1) n--;
        if (n == 0) n = 1;
      }
    } else {
      if (n > 1) out[n++] = '/';
      memcpy(out + n, p, len);
      n += len;
    }
    p = q;
  }
  out[n] = 0;
  return out;
}

static int try_cd(const char *dir, int physical, char **newpwd) {
  const char *pwd = var_get("PWD");
  char *target;
  if (dir[0] == '/') target = ststrdup(dir);
  else {
    target = stalloc(strlen(pwd ? pwd : "/") + strlen(dir) + 2);
    sprintf(target, "%s/%s", pwd ? pwd : "", dir);
  }
  if (!physical) {
    char *c = canonical(target);
    if (chdir(c) == 0) {
      *newpwd = c;
      return 0;
    }
  }
  if (chdir(dir) != 0) return -1;
  *newpwd = physical ? physical_cwd() : canonical(target);
  if (!*newpwd) *newpwd = canonical(target);
  return 0;
}

int b_cd(int argc, char **argv) {
  struct bopt o = {0};
  int physical = 0, c;
  while ((c = bgetopt(&o, argc, argv, "LP", "cd")) != 0) {
    if (c == '?') return 2;
    physical = c == 'P';
  }
  const char *dir = o.ind < argc ? argv[o.ind] : NULL;
  int print = 0;
  if (!dir) {
    dir = var_get("HOME");
    if (!dir || !*dir) {
      sh_error("cd: HOME not set");
      return 2;
    }
  } else if (strcmp(dir, "-") == 0) {
    dir = var_get("OLDPWD");
    if (!dir) {
      sh_error("cd: OLDPWD not set");
      return 2;
    }
    print = 1;
  }
  char *newpwd = NULL;
  int ok = -1;
  const char *cdpath = var_get("CDPATH");
  if (dir[0] != '/' && dir[0] != '.' && cdpath) {
    const char *p = cdpath;
    for (;;) {
      const char *colon = strchr(p, ':');
      size_t len = colon ? (size_t)(colon - p) : strlen(p);
      char *cand = stalloc(len + strlen(dir) + 2);
      if (len) sprintf(cand, "%.*s/%s", (int)len, p, dir);
      else strcpy(cand, dir);
      if (try_cd(cand, physical, &newpwd) == 0) {
        ok = 0;
        if (len) print = 1;
        break;
      }
      if (!colon) break;
      p = colon + 1;
    }
  }
  if (ok < 0) ok = try_cd(dir, physical, &newpwd);
  if (ok < 0) {
    sh_error("cd: can't cd to %s", dir);
    return 2;
  }
  const char *old = var_get("PWD");
  if (old) var_set("OLDPWD", old, V_EXPORT);
  var_set("PWD", newpwd, V_EXPORT);
  if (print) out_fmt(1, "%s\n", newpwd);
  return 0;
}

int b_pwd(int argc, char **argv) {
  struct bopt o = {0};
  int physical = 0, c;
  while ((c = bgetopt(&o, argc, argv, "LP", "pwd")) != 0) {
    if (c == '?') return 2;
    physical = c == 'P';
  }
  const char *p = physical ? physical_cwd() : var_get("PWD");
  if (!p) p = physical_cwd();
  if (!p) {
    sh_error("pwd: %s", strerror(errno));
    return 2;
  }
  out_fmt(1, "%s\n", p);
  return 0;
}

/* ---- umask ---- */
static void umask_symbolic(mode_t m) {
  char buf[32];
  int n = 0;
  const char *who = "ugo";
  for (int w = 0; w < 3; w++) {
    if (w) buf[n++] = ',';
    buf[n++] = who[w];
    buf[n++] = '=';
    int bits = (~m >> (6 - 3 * w)) & 7;
    if (bits & 4) buf[n++] = 'r';
    if (bits & 2) buf[n++] = 'w';
    if (bits & 1) buf[n++] = 'x';
  }
  buf[n] = 0;
  out_fmt(1, "%s\n", buf);
}

static int umask_parse_symbolic(const char *s, mode_t old, mode_t *out) {
  mode_t perm = ~old & 0777;
  while (*s) {
    int who = 0;
    while (*s == 'u' || *s == 'g' || *s == 'o' || *s == 'a') {
      who |= *s == 'u' ? 0700 : *s == 'g' ? 070 : *s == 'o' ? 07 : 0777;
      s++;
    }
    if (!who) who = 0777;
    if (*s != '=' && *s != '+' && *s != '-') return -1;
    char op = *s++;
    int bits = 0;
    while (*s == 'r' || *s == 'w' || *s == 'x') {
      bits |= *s == 'r' ? 0444 : *s == 'w' ? 0222 : 0111;
      s++;
    }
    bits &= who;
    if (op == '=') perm = (perm & ~(mode_t)who) | (mode_t)bits;
    else if (op == '+') perm |= (mode_t)bits;
    else perm &= ~(mode_t)bits;
    if (*s == ',') s++;
    else if (*s) return -1;
  }
  *out = ~perm & 0777;
  return 0;
}

int b_umask(int argc, char **argv) {
  struct bopt o = {0};
  int sym = 0, c;
  while ((c = bgetopt(&o, argc, argv, "S", "umask")) != 0) {
    if (c == '?') return 2;
    sym = 1;
  }
  mode_t old = umask(0);
  umask(old);
  if (o.ind >= argc) {
    if (sym) umask_symbolic(old);
    else out_fmt(1, "%04o\n", (unsigned)old);
    return 0;
  }
  const char *s = argv[o.ind];
  mode_t m;
  if (isdigit((unsigned char)*s)) {
    char *end;
    long v = strtol(s, &end, 8);
    if (*end || v < 0 || v > 0777) {
      sh_error("umask: Illegal number: %s", s);
      return 2;
    }
    m = (mode_t)v;
  } else if (umask_parse_symbolic(s, old, &m) < 0) {
    sh_error("umask: Illegal mode: %s", s);
    return 2;
  }
  umask(m);
  return 0;
}

/* ---- getopts ---- */
static int getopts_pos; /* index of the next option letter inside the current argument */
static int getopts_last_ind = -1;

int b_getopts(int argc, char **argv) {
  if (argc < 3) {
    sh_error("getopts: Usage: getopts optstring var [arg...]");
    return 2;
  }
  const char *spec = argv[1], *var = argv[2];
  char **args = argc > 3 ? argv + 3 : posparams.v;
  int nargs = argc > 3 ? argc - 3 : posparams.n;
  const char *oi = var_get("OPTIND");
  int ind = oi ? atoi(oi) : 1;
  if (ind < 1) ind = 1;
  /* Inside "-abc", OPTIND already names the next argument (as dash). */
  if (ind != getopts_last_ind) getopts_pos = 0;
  else if (getopts_pos > 0) ind--;
  int silent = spec[0] == ':';
  if (silent) spec++;
  char num[24];
  if (getopts_pos == 0) {
    if (ind > nargs || args[ind - 1][0] != '-' || args[ind - 1][1] == 0) goto end;
    if (strcmp(args[ind - 1], "--") == 0) {
      ind++;
      goto end;
    }
    getopts_pos = 1;
  }
  const char *arg = args[ind - 1];
  char c = arg[getopts_pos++];
  char optc[2] = {c, 0};
  const char *p = strchr(spec, c);
  if (!arg[getopts_pos]) {
    ind++;
    getopts_pos = 0;
  }
  if (!p || c == ':') {
    if (silent) {
      var_set("OPTARG", optc, 0);
    } else {
      out_fmt(2, "Illegal option -%c\n", c);
      var_unset("OPTARG");
    }
    var_set(var, "?", 0);
    goto done;
  }
  if (p[1] == ':') {
    if (getopts_pos) {
      var_set("OPTARG", arg + getopts_pos, 0);
      ind++;
      getopts_pos = 0;
    } else if (ind <= nargs) {
      var_set("OPTARG", args[ind - 1], 0);
      ind++;
    } else {
      if (silent) {
        var_set("OPTARG", optc, 0);
        var_set(var, ":", 0);
      } else {
        out_fmt(2, "No arg for -%c option\n", c);
        var_unset("OPTARG");
        var_set(var, "?", 0);
      }
      goto done;
    }
  } else {
    var_unset("OPTARG");
  }
  var_set(var, optc, 0);
done:
  if (getopts_pos > 0) ind++;
  snprintf(num, sizeof num, "%d", ind);
  var_set("OPTIND", num, 0);
  getopts_last_ind = ind;
  return 0;
end:
  getopts_pos = 0;
  var_set(var, "?", 0);
  var_unset("OPTARG");
  snprintf(num, sizeof num, "%d", ind);
  var_set("OPTIND", num, 0);
  getopts_last_ind = ind;
  return 1;
}
