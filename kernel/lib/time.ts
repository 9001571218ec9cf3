// Clocks in nanoseconds, as WASI counts them.
//
// CLOCK_MONOTONIC is one clock for the whole system: the kernel and every
// process read the same count, so a deadline one process computes means the
// same instant to the kernel (poll_oneoff's ABSTIME) and to other processes.
// Where the host has a system-wide monotonic nanosecond clock (Node's
// process.hrtime.bigint, the host's CLOCK_MONOTONIC) it hands it to every
// thread (useMonotonicClock: Host.monotonicClock for the kernel's, the host's
// process worker for its own), and every thread reads it. Elsewhere (browsers)
// performance.now() counts from each worker's own time origin, so each thread
// shifts it to count from the kernel's origin (alignMonotonic, called by a
// process worker with the kernel's origin).

const NS_PER_MS = 1_000_000;

/** The host's system-wide monotonic clock in ns, where there is one (useMonotonicClock). */
let hostMonotonic: (() => bigint) | undefined;

/**
 * Read CLOCK_MONOTONIC from the host's system-wide clock in this thread. The
 * host calls it in every thread it starts (the kernel's and each process
 * worker's) or in none: all threads must count alike.
 */
export function useMonotonicClock(clock: () => bigint): void {
  hostMonotonic = clock;
}

/** Milliseconds to add to this thread's performance.now() to count from the kernel's time origin. */
let shiftMs = 0;

/** The time origin CLOCK_MONOTONIC counts from, to hand to other threads (the kernel's). */
export function monotonicOrigin(): number {
  return performance.timeOrigin - shiftMs;
}

/** Count CLOCK_MONOTONIC from `origin` (the kernel's monotonicOrigin()) in this thread. */
export function alignMonotonic(origin: number): void {
  shiftMs = performance.timeOrigin - origin;
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** Block this thread for `ms` milliseconds (undefined: for ever); a thread that may block (a worker, Node's main thread). */
export function sleepSync(ms?: number): void {
  if (ms === undefined || ms > 0) Atomics.wait(sleepCell, 0, 0, ms);
}

/** Wall-clock time (CLOCK_REALTIME) in ns since the Unix epoch. */
export function realtimeNs(): bigint {
  // timeOrigin + now() keeps sub-millisecond precision that Date.now() lacks.
  const ms = performance.timeOrigin + performance.now();
  const whole = Math.floor(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * NS_PER_MS));
}

/** Monotonic time (CLOCK_MONOTONIC) in ns since an arbitrary origin. */
export function monotonicNs(): bigint {
  if (hostMonotonic) return hostMonotonic();
  // (now + shift) * 1e6 stays below 2^53 for 104 days of uptime: one conversion suffices.
  return BigInt(Math.round((performance.now() + shiftMs) * NS_PER_MS));
}

const TWO32 = 4294967296;

/**
 * Store CLOCK_MONOTONIC at `ptr` as a little-endian u64 (the in-process
 * clock path). From performance.now() it is built without BigInts: the
 * nanoseconds stay below 2^53 (exact in a Number) for 104 days.
 */
export function storeMonotonicNs(view: DataView, ptr: number): void {
  // V8 stores the host clock's BigInt without allocating it: the fastest path by far.
  if (hostMonotonic) return view.setBigUint64(ptr, hostMonotonic(), true);
  const ns = Math.round((performance.now() + shiftMs) * NS_PER_MS);
  const lo = ns % TWO32;
  view.setUint32(ptr, lo, true);
  view.setUint32(ptr + 4, (ns - lo) / TWO32, true);
}

/**
 * Store CLOCK_REALTIME in ns at `ptr`. The count (~1.8e18) is beyond a
 * Number's exact range, so it is built from microseconds (~1.8e15, exact) in
 * two 32-bit halves: ns = us * 1000 = (usHi * 2^32 + usLo) * 1000.
 */
export function storeRealtimeNs(view: DataView, ptr: number): void {
  const us = Math.round((performance.timeOrigin + performance.now()) * 1000);
  const usLo = us % TWO32;
  const usHi = (us - usLo) / TWO32;
  const p = usLo * 1000; // < 2^42: exact
  const lo = p % TWO32;
  view.setUint32(ptr, lo, true);
  view.setUint32(ptr + 4, usHi * 1000 + (p - lo) / TWO32, true);
}
