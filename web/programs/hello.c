/* The page's demo program: one line on stdout, one on stderr, exit status 0.
 * Build: clang-14 --target=wasm32-wasi -O2 -Wl,--strip-all -o hello.wasm hello.c */
#include <stdio.h>

int main(int argc, char **argv) {
  printf("hello from %s\n", argc > 0 ? argv[0] : "tabkernel");
  fprintf(stderr, "argc=%d\n", argc);
  return 0;
}
