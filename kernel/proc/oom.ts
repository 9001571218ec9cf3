// Programs' memory against the kernel's budget (mm/budget.ts): what processes
// hold, whether a new program fits (exec, spawn and fork ask first, and fail
// with ENOMEM when it does not), and the out-of-memory killer.
//
// A program's memory grows in its worker without a kernel call, so the kernel
// looks: while processes run, a timer sums their memories (shared, so each
// size is live) every CHECK_MS. When guests hold more than the budget, the
// memories idle workers keep for fork children go first; then, as Linux's OOM
// killer does, the process holding the most memory is killed (SIGKILL) and
// told why on its stderr, until the sum fits again. A program can overshoot by
// what it grows in one period, which its RLIMIT_AS bounds.
// Spec: Linux Documentation/admin-guide/mm (overcommit), proc(5) oom_score.
import { Signal } from '../abi/wasi.js';
import type { MemoryBudget } from '../mm/budget.js';
import type { Process } from './process.js';
import type { ProcessTable } from './table.js';
import type { WorkerPool } from './workers.js';

/** How often the killer looks while processes run. */
const CHECK_MS = 50;
/**
 * What a process costs besides its program's memory: its worker (a thread
 * with its own JavaScript heap, stack and the runtime). Measured in Node
 * during a fork bomb (test/integration/bombs.test.ts): ~10.5 MiB of resident
 * set a process with a 1.1 MiB program, so 10 MiB here.
 */
export const PROCESS_OVERHEAD = 10 << 20;

export class OomKiller {
  private timer: unknown = null;
  /** Processes killed so far (for /proc/vmstat's oom_kill and tests). */
  kills = 0;

  constructor(
    private readonly procs: ProcessTable,
    private readonly workers: WorkerPool,
    private readonly budget: MemoryBudget,
    /** End `p` with `sig`, saying `why` on its stderr (proc/lifecycle.ts exit). */
    private readonly kill: (p: Process, sig: number, why: string) => void,
  ) {
    budget.processBytes = () => this.held();
  }

  /** What the budget has left now. */
  room(): number {
    return this.budget.available();
  }

  /** What live processes hold: their memories and overheads, and the memory idle workers keep. */
  held(): number {
    let n = this.workers.keptBytes();
    for (const p of this.procs.all()) if (p.alive) n += bytesOf(p) + PROCESS_OVERHEAD;
    return n;
  }

  /**
   * Whether a program needing `bytes` more may start: the kept memories are
   * let go first if that makes room. The caller fails with ENOMEM if not.
   */
  admit(bytes: number): boolean {
    if (this.budget.fits(bytes)) return true;
    if (this.workers.dropKept() > 0 && this.budget.fits(bytes)) return true;
    return false;
  }

  /** A process started: look while any run. */
  watch(): void {
    if (this.timer === null) this.arm();
  }

  private arm(): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.check();
      if (this.procs.size > 0) this.arm();
    }, CHECK_MS);
    // In Node a kernel with nothing else to do may exit (the CLI's worker ends anyway).
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** Kill until guests fit the budget again. */
  check(): void {
    if (this.budget.used() <= this.budget.limit) return;
    this.workers.dropKept();
    while (this.budget.used() > this.budget.limit) {
      const victim = this.largest();
      if (!victim) return;
      const mib = (n: number): string => `${Math.round(n / 2 ** 20)} MiB`;
      this.kills++;
      this.kill(victim, Signal.KILL,
        `tabkernel: out of memory: killed process ${victim.pid} (${victim.argv[0] ?? '?'}) holding ${mib(bytesOf(victim))}; ` +
        `guests hold ${mib(this.budget.used())} of a ${mib(this.budget.limit)} budget`);
    }
  }

  /** The live process holding the most memory. */
  private largest(): Process | null {
    let best: Process | null = null;
    let most = -1;
    for (const p of this.procs.all()) {
      if (!p.alive) continue;
      const n = bytesOf(p);
      if (n > most) [best, most] = [p, n];
    }
    return best;
  }
}

/** A process's memory now: its size when its worker has told us which it is, else what it started with. */
function bytesOf(p: Process): number {
  return p.memory ? p.memory.buffer.byteLength : p.startBytes;
}
