/*
 * sh: the entry point. Options, then the loop that reads one complete command,
 * runs it and goes on: from `-c STRING`, from a script file, or from standard
 * input (interactive when it and stderr are terminals).
 * Spec: POSIX XCU sh, set.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

extern char **environ;

char opts[O_COUNT];
const char *const opt_names[O_COUNT] = {
    "errexit", "nounset", "xtrace", "noglob", "noexec", "verbose", "monitor", "interactive", "allexport",
    "noclobber", "ignoreeof", "notify", "hashall", "stdin", "nolog", "vi", "emacs", "pipefail",
};
const char opt_letters[O_COUNT] = {'e', 'u', 'x', 'f', 'n', 'v', 'm', 'i', 'a', 'C', 0, 'b', 'h', 's', 0, 0, 0, 0};

int set_option_letter(int c, int on) {
  for (int i = 0; i < O_COUNT; i++)
    if (opt_letters[i] == c) {
      opts[i] = (char)on;
      if (i == O_MONITOR) jobs_enable(on);
      return 0;
    }
  return -1;
}

int set_option_name(const char *name, int on) {
  for (int i = 0; i < O_COUNT; i++)
    if (strcmp(opt_names[i], name) == 0) {
      if (opt_letters[i]) return set_option_letter(opt_letters[i], on);
      opts[i] = (char)on;
      return 0;
    }
  return -1;
}

char *option_string(void) {
  char buf[O_COUNT + 1];
  int n = 0;
  static const char order[] = "ubaCvxsnmife"; /* dash's order */
  for (const char *c = order; *c; c++)
    for (int i = 0; i < O_COUNT; i++)
      if (opt_letters[i] == *c && opts[i]) buf[n++] = *c;
  buf[n] = 0;
  return ststrdup(buf);
}

void exitshell(int status) {
  exitstatus = status;
  trap_run_exit();
  out_flush_all();
  _exit(status);
}

static int exec_last; /* sh -c: the last command may exec */

/* Read, parse and run commands from the current input until it ends. */
static int cmdloop(int top) {
  int status = 0;
  for (;;) {
    struct stmark m;
    stmark(&m);
    if (top && job_control) jobs_reap(1);
    else jobs_reap(0);
    if (pending_signals) trap_run_pending();
    int eof, err;
    struct node *n = parse_command(&eof, &err);
    if (input_interrupted) {
      input_interrupted = 0;
      exitstatus = 130;
      streset(&m);
      continue;
    }
    if (err) {
      exitstatus = 2;
      if (!opts[O_INTERACTIVE] || !top) {
        if (top) exitshell(2);
        return 2;
      }
      /* Skip the rest of the line. */
      extern int lex_at_line_end;
      if (!lex_at_line_end) {
        int c;
        while ((c = pgetc()) >= 0 && c != '\n') {
        }
      }
      streset(&m);
      continue;
    }
    if (n && !opts[O_NOEXEC]) {
      lineno = n->lineno;
      if (top) input_sync();
      /* The last command of sh -c replaces the shell (no EXIT trap to run). */
      int last = top && exec_last && eof;
      eval(n, last ? EV_EXIT : 0);
      status = exitstatus;
      tree_free(n);
      if (evalskip == SKIP_EXIT || (evalskip == SKIP_FUNC && !top)) break;
      if (evalskip == SKIP_ERROR) {
        evalskip = SKIP_NONE;
        if (!opts[O_INTERACTIVE]) exitshell(exitstatus);
      }
      evalskip = SKIP_NONE;
    }
    streset(&m);
    if (eof) {
      if (opts[O_INTERACTIVE] && top) out_str(2, "\n");
      break;
    }
  }
  return status;
}

/* `.` FILE: run it in this shell. */
int dot_file(const char *path);
int dot_file(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  fd = fd_move_high(fd);
  void *st = NULL;
  extern void *input_save(void);
  extern void input_restore(void *);
  st = input_save();
  input_push_fd(fd);
  int saved_line = input_lineno;
  input_lineno = 1;
  int saved_i = opts[O_INTERACTIVE];
  opts[O_INTERACTIVE] = 0;
  cmdloop(0);
  opts[O_INTERACTIVE] = (char)saved_i;
  input_restore(st);
  input_lineno = saved_line;
  close(fd);
  return 0;
}

static void usage(void) {
  out_str(2, "usage: sh [-eixvfnuCm] [-o option] [-c command [name [arg...]] | file [arg...]]\n");
  exit(2);
}

int main(int argc, char **argv) {
  char base;
  stack_init(&base);
  arg0 = argv[0] ? argv[0] : "sh";
  preopens_protect();
  rootpid = getpid();
  var_import(environ);
  if (!var_get("IFS")) var_set("IFS", " \t\n", 0);
  if (!var_get("PS1")) var_set("PS1", geteuid() == 0 ? "# " : "$ ", 0);
  if (!var_get("PS2")) var_set("PS2", "> ", 0);
  if (!var_get("PS4")) var_set("PS4", "+ ", 0);
  if (!var_get("PATH")) var_set("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 0);
  var_set("OPTIND", "1", 0);
  pwd_init();
  var_set("PPID", NULL, 0);
  {
    char num[24];
    snprintf(num, sizeof num, "%d", (int)getppid());
    var_set("PPID", num, 0);
  }

  int i = 1, cflag = 0, sflag = 0;
  int explicit_i = -1, explicit_m = -1;
  for (; i < argc; i++) {
    char *a = argv[i];
    if (strcmp(a, "-") == 0 || strcmp(a, "--") == 0) { /* end of options (dash: "-" too) */
      i++;
      break;
    }
    if ((a[0] != '-' && a[0] != '+') || a[1] == 0) break;
    int on = a[0] == '-';
    for (char *c = a + 1; *c; c++) {
      if (*c == 'c') cflag = 1;
      else if (*c == 's') sflag = 1;
      else if (*c == 'o') {
        if (++i >= argc) usage();
        if (set_option_name(argv[i], on) < 0) {
          sh_error("Illegal option -o %s", argv[i]);
          exit(2);
        }
      } else if (*c == 'i') explicit_i = on;
      else if (*c == 'm') explicit_m = on;
      else if (set_option_letter(*c, on) < 0) {
        sh_error("Illegal option %c%c", a[0], *c);
        exit(2);
      }
    }
  }
  const char *command = NULL;
  int script_fd = 0;
  if (cflag) {
    if (i >= argc) {
      sh_error("-c requires an argument");
      exit(2);
    }
    command = argv[i++];
    if (i < argc) arg0 = argv[i++];
  } else if (!sflag && i < argc) {
    const char *file = argv[i++];
    arg0 = (char *)file;
    script_fd = open(file, O_RDONLY);
    if (script_fd < 0) {
      int e = errno;
      lineno = 0;
      arg0 = "sh";
      sh_error("cannot open %s: %s", file, e == ENOENT ? "No such file" : strerror(e));
      exit(2); /* dash's status (bash says 127) */
    }
    script_fd = fd_move_high(script_fd);
  }
  params_set(argc - i, argv + i);
  if (!command && script_fd == 0) opts[O_STDIN] = 1;

  int interactive = explicit_i >= 0 ? explicit_i : (!command && script_fd == 0 && isatty(0) && isatty(2));
  opts[O_INTERACTIVE] = (char)interactive;
  int monitor = explicit_m >= 0 ? explicit_m : interactive;
  opts[O_MONITOR] = (char)monitor;
  jobs_enable(monitor);
  trap_init();

  if (command) {
    input_push_string(command, 0);
    exec_last = !interactive;
  } else {
    input_push_fd(script_fd);
  }
  if (interactive) {
    const char *env = var_get("ENV");
    if (env && *env) dot_file(env);
  }
  cmdloop(1);
  exitshell(exitstatus);
}
