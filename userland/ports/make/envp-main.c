// wasm32-wasi has no main(argc, argv, envp): clang 14 renames only a
// main(int, char **) to the __main_argc_argv that wasi-libc's start code
// calls, and a three-argument main fails to link ("function signature
// mismatch: main", fatal in userland/build.sh's link). GNU make's main takes
// envp, so build.sh compiles make with -Dmain=make_main and links this main,
// which hands it environ — what envp is on Unix.
extern char **environ;
int make_main(int argc, char **argv, char **envp);

int main(int argc, char **argv) {
  return make_main(argc, argv, environ);
}
