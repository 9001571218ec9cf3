/*
 * setjmp/longjmp, in the two builds userland/build.sh makes (issue 15,
 * item 7): jumps.wasm with WebAssembly exception handling (the default) and
 * jumps-invoke.wasm with invoke trampolines (programs that fork), against the
 * same C built natively.
 *   jump BATCHES TARGET_MS: setjmp, then a call to a function that longjmps back.
 *   call BATCHES TARGET_MS: a call from a function holding a setjmp record to
 *     a small function through a pointer — what the invoke build adds to
 *     every such call.
 */
#include <setjmp.h>
#include "../common.h"

static jmp_buf env;
static volatile long sink;

__attribute__((noinline)) static void jump_back(int v) { longjmp(env, v); }
__attribute__((noinline)) static void touch(long v) { sink += v; }
/* Called through a pointer, so no optimiser (clang's or Binaryen's) inlines it. */
static void (*volatile touch_fn)(long) = touch;

static int jump_batch(long n) {
  volatile long landed = 0;
  for (volatile long i = 0; i < n; i++) {
    if (setjmp(env) == 0) jump_back((int)(i & 0xffff) + 1);
    else landed++;
  }
  return landed != n;
}

static int call_batch(long n) {
  jmp_buf here;
  if (setjmp(here) != 0) return 1;
  long before = sink;
  for (long i = 0; i < n; i++) touch_fn(1);
  return sink - before != n;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: jumps jump|call BATCHES TARGET_MS\n");
    return 2;
  }
  batch_fn fn = !strcmp(argv[1], "jump") ? jump_batch : !strcmp(argv[1], "call") ? call_batch : NULL;
  if (!fn) {
    fprintf(stderr, "jumps: bad arguments\n");
    return 2;
  }
  run_batches(fn, atol(argv[2]), atof(argv[3]), 1L << 26);
  printf("OK %ld\n", sink);
  return 0;
}
