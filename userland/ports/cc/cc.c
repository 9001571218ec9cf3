/*
 * cc, c99, gcc, c++, g++: the C and C++ compiler driver of the toolchain image (docs/PORTS.md).
 *
 * The image's clang (npm's @yowasp/clang: LLVM's multi-call program, acting as
 * the tool its argv[0] names) compiles in its own process, but under WASI it
 * cannot start the linker as a child, so `clang a.c` does not link. This
 * driver does what clang's driver would: with -c, -E, -S (or -M, -MM,
 * -fsyntax-only, --version, -###, -print-*, -dump*) it is clang itself
 * (exec); otherwise it compiles each source with `clang -c SRC -o TMP.o`, one
 * child each (posix_spawn), then runs `wasm-ld` with the sysroot's start file,
 * the objects, archives and -l libraries in command-line order, libc and
 * compiler-rt — the command `clang -###` prints for this target. The
 * sysroot and clang's resource directory are /usr, where this clang looks by
 * default.
 *
 * Options: compiler options go to every compile (-I, -D, -U, -O, -g, -W, -f,
 * -m, -std, -include, ...), -L, -l, -Wl, -Xlinker, -s, -nostdlib,
 * -nostartfiles, -nodefaultlibs, -mexec-model=reactor to the link; -x LANG
 * applies to the sources after it; -v prints the commands. Exit status: the
 * first failing child's, or 1 when a child was killed.
 *
 * C++: as c++ or g++ it is the C++ driver: clang++ compiles (every source
 * is C++, as g++ has it) and the link adds libc++ and libc++abi. The
 * sysroot's libc++ and libc++abi are built without exceptions (they have no
 * __cxa_throw), so every compile gets -fno-exceptions, which a later
 * -fexceptions overrides (and whose link then fails): a standard container
 * that would throw aborts instead, and `try` is an error, as under wasi-sdk.
 * As cc, a .cpp source is compiled as C++ and the link adds no C++ library,
 * as gcc does.
 *
 * setjmp/longjmp: a command whose sources include <setjmp.h> compiles with
 * clang's lowering of them to WebAssembly exception handling
 * (-mllvm -wasm-enable-sjlj) and links the sysroot's libsetjmp — or, with
 * -ltk, to invoke trampolines (-mllvm -enable-emscripten-sjlj), whose runtime
 * is the extension's setjmp.c and the kernel's env.invoke_* imports: a -ltk
 * program may fork, and Binaryen's asyncify, which the kernel runs on such a
 * program when it loads it, cannot transform exception handling.
 *
 * -ltk: the program uses tabkernel's libc extension (posix_spawn, waitpid,
 * signals, termios, the kernel's cwd...: docs/SYSCALLS.md), built for this
 * sysroot in /usr/lib/tabkernel with its headers in /usr/include/tabkernel:
 * compiles see those headers first, and the link gets them with the flags
 * userland/build.sh gives the root image's programs (USER_LDFLAGS). The
 * extension replaces a few of wasi-libc's functions (chmod, fstat...), so
 * the link lets its definitions, which come first, win. fork works: the
 * kernel asyncifies a program that imports it when it loads it.
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CLANG "/usr/bin/clang"
#define CLANGXX "/usr/bin/clang++"
#define WASM_LD "/usr/bin/wasm-ld"
#define LIBDIR "/usr/lib/wasm32-wasip1"
#define RTDIR "/usr/lib/wasm32-unknown-wasip1"
#define TKDIR "/usr/lib/tabkernel"
#define TKINC "/usr/include/tabkernel"

extern char **environ;

/* A growable argv. */
struct args {
  char **v;
  int n, cap;
};

static void push(struct args *a, const char *s) {
  if (a->n + 2 > a->cap) {
    a->cap = a->cap ? a->cap * 2 : 32;
    a->v = realloc(a->v, (size_t)a->cap * sizeof *a->v);
    if (!a->v) {
      perror("cc");
      exit(1);
    }
  }
  a->v[a->n++] = (char *)s;
  a->v[a->n] = NULL;
}

static int verbose;
static struct args temps;

static void remove_temps(void) {
  for (int i = 0; i < temps.n; i++) unlink(temps.v[i]);
}

/* Run ARGV (argv[0] a path) and wait: 0, or the status cc exits with. */
static int run(char **argv) {
  if (verbose) {
    for (char **p = argv; *p; p++) fprintf(stderr, "%s\"%s\"", p == argv ? " " : " ", *p);
    fputc('\n', stderr);
  }
  pid_t pid;
  int err = posix_spawn(&pid, argv[0], NULL, NULL, argv, environ);
  if (err) {
    fprintf(stderr, "cc: cannot run %s: %s\n", argv[0], strerror(err));
    return 1;
  }
  int status;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      perror("cc: waitpid");
      return 1;
    }
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  fprintf(stderr, "cc: %s killed by signal %d\n", argv[0], WTERMSIG(status));
  return 1;
}

/* Options that take the next argument as their value (when not joined). */
static int takes_value(const char *a) {
  static const char *const opts[] = {
    "-I", "-D", "-U", "-include", "-imacros", "-isystem", "-iquote", "-idirafter", "-iprefix",
    "-iwithprefix", "-isysroot", "-MF", "-MT", "-MQ", "-target", "-Xclang", "-mllvm", "-arch", NULL,
  };
  for (int i = 0; opts[i]; i++)
    if (strcmp(a, opts[i]) == 0) return 1;
  return 0;
}

static int has_suffix(const char *s, const char *suf) {
  size_t n = strlen(s), m = strlen(suf);
  return n > m && strcmp(s + n - m, suf) == 0;
}

static int is_source(const char *a) {
  static const char *const sufs[] = {".c", ".i", ".s", ".S", ".cc", ".cpp", ".cxx", ".C", ".ii", NULL};
  for (int i = 0; sufs[i]; i++)
    if (has_suffix(a, sufs[i])) return 1;
  return 0;
}

/* Options after which no link happens: clang does the whole job. */
static int stops_before_link(const char *a) {
  static const char *const opts[] = {"-c", "-E", "-S", "-M", "-MM", "-fsyntax-only", "-###", "--version",
                                     "-help", "--help", "-dumpmachine", "-dumpversion", NULL};
  for (int i = 0; opts[i]; i++)
    if (strcmp(a, opts[i]) == 0) return 1;
  return strncmp(a, "-print-", 7) == 0 || strncmp(a, "--print-", 8) == 0;
}

/* -x LANG: LANG for the sources that follow; `none` goes back to their suffixes. */
static const char *language(const char *l) {
  return strcmp(l, "none") == 0 ? NULL : l;
}

/* Whether the C file PATH includes <setjmp.h> (read as text; unreadable: no). */
static int uses_setjmp(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  char line[512];
  int found = 0;
  while (!found && fgets(line, sizeof line, f)) found = strstr(line, "<setjmp.h>") != NULL;
  fclose(f);
  return found;
}

/* The compile options every compile gets, and those -ltk and setjmp add. */
static void push_extras(struct args *a, int tk, int sjlj) {
  push(a, "-fno-exceptions");
  if (tk) {
    push(a, "-isystem");
    push(a, TKINC);
    push(a, "-mmutable-globals");
  }
  if (sjlj) {
    push(a, "-mllvm");
    push(a, tk ? "-enable-emscripten-sjlj" : "-wasm-enable-sjlj");
  }
}

/* Split -Wl,a,b into the link's arguments. */
static void push_wl(struct args *link, const char *a) {
  char *copy = strdup(a + 4);
  for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) push(link, tok);
}

int main(int argc, char **argv) {
  const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
  int c99 = strcmp(name, "c99") == 0;
  int cxx = strcmp(name, "c++") == 0 || strcmp(name, "g++") == 0;
  const char *compiler = cxx ? CLANGXX : CLANG;

  /* 1. Nothing to link (or nothing but a question for clang): clang itself. */
  int link_step = argc > 1, tk = 0, sjlj = 0;
  for (int i = 1; i < argc; i++) {
    if (takes_value(argv[i]) || strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "-x") == 0 ||
        strcmp(argv[i], "-Xlinker") == 0) {
      i++;
      continue;
    }
    if (stops_before_link(argv[i])) link_step = 0;
    if (strcmp(argv[i], "-ltk") == 0) tk = 1;
    if (argv[i][0] != '-' && is_source(argv[i]) && uses_setjmp(argv[i])) sjlj = 1;
  }
  if (!link_step) {
    struct args a = {0};
    push(&a, compiler);
    if (c99) push(&a, "-std=c99");
    push_extras(&a, tk, sjlj);
    for (int i = 1; i < argc; i++)
      if (strcmp(argv[i], "-ltk") != 0) push(&a, argv[i]);
    if (argc == 1) {
      fprintf(stderr, "%s: no input files\n", name);
      return 1;
    }
    execv(compiler, a.v);
    fprintf(stderr, "%s: cannot run %s: %s\n", name, compiler, strerror(errno));
    return 127;
  }

  /* 2. Sort the arguments: compile options, link inputs (in order), the rest. */
  struct args compile = {0}, inputs = {0}, ldflags = {0};
  struct args sources = {0}, langs = {0};
  const char *out = "a.out", *lang = NULL, *crt = LIBDIR "/crt1-command.o";
  int startfiles = 1, stdlibs = 1;
  if (c99) push(&compile, "-std=c99");
  push_extras(&compile, tk, sjlj);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "-o") == 0 && i + 1 < argc) out = argv[++i];
    else if (strncmp(a, "-o", 2) == 0 && a[2]) out = a + 2;
    else if (strcmp(a, "-x") == 0 && i + 1 < argc) lang = language(argv[++i]);
    else if (strncmp(a, "-x", 2) == 0 && a[2]) lang = language(a + 2);
    else if (strcmp(a, "-ltk") == 0) {
      /* The extension's start-up object (its constructor takes the kernel's cwd), then the archive. */
      push(&inputs, TKDIR "/cwd.o");
      push(&inputs, TKDIR "/libtk.a");
    } else if (strcmp(a, "-l") == 0 && i + 1 < argc) {
      char *l = malloc(strlen(argv[i + 1]) + 3);
      sprintf(l, "-l%s", argv[++i]);
      push(&inputs, l);
    } else if (strncmp(a, "-l", 2) == 0) push(&inputs, a);
    else if (strcmp(a, "-L") == 0 && i + 1 < argc) {
      push(&ldflags, "-L");
      push(&ldflags, argv[++i]);
    } else if (strncmp(a, "-L", 2) == 0) push(&ldflags, a);
    else if (strncmp(a, "-Wl,", 4) == 0) push_wl(&inputs, a);
    else if (strcmp(a, "-Xlinker") == 0 && i + 1 < argc) push(&inputs, argv[++i]);
    else if (strcmp(a, "-s") == 0) push(&ldflags, "--strip-all");
    else if (strcmp(a, "-nostdlib") == 0) startfiles = stdlibs = 0;
    else if (strcmp(a, "-nostartfiles") == 0) startfiles = 0;
    else if (strcmp(a, "-nodefaultlibs") == 0) stdlibs = 0;
    else if (strcmp(a, "-mexec-model=reactor") == 0) crt = LIBDIR "/crt1-reactor.o";
    else if (strcmp(a, "-mexec-model=command") == 0) crt = LIBDIR "/crt1-command.o";
    else if (strcmp(a, "-static") == 0 || strcmp(a, "-rdynamic") == 0 || strcmp(a, "-pthread") == 0) continue;
    else if (strcmp(a, "-v") == 0) verbose = 1;
    else if (a[0] == '-' && a[1]) {
      push(&compile, a);
      if (takes_value(a) && i + 1 < argc) push(&compile, argv[++i]);
    } else if (lang || is_source(a)) {
      /* A source: compiled to a temporary object, linked in its place. */
      char *obj = malloc(64);
      const char *tmp = getenv("TMPDIR");
      snprintf(obj, 64, "%s/cc-%d-%d.o", tmp && *tmp && strlen(tmp) < 40 ? tmp : "/tmp", (int)getpid(), sources.n);
      push(&sources, a);
      push(&langs, lang ? lang : "");
      push(&temps, obj);
      push(&inputs, obj);
    } else push(&inputs, a);
  }
  if (verbose) fprintf(stderr, "cc: clang and wasm-ld of the toolchain image (target wasm32-wasip1)\n");

  /* 3. One clang per source. */
  int status = 0;
  for (int s = 0; s < sources.n && status == 0; s++) {
    struct args cmd = {0};
    push(&cmd, compiler);
    for (int i = 0; i < compile.n; i++) push(&cmd, compile.v[i]);
    push(&cmd, "-c");
    if (langs.v[s][0]) {
      push(&cmd, "-x");
      push(&cmd, langs.v[s]);
    }
    push(&cmd, sources.v[s]);
    push(&cmd, "-o");
    push(&cmd, temps.v[s]);
    status = run(cmd.v);
  }

  /* 4. The link, as clang -### spells it for wasm32-wasip1. */
  if (status == 0) {
    struct args cmd = {0};
    push(&cmd, WASM_LD);
    push(&cmd, "-m");
    push(&cmd, "wasm32");
    for (int i = 0; i < ldflags.n; i++) push(&cmd, ldflags.v[i]);
    if (tk) {
      /* userland/build.sh's USER_LDFLAGS: fork and signals need the stack
       * pointer and the function table; a 1 MiB stack; open, openat, mkdir
       * and mkdirat wrapped so that their mode is honoured, fopen so that
       * its "e" mode is. */
      static const char *const tkflags[] = {
        "--allow-multiple-definition", "--export=__stack_pointer", "-z", "stack-size=1048576", "--export-table",
        "--export-if-defined=__tk_sigtramp", "--wrap=open", "--wrap=openat", "--wrap=mkdir", "--wrap=mkdirat", "--wrap=fopen", NULL,
      };
      for (int i = 0; tkflags[i]; i++) push(&cmd, tkflags[i]);
    }
    push(&cmd, "-L" RTDIR);
    push(&cmd, "-L" LIBDIR);
    if (startfiles) push(&cmd, crt);
    for (int i = 0; i < inputs.n; i++) push(&cmd, inputs.v[i]);
    if (stdlibs) {
      if (cxx) {
        push(&cmd, "-lc++");
        push(&cmd, "-lc++abi");
      }
      if (sjlj && !tk) push(&cmd, "-lsetjmp");   /* with -ltk: libtk's setjmp.o */
      push(&cmd, "-lc");
      push(&cmd, RTDIR "/libclang_rt.builtins.a");
    }
    push(&cmd, "-o");
    push(&cmd, out);
    status = run(cmd.v);
  }
  remove_temps();
  return status;
}
