// What the soak and bomb tests (soak.test.ts, bombs.test.ts) measure besides
// the kernel's own census (Kernel.census): the host process — its heap after a
// full collection, its resident set now and at its peak, its threads (every
// process worker is one) — and a way to wait until a kernel has settled after
// a load (exited workers are torn down asynchronously).
import fs from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Census, Kernel } from '../../kernel/kernel.js';
import type { RunRequest } from '../../kernel/abi/messages.js';
import { captureKernel, type Captured } from '../support/kernel.js';

const MiB = 2 ** 20;

/** A full garbage collection, without needing node --expose-gc. */
export const gc: () => void = (() => {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
})();

export interface HostMemory {
  /** V8 heap of this thread after a full collection, MiB. */
  heap: number;
  /** ArrayBuffers and SharedArrayBuffers this thread holds (outside the heap), MiB. */
  buffers: number;
  /** Resident set, and its peak so far (VmHWM), MiB. */
  rss: number;
  peak: number;
  /** Threads of this process: Node's own plus one per worker still alive. */
  threads: number;
}

/** This process's memory and threads, after a full collection. */
export function hostMemory(): HostMemory {
  gc();
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return {
    heap: round(process.memoryUsage().heapUsed / MiB),
    buffers: round(process.memoryUsage().arrayBuffers / MiB),
    rss: round(process.memoryUsage().rss / MiB),
    peak: round((field('VmHWM') * 1024) / MiB),
    threads: field('Threads'),
  };
}

const round = (n: number): number => Math.round(n * 10) / 10;

/**
 * Wait until `kernel` holds no process and no busy worker and this process's
 * thread count has stopped falling (terminated workers are joined
 * asynchronously), or `ms` pass.
 */
export async function settle(kernel: Kernel, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  let threads = hostMemory().threads;
  let still = 0;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    const c = kernel.census();
    const t = hostMemory().threads;
    still = t === threads && c.processes === 0 && c.workers.busy === 0 ? still + 1 : 0;
    threads = t;
    if (still >= 5) return;
  }
}

/**
 * The fields of two censuses that differ, as "name before→after"; the idle
 * workers are left out (the pool keeps between POOL_MIN and POOL_MAX of them,
 * proc/workers.ts: the caller bounds them) and so is `live` (idle + busy).
 */
export function censusDelta(before: Census, after: Census): string[] {
  const out: string[] = [];
  for (const k of Object.keys(before) as Array<keyof Census>) {
    if (k === 'workers') continue;
    if (before[k] !== after[k]) out.push(`${k} ${before[k]}→${after[k]}`);
  }
  if (before.workers.busy !== after.workers.busy) out.push(`workers.busy ${before.workers.busy}→${after.workers.busy}`);
  const w = after.workers;
  if (w.live !== w.idle + w.busy) out.push(`workers.live ${w.live} ≠ idle ${w.idle} + busy ${w.busy}`);
  return out;
}

/** A kernel that runs program after program, each to its end, output captured per run. */
export class Runner {
  readonly k: Captured = captureKernel();

  get kernel(): Kernel {
    return this.k.kernel;
  }

  /** Run a request; its status and what it wrote. */
  async run(req: Omit<RunRequest, 'type' | 'env' | 'cwd' | 'mounts'> & Partial<RunRequest>): Promise<{ status: number; out: string; err: string }> {
    this.k.clear(); // else a long soak's output would grow the heap it measures
    const notice = await this.k.kernel.boot.run({ type: 'run', env: [], cwd: '/', mounts: [], ...req });
    return { status: notice.status, out: this.k.stdout(), err: this.k.stderr() + (notice.error ?? '') };
  }

  /** `sh -c SCRIPT` from the root image. */
  sh(script: string): Promise<{ status: number; out: string; err: string }> {
    return this.run({ argv: ['sh', '-c', script] });
  }
}

/** Start measuring this process's peak resident set (VmHWM) afresh (Linux: clear_refs 5). */
export function resetPeak(): void {
  fs.writeFileSync('/proc/self/clear_refs', '5');
}
