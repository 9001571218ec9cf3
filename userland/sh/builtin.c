/*
 * The builtin table and the builtins that act on the shell itself: flow
 * control, variables and options, eval and ., exec, exit, wait and jobs.
 * Dispatch is a switch on the builtin's id, not a table of function pointers
 * (on tabkernel, fork is made with asyncify, and every indirect call is
 * assumed to reach it). Other builtins: builtin_io.c (echo read cd pwd
 * umask getopts), builtin_cmd.c (type command alias kill), history.c
 * (history), test.c, printf.c.
 * Spec: POSIX XCU 2.14 Special Built-In Utilities, and each utility's page.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "sh.h"

const char *cmdname;

static const struct {
  const char *name;
  int id, special, pure;
} table[] = {
    {".", B_DOT, 1, 0},             {":", B_COLON, 1, 1},           {"[", B_LBRACKET, 0, 1},        {"alias", B_ALIAS, 0, 0},
    {"bg", B_BG, 0, 0},             {"break", B_BREAK, 1, 0},       {"cd", B_CD, 0, 0},             {"command", B_COMMAND, 0, 0},
    {"continue", B_CONTINUE, 1, 0}, {"echo", B_ECHO, 0, 1},         {"eval", B_EVAL, 1, 0},         {"exec", B_EXEC, 1, 0},
    {"exit", B_EXIT, 1, 0},         {"export", B_EXPORT, 1, 0},     {"false", B_FALSE, 0, 1},       {"fg", B_FG, 0, 0},
    {"getopts", B_GETOPTS, 0, 0},   {"hash", B_HASH, 0, 0},         {"history", B_HISTORY, 0, 0},   {"jobs", B_JOBS, 0, 0},
    {"kill", B_KILL, 0, 0},         {"local", B_LOCAL, 0, 0},       {"printf", B_PRINTF, 0, 1},     {"pwd", B_PWD, 0, 1},
    {"read", B_READ, 0, 0},         {"readonly", B_READONLY, 1, 0}, {"return", B_RETURN, 1, 0},     {"set", B_SET, 1, 0},
    {"shift", B_SHIFT, 1, 0},       {"test", B_TEST, 0, 1},         {"times", B_TIMES, 1, 0},       {"trap", B_TRAP, 1, 0},
    {"true", B_TRUE, 0, 1},         {"type", B_TYPE, 0, 0},         {"ulimit", B_ULIMIT, 0, 0},     {"umask", B_UMASK, 0, 0},
    {"unalias", B_UNALIAS, 0, 0},   {"unset", B_UNSET, 1, 0},       {"wait", B_WAIT, 0, 0},
};
#define NTABLE ((int)(sizeof table / sizeof table[0]))

int builtin_lookup(const char *name, int *special) {
  int lo = 0, hi = NTABLE - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    int c = strcmp(name, table[mid].name);
    if (c == 0) {
      *special = table[mid].special;
      return table[mid].id;
    }
    if (c < 0) hi = mid - 1;
    else lo = mid + 1;
  }
  return -1;
}

int builtin_pure(int id) {
  for (int i = 0; i < NTABLE; i++)
    if (table[i].id == id) return table[i].pure;
  return 0;
}

static const char *builtin_name(int id) {
  for (int i = 0; i < NTABLE; i++)
    if (table[i].id == id) return table[i].name;
  return "?";
}

int bgetopt(struct bopt *o, int argc, char **argv, const char *spec, const char *cmd) {
  if (o->ind == 0) o->ind = 1;
  if (o->pos == 0) {
    if (o->ind >= argc || argv[o->ind][0] != '-' || argv[o->ind][1] == 0) return 0;
    if (strcmp(argv[o->ind], "--") == 0) {
      o->ind++;
      return 0;
    }
    o->pos = 1;
  }
  char c = argv[o->ind][o->pos++];
  const char *p = strchr(spec, c);
  if (!p || c == ':') {
    sh_error("%s: Illegal option -%c", cmd, c);
    return '?';
  }
  if (p[1] == ':') {
    if (argv[o->ind][o->pos]) {
      o->arg = argv[o->ind] + o->pos;
    } else if (o->ind + 1 < argc) {
      o->arg = argv[++o->ind];
    } else {
      sh_error("%s: No argument for -%c", cmd, c);
      return '?';
    }
    o->ind++;
    o->pos = 0;
    return c;
  }
  if (!argv[o->ind][o->pos]) {
    o->ind++;
    o->pos = 0;
  }
  return c;
}

static int number_arg(const char *s, int *out) {
  char *end;
  if (!*s) return -1;
  long n = strtol(s, &end, 10);
  if (*end || n < 0) return -1;
  *out = (int)n;
  return 0;
}

static int b_loopctl(int argc, char **argv, int skip) {
  int n = 1;
  if (argc > 1 && (number_arg(argv[1], &n) < 0 || n == 0)) {
    sh_error("%s: Illegal number: %s", argv[0], argv[1]);
    raise_error(2);
    return 2;
  }
  if (loopnest == 0) return 0;
  if (n > loopnest) n = loopnest;
  evalskip = skip;
  skipcount = n;
  return 0;
}

static int b_exit(int argc, char **argv) {
  int n = exitstatus;
  if (argc > 1 && number_arg(argv[1], &n) < 0) {
    sh_error("exit: Illegal number: %s", argv[1]);
    raise_error(2);
    return 2;
  }
  exitshell(n & 0xff);
}

static int b_return(int argc, char **argv) {
  int n = exitstatus;
  if (argc > 1 && number_arg(argv[1], &n) < 0) {
    sh_error("return: Illegal number: %s", argv[1]);
    raise_error(2);
    return 2;
  }
  if (funcnest == 0 && !var_in_function()) {
    /* return outside a function: dash ends a dot script, else exits. */
    evalskip = SKIP_FUNC;
    return n & 0xff;
  }
  evalskip = SKIP_FUNC;
  exitstatus = n; /* dash does not truncate: return 300 gives $? = 300 */
  return n;
}

static int b_export(int argc, char **argv, int flag) {
  int i = 1, print = 0;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (strcmp(argv[i], "-p") == 0) print = 1;
    else if (strcmp(argv[i], "--") == 0) {
      i++;
      break;
    } else {
      sh_error("%s: Illegal option %s", argv[0], argv[i]);
      raise_error(2);
      return 2;
    }
  }
  if (i >= argc) {
    var_list(1, flag, flag == V_EXPORT ? "export" : "readonly");
    (void)print;
    return 0;
  }
  for (; i < argc; i++) {
    char *a = argv[i];
    char *eq = strchr(a, '=');
    char *name = eq ? ststrndup(a, (size_t)(eq - a)) : a;
    if (!is_name(name)) {
      sh_error("%s: %s: bad variable name", argv[0], name);
      raise_error(2);
      return 2;
    }
    if (var_set(name, eq ? eq + 1 : NULL, flag) < 0) {
      raise_error(2);
      return 2;
    }
  }
  return 0;
}

static int b_unset(int argc, char **argv) {
  int funcs = 0, i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (strcmp(argv[i], "-f") == 0) funcs = 1;
    else if (strcmp(argv[i], "-v") == 0) funcs = 0;
    else if (strcmp(argv[i], "--") == 0) {
      i++;
      break;
    } else {
      sh_error("unset: Illegal option %s", argv[i]);
      raise_error(2);
      return 2;
    }
  }
  int status = 0;
  for (; i < argc; i++) {
    if (!funcs && !is_name(argv[i])) {
      sh_error("unset: %s: bad variable name", argv[i]);
      raise_error(2);
      return 2;
    }
    if (funcs) func_unset(argv[i]);
    else if (var_unset(argv[i]) < 0) {
      raise_error(2);
      return 2;
    }
  }
  return status;
}

static void print_options(int plus) {
  static const char *const order[] = {"errexit", "noglob", "ignoreeof", "interactive", "monitor", "noexec",
                                      "stdin", "xtrace", "verbose", "vi", "emacs", "noclobber", "allexport",
                                      "notify", "nounset", "privileged", "nolog", "debug", NULL};
  if (!plus) out_str(1, "Current option settings\n");
  for (int k = 0; order[k]; k++) {
    int on = 0;
    for (int i = 0; i < O_COUNT; i++)
      if (strcmp(opt_names[i], order[k]) == 0) on = opts[i];
    if (plus) out_fmt(1, "set %co %s\n", on ? '-' : '+', order[k]);
    else out_fmt(1, "%-16s%s\n", order[k], on ? "on" : "off");
  }
}

static int b_set(int argc, char **argv) {
  if (argc == 1) {
    var_list(1, 0, NULL);
    return 0;
  }
  int i = 1;
  for (; i < argc; i++) {
    char *a = argv[i];
    if (strcmp(a, "--") == 0) {
      i++;
      params_set(argc - i, argv + i);
      return 0;
    }
    if (strcmp(a, "-") == 0) {
      opts[O_XTRACE] = opts[O_VERBOSE] = 0;
      i++;
      break;
    }
    if (a[0] != '-' && a[0] != '+') break;
    int on = a[0] == '-';
    for (char *c = a + 1; *c; c++) {
      if (*c == 'o') {
        if (i + 1 >= argc || argv[i + 1][0] == '-' || argv[i + 1][0] == '+') {
          print_options(!on);
          continue;
        }
        if (set_option_name(argv[++i], on) < 0) {
          sh_error("set: Illegal option -o %s", argv[i]);
          raise_error(2);
          return 2;
        }
        continue;
      }
      if (*c == 'i' || *c == 's' || *c == 'c' || set_option_letter(*c, on) < 0) {
        sh_error("set: Illegal option %c%c", a[0], *c);
        raise_error(2);
        return 2;
      }
    }
  }
  if (i < argc) params_set(argc - i, argv + i);
  return 0;
}

static int b_shift(int argc, char **argv) {
  int n = 1;
  if (argc > 1 && number_arg(argv[1], &n) < 0) {
    sh_error("shift: Illegal number: %s", argv[1]);
    raise_error(2);
    return 2;
  }
  if (n > posparams.n) {
    sh_error("shift: can't shift that many");
    raise_error(2);
    return 2;
  }
  struct params p = posparams;
  for (int i = 0; i < n; i++) free(p.v[i]);
  memmove(p.v, p.v + n, sizeof *p.v * (size_t)(p.n - n + 1));
  posparams.n -= n;
  return 0;
}

static int b_eval(int argc, char **argv) {
  if (argc < 2) return 0;
  struct str s;
  str_init(&s);
  for (int i = 1; i < argc; i++) {
    if (i > 1) str_addc(&s, ' ');
    str_adds(&s, argv[i]);
  }
  char *text = str_take(&s);
  extern const char *parse_context;
  const char *saved = parse_context;
  parse_context = "eval: ";
  int status = eval_string(text, 0);
  parse_context = saved;
  free(text);
  return status;
}

int dot_file(const char *path);

static int b_dot(int argc, char **argv) {
  if (argc < 2) return 0;
  const char *name = argv[1];
  char *path = (char *)name;
  if (!strchr(name, '/')) {
    int err;
    path = path_search(name, var_get("PATH"), &err);
    if (!path) path = (char *)name;
  }
  struct params saved = posparams;
  int has_args = 0; /* dash ignores arguments after the file */
  if (has_args) {
    posparams.n = 0;
    posparams.v = NULL;
    params_set(argc - 2, argv + 2);
  }
  int saved_funcnest = funcnest;
  if (dot_file(path) < 0) {
    sh_error(".: cannot open %s: %s", name, errno == ENOENT ? "No such file" : strerror(errno));
    if (has_args) {
      params_free(&posparams);
      posparams = saved;
    }
    raise_error(2);
    return 2;
  }
  funcnest = saved_funcnest;
  if (evalskip == SKIP_FUNC && !var_in_function()) evalskip = SKIP_NONE;
  if (has_args) {
    params_free(&posparams);
    posparams = saved;
  }
  return exitstatus;
}

static int b_exec(int argc, char **argv) {
  int i = 1;
  if (i < argc && strcmp(argv[i], "--") == 0) i++;
  if (i >= argc) return 0; /* redirections alone: already applied, kept by run.c */
  struct cmdinfo ci;
  find_command(argv[i], &ci, 0, NULL);
  if (ci.kind != CMD_EXTERNAL) {
    /* exec of a builtin: run it and exit. */
    if (ci.kind == CMD_SPECIAL || ci.kind == CMD_BUILTIN) exitshell(run_builtin(ci.builtin, argc - i, argv + i));
    sh_error("exec: %s: not found", argv[i]);
    exitshell(127);
  }
  char **envp = var_environ(NULL);
  out_flush_all();
  execve(ci.path, argv + i, envp);
  int e = errno;
  sh_error("exec: %s: %s", argv[i], e == ENOENT ? "not found" : e == EACCES ? "Permission denied" : strerror(e));
  exitshell(e == ENOENT ? 127 : 126);
}

static int b_wait_ops(int argc, char **argv);
static int b_wait(int argc, char **argv) {
  wait_interruptible = 1;
  int status = argc < 2 ? wait_builtin_all() : b_wait_ops(argc, argv);
  wait_interruptible = 0;
  return status;
}

static int b_wait_ops(int argc, char **argv) {
  int status = 127;
  for (int i = 1; i < argc; i++) {
    int found;
    if (argv[i][0] == '%') {
      struct job *j = job_find(argv[i]);
      if (!j) {
        sh_error("wait: %s: No such job", argv[i]);
        status = 127;
        continue;
      }
      int saved = job_control;
      job_control = 0;
      j->bg = 1;
      status = job_wait(j);
      job_control = saved;
      continue;
    }
    status = wait_pid_status((pid_t)atoi(argv[i]), &found);
  }
  return status;
}

static int b_fgbg(int argc, char **argv, int fg) {
  if (!job_control) {
    sh_error("%s: No job control", argv[0]);
    return 2;
  }
  struct job *j = job_find(argc > 1 ? argv[1] : "%%");
  if (!j) {
    if (argc > 1) sh_error("%s: %s: No such job", argv[0], argv[1]);
    else sh_error("%s: No current job", argv[0]);
    return 2;
  }
  return fg ? job_foreground(j, 1) : job_background(j);
}

static int b_local(int argc, char **argv) {
  if (!var_in_function()) {
    sh_error("local: not in a function");
    return 2;
  }
  for (int i = 1; i < argc; i++) {
    char *eq = strchr(argv[i], '=');
    var_local(argv[i]);
    if (eq) var_assign(argv[i], 0);
  }
  return 0;
}

/* times: the shell's CPU time (all of it counted as user time: the kernel does
   not tell user from system time), then its children's, which it does not
   know (0). */
/* times: the shell's CPU time, then its children's (waited for), user and system. */
static int b_times(void) {
  struct rusage who[2];
  if (getrusage(RUSAGE_SELF, &who[0]) != 0 || getrusage(RUSAGE_CHILDREN, &who[1]) != 0) return 1;
  for (int i = 0; i < 2; i++) {
    const struct timeval *u = &who[i].ru_utime, *s = &who[i].ru_stime;
    out_fmt(1, "%lldm%lld.%06lds %lldm%lld.%06lds\n", (long long)u->tv_sec / 60, (long long)u->tv_sec % 60, (long)u->tv_usec,
            (long long)s->tv_sec / 60, (long long)s->tv_sec % 60, (long)s->tv_usec);
  }
  return 0;
}

int run_builtin(int id, int argc, char **argv) {
  cmdname = builtin_name(id);
  int status = 0;
  out_take_error();
  switch (id) {
  case B_COLON:
  case B_TRUE: status = 0; break;
  case B_FALSE: status = 1; break;
  case B_BREAK: status = b_loopctl(argc, argv, SKIP_BREAK); break;
  case B_CONTINUE: status = b_loopctl(argc, argv, SKIP_CONT); break;
  case B_DOT: status = b_dot(argc, argv); break;
  case B_EVAL: status = b_eval(argc, argv); break;
  case B_EXEC: status = b_exec(argc, argv); break;
  case B_EXIT: status = b_exit(argc, argv); break;
  case B_EXPORT: status = b_export(argc, argv, V_EXPORT); break;
  case B_READONLY: status = b_export(argc, argv, V_READONLY); break;
  case B_RETURN: status = b_return(argc, argv); break;
  case B_SET: status = b_set(argc, argv); break;
  case B_SHIFT: status = b_shift(argc, argv); break;
  case B_TIMES: status = b_times(); break;
  case B_TRAP: status = trap_builtin(argc, argv); break;
  case B_UNSET: status = b_unset(argc, argv); break;
  case B_CD: status = b_cd(argc, argv); break;
  case B_PWD: status = b_pwd(argc, argv); break;
  case B_ECHO: status = b_echo(argc, argv); break;
  case B_PRINTF: status = b_printf(argc, argv); break;
  case B_READ: status = b_read(argc, argv); break;
  case B_TEST:
  case B_LBRACKET: status = b_test(argc, argv); break;
  case B_WAIT: status = b_wait(argc, argv); break;
  case B_KILL: status = b_kill(argc, argv); break;
  case B_TYPE: status = b_type(argc, argv); break;
  case B_COMMAND: status = b_command(argc, argv); break;
  case B_GETOPTS: status = b_getopts(argc, argv); break;
  case B_UMASK: status = b_umask(argc, argv); break;
  case B_JOBS: status = jobs_list(1, argc, argv); break;
  case B_FG: status = b_fgbg(argc, argv, 1); break;
  case B_BG: status = b_fgbg(argc, argv, 0); break;
  case B_ALIAS: status = b_alias(argc, argv); break;
  case B_UNALIAS: status = b_unalias(argc, argv); break;
  case B_LOCAL: status = b_local(argc, argv); break;
  case B_HASH: status = 0; break;
  case B_ULIMIT: status = b_ulimit(argc, argv); break;
  case B_HISTORY: status = b_history(argc, argv); break;
  }
  if (out_take_error()) {
    sh_error("%s: %s: I/O error", cmdname, cmdname);
    if (!status) status = 1;
  }
  return status;
}
