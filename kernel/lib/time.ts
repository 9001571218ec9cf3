// Clocks in nanoseconds, as WASI counts them.

const NS_PER_MS = 1_000_000;

/** Wall-clock time (CLOCK_REALTIME) in ns since the Unix epoch. */
export function realtimeNs(): bigint {
  // timeOrigin + now() keeps sub-millisecond precision that Date.now() lacks.
  const ms = performance.timeOrigin + performance.now();
  const whole = Math.floor(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * NS_PER_MS));
}

/** Monotonic time (CLOCK_MONOTONIC) in ns since an arbitrary origin. */
export function monotonicNs(): bigint {
  // now() * 1e6 stays below 2^53 for 104 days of uptime: one conversion suffices.
  return BigInt(Math.round(performance.now() * NS_PER_MS));
}

const TWO32 = 4294967296;

/**
 * Store a clock reading at `ptr` as a little-endian u64 without BigInts (the
 * in-process clock path: clock_time_get costs about as much as node:wasi's).
 * Monotonic nanoseconds stay below 2^53 (exact in a Number) for 104 days.
 */
export function storeMonotonicNs(view: DataView, ptr: number): void {
  const ns = Math.round(performance.now() * NS_PER_MS);
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
