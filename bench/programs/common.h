/*
 * What every benchmark program shares: the monotonic clock, batch calibration
 * and the output protocol the drivers (bench/subjects.ts) parse.
 *
 * A program runs one case in batches. It first warms up, running the
 * operation for WARM_BATCHES × TARGET_MS (the first runs of an operation are
 * slow everywhere: caches, and under tabkernel JIT tiers in the kernel and in
 * each pooled worker, so the first spawns take milliseconds), then doubles
 * the batch size until a batch takes at least TARGET_MS, runs one more warm-up
 * batch, and prints one line per measured batch:   B <nanoseconds> <operations>
 * and at the end:        OK <check>   (or FAIL <why>, exit status 1)
 * The same source builds for wasm32-wasi (tabkernel and node:wasi) and for the
 * host with gcc (native), so each subject does exactly the same work.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void fail(const char *why) {
  printf("FAIL %s\n", why);
  fflush(stdout);
  exit(1);
}

/* One batch of `n` operations; returns 0, or 1 on a failed check. */
typedef int (*batch_fn)(long n);

/* Calibrate, warm up, then print `batches` timed batches of the case. */
/* How long the warm-up runs, in batches' worth of TARGET_MS. */
#define WARM_BATCHES 10

static void run_batches(batch_fn fn, long batches, double target_ms, long max_n) {
  uint64_t warm_start = now_ns();
  while ((double)(now_ns() - warm_start) / 1e6 < WARM_BATCHES * target_ms)
    if (fn(1)) fail("check failed during warm-up");
  long n = 1;
  for (;;) {
    uint64_t t0 = now_ns();
    if (fn(n)) fail("check failed during calibration");
    double ms = (double)(now_ns() - t0) / 1e6;
    if (ms >= target_ms || n >= max_n) break;
    n *= 2;
  }
  if (fn(n)) fail("check failed during warm-up");
  for (long b = 0; b < batches; b++) {
    uint64_t t0 = now_ns();
    if (fn(n)) fail("check failed");
    uint64_t dt = now_ns() - t0;
    printf("B %llu %ld\n", (unsigned long long)dt, n);
    fflush(stdout);
  }
}
#endif
