// Statistics for every case, through tinybench. A case's samples are measured
// where the work happens — inside the guest program, inside a floor worker —
// and handed to tinybench as overridden durations, so the kernel hop between
// the driver and the subject is never counted; cases timed by the driver itself
// (pipeline) run as ordinary tinybench tasks.
import { Bench } from 'tinybench';

/** One measured batch: `ops` operations took `ns` nanoseconds. */
export interface Sample {
  ns: number;
  ops: number;
}

export type Unit = 'ns/call' | 'MB/s' | 'µs' | 'ms' | 'req/s';
export type Subject = 'tabkernel' | 'floor' | 'futex' | 'postMessage' | 'node:wasi' | 'browser_wasi_shim' | 'native' | 'skopeo' | 'rootfs' | 'node:http';

/** A row of the JSON output (issue 5's schema). */
export interface Result {
  name: string;
  unit: Unit;
  median: number;
  min: number;
  max: number;
  samples: number;
  subject: Subject;
}

interface Spread {
  p50: number;
  min: number;
  max: number;
  n: number;
}

/** Median, min and max (ms per operation) of batch samples, computed by tinybench. */
async function spread(perOpMs: number[]): Promise<Spread> {
  let i = 0;
  const bench = new Bench({ iterations: perOpMs.length, time: 0, warmup: false, throws: true });
  bench.add('case', () => ({ overriddenDuration: perOpMs[i++ % perOpMs.length] }));
  await bench.run();
  return latency(bench);
}

function latency(bench: Bench): Spread {
  const r = bench.tasks[0].result as unknown as { state: string; latency: { p50: number; min: number; max: number; samplesCount: number }; error?: Error };
  if (r.state !== 'completed') throw r.error ?? new Error(`tinybench: ${r.state}`);
  return { p50: r.latency.p50, min: r.latency.min, max: r.latency.max, n: r.latency.samplesCount };
}

/** Time an async operation on the driver's own clock, `iterations` times after one warm-up. */
export async function timeTask(fn: () => Promise<void>, iterations: number): Promise<Spread> {
  const bench = new Bench({ iterations, time: 0, warmup: true, warmupIterations: 1, warmupTime: 0, throws: true });
  bench.add('case', fn);
  await bench.run();
  return latency(bench);
}

/**
 * Turn per-operation times into a result in `unit`. For MB/s, `bytesPerOp`
 * converts; the slowest batch gives the minimum bandwidth (as for req/s,
 * operations per second).
 */
export function toResult(name: string, subject: Subject, unit: Unit, s: Spread, bytesPerOp = 0): Result {
  if (unit === 'req/s') {
    const rps = (ms: number): number => 1e3 / ms;
    return { name, unit, median: rps(s.p50), min: rps(s.max), max: rps(s.min), samples: s.n, subject };
  }
  const scale = { 'ns/call': 1e6, µs: 1e3, ms: 1, 'MB/s': 0 }[unit];
  if (unit === 'MB/s') {
    const mbps = (ms: number): number => bytesPerOp / 1e6 / (ms / 1e3);
    return { name, unit, median: mbps(s.p50), min: mbps(s.max), max: mbps(s.min), samples: s.n, subject };
  }
  return { name, unit, median: s.p50 * scale, min: s.min * scale, max: s.max * scale, samples: s.n, subject };
}

export async function fromSamples(name: string, subject: Subject, unit: Unit, samples: Sample[], bytesPerOp = 0): Promise<Result> {
  if (samples.length === 0) throw new Error(`${name} (${subject}): no samples`);
  return toResult(name, subject, unit, await spread(samples.map((s) => s.ns / s.ops / 1e6)), bytesPerOp);
}

/** Parse a benchmark program's output (bench/programs/common.h): its batches, or why it failed. */
export function parseBatches(out: string, what: string): Sample[] {
  const samples: Sample[] = [];
  let ok = false;
  for (const line of out.split('\n')) {
    const f = line.split(' ');
    if (f[0] === 'B') samples.push({ ns: Number(f[1]), ops: Number(f[2]) });
    else if (f[0] === 'OK') ok = true;
    else if (f[0] === 'FAIL') throw new Error(`${what}: ${line}`);
  }
  if (!ok) throw new Error(`${what}: no OK line; output: ${out.slice(0, 500)}`);
  return samples;
}
