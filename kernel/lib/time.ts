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
