// The worker pool: the host's process workers, started ahead of need (a
// worker takes ~25 ms to boot, a program posted to a started one instantiates
// in a fraction of a millisecond), and recycled when their process exits by
// itself (its runtime returned, so the worker is clean and waits for the next
// program). A worker's events are routed to whichever process owns it now: a
// crash to `onCrash`, a fork source (abi/messages.ts ForkSource) to the
// process, which may be parked waiting for it (syscall/process.ts, fork), a
// memory notice to the process if it is of the program running now (an exec
// runs the next program in the same worker, and the notice of the one before
// may still be queued).
// The life cycle (proc/lifecycle.ts) takes, binds and releases workers; the
// kernel loop refills the pool when it is about to sleep (kernel.ts), but only
// once a second process was asked for while one runs (a spawn or a fork):
// before that, spares would take the cores the first process's worker boots
// and runs on, and a run of one program never uses them (docs/BENCHMARKS.md,
// start.run). Programs run one after another reuse the recycled worker.
import type { WorkerNotice } from '../abi/messages.js';
import type { Host, WorkerHandle } from '../hostapi.js';
import type { Process } from './process.js';

/**
 * Workers kept started ahead of need: at least POOL_MIN fresh ones, and up to
 * POOL_MAX recycled from processes that exited normally.
 */
const POOL_MIN = 2;
const POOL_MAX = 8;

/** The pool's workers, counted (Kernel.census). */
export interface WorkerCensus {
  /** Started and waiting for a program. */
  idle: number;
  /** Running a process's program. */
  busy: number;
  /** Started and not terminated: idle + busy, unless one was dropped without being terminated. */
  live: number;
}

export class WorkerPool {
  private readonly idle: WorkerHandle[] = [];
  /** Pages of memory an idle worker kept from its last program (runtime/mempool.ts). */
  private readonly keptPages = new Map<WorkerHandle, number>();
  private readonly owner = new Map<WorkerHandle, Process>();
  /** Workers started minus workers terminated. */
  private live = 0;
  /** Whether refill may start spares: a worker was taken while another process ran. */
  private armed = false;

  constructor(
    private readonly host: Pick<Host, 'startProcessWorker'>,
    /** A process's worker failed (it died, or the runtime threw): end the process. */
    private readonly onCrash: (p: Process, error: Error) => void,
    /** Where trace lines from the processes go (null: not tracing). */
    private readonly trace: ((line: string) => void) | null = null,
  ) {}

  /** Idle workers (for Kernel.describe). */
  get size(): number {
    return this.idle.length;
  }

  census(): WorkerCensus {
    return { idle: this.idle.length, busy: this.owner.size, live: this.live };
  }

  /**
   * A worker for a new process: for a fork child of `pages` pages, one that
   * kept a memory of just that size (runtime/mempool.ts), else the most recent.
   */
  take(pages?: number): WorkerHandle {
    // A process asks for another (or two run at once): keep spares from now on.
    if (this.owner.size > 0) this.armed = true;
    let i = this.idle.length - 1;
    if (pages !== undefined) {
      const match = this.idle.findLastIndex((w) => this.keptPages.get(w) === pages);
      if (match >= 0) i = match;
    }
    const w = i >= 0 ? this.idle.splice(i, 1)[0] : this.start();
    this.keptPages.delete(w);
    return w;
  }

  /**
   * Start workers until POOL_MIN are idle. Called when the kernel loop is
   * about to sleep: creating a worker blocks this thread for milliseconds and
   * its boot takes a core for tens, which must not land in the middle of a spawn.
   */
  refill(): void {
    if (!this.armed) return;
    while (this.idle.length < POOL_MIN) this.idle.push(this.start());
  }

  /**
   * Start one worker now unless one is idle: the host knows a process is
   * coming and the kernel has nothing else to do until then (the page's
   * login shell, while the root image loads), so its ~25 ms boot is off the
   * path to the program's start. Spares beyond it still wait for refill's rule.
   */
  prestart(): void {
    if (this.idle.length === 0) this.idle.push(this.start());
  }

  /** Bytes of memory idle workers keep for fork children (charged to the budget until dropped). */
  keptBytes(): number {
    let n = 0;
    for (const pages of this.keptPages.values()) n += pages * 65536;
    return n;
  }

  /** Let go of the memory idle workers keep (ending those workers); the bytes freed. */
  dropKept(): number {
    const freed = this.keptBytes();
    for (const w of this.keptPages.keys()) {
      this.idle.splice(this.idle.indexOf(w), 1);
      w.terminate();
    }
    this.keptPages.clear();
    return freed;
  }

  /** `w` now runs `p`: its events go to `p`. */
  bind(w: WorkerHandle, p: Process): void {
    this.owner.set(w, p);
  }

  /** A worker taken but never started (a spawn whose file actions failed): still clean. */
  giveBack(w: WorkerHandle): void {
    this.idle.push(w);
  }

  /**
   * The process of `w` ended. Keep the worker for another process when `clean`
   * (its process exited by itself; `keptPages` of memory stay with it) and
   * the pool has room, and say so; else terminate it.
   */
  release(w: WorkerHandle, clean: boolean, keptPages: number): boolean {
    this.owner.delete(w);
    // keptPages < 0 (runtime/mempool.ts RETIRE): its program's memory was too large to keep.
    // An inline "worker" is the kernel's own thread: it runs no second program.
    if (!clean || keptPages < 0 || w.inline || this.idle.length >= POOL_MAX) {
      w.terminate();
      this.live--;
      return false;
    }
    if (keptPages > 0) this.keptPages.set(w, keptPages);
    this.idle.push(w);
    return true;
  }

  /** A new worker, its events routed to whichever process owns it. */
  private start(): WorkerHandle {
    const w = this.host.startProcessWorker();
    this.live++;
    w.onError((e) => {
      const p = this.owner.get(w);
      if (p) this.onCrash(p, e);
    });
    w.onMessage((data) => {
      const p = this.owner.get(w);
      const msg = data as WorkerNotice;
      if (!p) return;
      if (msg.type === 'fork-source') {
        p.forkSource = { source: msg.source, gen: msg.gen };
        p.forkSourceArrived.wake();
      } else if (msg.type === 'memory' && msg.pid === p.pid && msg.run === p.runs) {
        // Not a notice of the program this one replaced (exec): fd_readm and
        // fd_writem would move bytes into and out of the old program's memory.
        p.memory = msg.memory;
      } else if (msg.type === 'trace') {
        this.trace?.(msg.line);
      }
    });
    return w;
  }
}
