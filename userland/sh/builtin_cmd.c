/*
 * Builtins about commands and processes: type, command, alias, unalias, kill.
 * Spec: POSIX XCU type, command, alias, unalias, kill.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sh.h"

/* ---- aliases ---- */
struct alias {
  struct alias *next;
  char *name, *value;
};
static struct alias *aliases;

const char *alias_get(const char *name) {
  for (struct alias *a = aliases; a; a = a->next)
    if (strcmp(a->name, name) == 0) return a->value;
  return NULL;
}

static void alias_print(struct alias *a) { out_fmt(1, "%s=%s\n", a->name, shell_quote(a->value)); }

int b_alias(int argc, char **argv) {
  if (argc < 2) {
    for (struct alias *a = aliases; a; a = a->next) alias_print(a);
    return 0;
  }
  int status = 0;
  for (int i = 1; i < argc; i++) {
    char *eq = strchr(argv[i], '=');
    if (!eq) {
      struct alias *a;
      for (a = aliases; a; a = a->next)
        if (strcmp(a->name, argv[i]) == 0) break;
      if (a) alias_print(a);
      else {
        out_fmt(2, "%s: %s not found\n", "alias", argv[i]);
        status = 1;
      }
      continue;
    }
    char *name = xstrndup(argv[i], (size_t)(eq - argv[i]));
    struct alias *a;
    for (a = aliases; a; a = a->next)
      if (strcmp(a->name, name) == 0) break;
    if (a) {
      free(name);
      free(a->value);
    } else {
      a = xmalloc(sizeof *a);
      a->name = name;
      /* Keep the list sorted for `alias` output. */
      struct alias **pp = &aliases;
      while (*pp && strcmp((*pp)->name, name) < 0) pp = &(*pp)->next;
      a->next = *pp;
      *pp = a;
    }
    a->value = xstrdup(eq + 1);
  }
  return status;
}

int b_unalias(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "-a") == 0) {
    while (aliases) {
      struct alias *a = aliases;
      aliases = a->next;
      free(a->name);
      free(a->value);
      free(a);
    }
    return 0;
  }
  int status = 0;
  for (int i = 1; i < argc; i++) {
    struct alias **pp = &aliases;
    while (*pp && strcmp((*pp)->name, argv[i]) != 0) pp = &(*pp)->next;
    if (!*pp) {
      out_fmt(2, "%s: %s not found\n", "unalias", argv[i]);
      status = 1;
      continue;
    }
    struct alias *a = *pp;
    *pp = a->next;
    free(a->name);
    free(a->value);
    free(a);
  }
  return status;
}

/* ---- type / command -v / command -V ---- */
static int is_keyword(const char *s) {
  static const char *const kw[] = {"!", "{", "}", "case", "do", "done", "elif", "else", "esac",
                                   "fi", "for", "if", "in", "then", "until", "while", NULL};
  for (int i = 0; kw[i]; i++)
    if (strcmp(kw[i], s) == 0) return 1;
  return 0;
}

/* verbose: type's sentence; otherwise command -v's one word. */
static int describe(const char *name, int verbose, const char *path) {
  if (is_keyword(name)) {
    if (verbose) out_fmt(1, "%s is a shell keyword\n", name);
    else out_fmt(1, "%s\n", name);
    return 0;
  }
  const char *a = alias_get(name);
  if (a) {
    if (verbose) out_fmt(1, "%s is an alias for %s\n", name, a);
    else out_fmt(1, "alias %s=%s\n", name, shell_quote(a));
    return 0;
  }
  struct cmdinfo ci;
  find_command(name, &ci, 1, path);
  switch (ci.kind) {
  case CMD_SPECIAL:
    if (verbose) out_fmt(1, "%s is a special shell builtin\n", name);
    else out_fmt(1, "%s\n", name);
    return 0;
  case CMD_BUILTIN:
    if (verbose) out_fmt(1, "%s is a shell builtin\n", name);
    else out_fmt(1, "%s\n", name);
    return 0;
  case CMD_FUNCTION:
    if (verbose) out_fmt(1, "%s is a shell function\n", name);
    else out_fmt(1, "%s\n", name);
    return 0;
  case CMD_EXTERNAL:
    if (strchr(name, '/') && access(name, X_OK) != 0) break;
    if (verbose) out_fmt(1, "%s is %s\n", name, ci.path);
    else out_fmt(1, "%s\n", ci.path);
    return 0;
  }
  if (verbose) out_fmt(1, "%s: not found\n", name);
  return 127;
}

int b_type(int argc, char **argv) {
  int status = 0;
  for (int i = 1; i < argc; i++)
    if (describe(argv[i], 1, NULL)) status = 127;
  return status;
}

/* command [-p] name args: run name, skipping functions. */
int run_command_argv(int argc, char **argv, const char *path);

int b_command(int argc, char **argv) {
  struct bopt o = {0};
  int v = 0, V = 0, p = 0, c;
  while ((c = bgetopt(&o, argc, argv, "pvV", "command")) != 0) {
    if (c == '?') return 2;
    if (c == 'v') v = 1;
    if (c == 'V') V = 1;
    if (c == 'p') p = 1;
  }
  const char *path = p ? "/bin:/usr/bin" : NULL;
  if (o.ind >= argc) return 0;
  if (v || V) {
    /* Like dash, only the first name. */
    return describe(argv[o.ind], V, path) ? 127 : 0;
  }
  command_nest++;
  int status = run_command_argv(argc - o.ind, argv + o.ind, path);
  command_nest--;
  return status;
}

/* ---- kill ---- */
static int kill_list(int argc, char **argv, int i) {
  if (i >= argc) {
    out_str(1, "0\n");
    for (int s = 1; s < 32; s++) {
      const char *n = sig_name(s);
      if (n) out_fmt(1, "%s\n", n);
    }
    return 0;
  }
  { /* Like dash, only the first operand. */
    char *end;
    long n = strtol(argv[i], &end, 10);
    if (!*argv[i] || *end) {
      sh_error("kill: Illegal number: %s", argv[i]);
      return 2;
    }
    if (n > 128) n -= 128;
    const char *name = sig_name((int)n);
    if (!name) {
      sh_error("kill: invalid signal number or name: %s", argv[i]);
      return 1;
    }
    out_fmt(1, "%s\n", name);
  }
  return 0;
}

int b_kill(int argc, char **argv) {
  int sig = SIGTERM, i = 1;
  if (i < argc && argv[i][0] == '-') {
    const char *a = argv[i] + 1;
    if (strcmp(a, "l") == 0 || strcmp(a, "L") == 0) return kill_list(argc, argv, i + 1);
    if (strcmp(a, "s") == 0 || strcmp(a, "n") == 0) {
      if (++i >= argc) {
        sh_error("kill: option requires an argument");
        return 2;
      }
      a = argv[i];
    } else if (strcmp(a, "-") == 0) {
      a = NULL;
    }
    if (a) {
      sig = sig_number(a);
      if (sig < 0) {
        sh_error("kill: invalid signal number or name: %s", a);
        return 2;
      }
    }
    i++;
  }
  if (i < argc && strcmp(argv[i], "--") == 0) i++;
  if (i >= argc) {
    sh_error("kill: Usage: kill [-s sigspec | -signum | -sigspec] [pid | job]... or\nkill -l [exitstatus]");
    return 2;
  }
  int status = 0;
  for (; i < argc; i++) {
    pid_t pid;
    if (argv[i][0] == '%') {
      struct job *j = job_find(argv[i]);
      if (!j) {
        sh_error("kill: %s: No such job", argv[i]);
        status = 1;
        continue;
      }
      pid = job_control ? -j->pgid : j->pids[0];
      if (!job_control) {
        for (int k = 0; k < j->nprocs; k++)
          if (j->pids[k] > 0 && kill(j->pids[k], sig) < 0) status = 1;
        continue;
      }
    } else {
      char *end;
      long n = strtol(argv[i], &end, 10);
      if (*end || !*argv[i]) {
        sh_error("kill: Illegal number: %s", argv[i]);
        status = 2;
        continue;
      }
      pid = (pid_t)n;
    }
    if (kill(pid, sig) < 0) {
      sh_error("kill: %s\n", strerror(errno)); /* dash ends this one with an empty line */
      status = 1;
    }
  }
  return status;
}
