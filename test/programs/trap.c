// trap: a WebAssembly trap ends the process with status 134 and a message on
// stderr; output flushed before the trap must survive.
// Usage: trap.wasm [unreachable|divide|oob|stack]
#include "tk_test.h"

static volatile int zero = 0;

static int recurse(int n) {
  volatile char pad[256];
  pad[0] = (char)n;
  if (n == -1) return 0;  // never true; keeps -Winfinite-recursion quiet
  return recurse(n + 1) + pad[0];
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "unreachable";
  tk_line("ok before-trap");
  if (strcmp(mode, "unreachable") == 0) __builtin_trap();
  if (strcmp(mode, "divide") == 0) return 10 / zero;
  if (strcmp(mode, "oob") == 0) return *(volatile int *)(uintptr_t)0xfffffff0u;
  if (strcmp(mode, "stack") == 0) return recurse(0);
  tk_line("FAIL unknown mode %s", mode);
  return 2;
}
