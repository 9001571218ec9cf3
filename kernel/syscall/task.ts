// A task is one syscall in flight: the process that made it, its decoded
// arguments, and where its results go. A handler that cannot finish yet parks
// the task on wait queues; the kernel re-runs the handler when one is woken,
// so handlers check their condition first and change nothing before parking.
import { Errno } from '../abi/errno.js';
import { RET_BASE } from '../abi/page.js';
import type { SyscallName } from '../abi/syscalls.js';
import type { Process } from '../proc/process.js';
import type { WaitQueue, Waiter } from '../proc/waitqueue.js';
import type { Vfs } from '../fs/vfs.js';

/** What a handler returns: an errno, or BLOCKED after parking the task. */
export const BLOCKED = -1;
export type Result = Errno | typeof BLOCKED;

/** What handlers may ask of the kernel beyond their process. */
export interface Sys {
  readonly vfs: Vfs;
  /** Run this task's handler again soon (from the kernel loop, never re-entrantly). */
  retry(task: Task): void;
  /** End a process: release what it holds, make it a zombie, tell its parent. */
  exit(p: Process, status: number, error?: string): void;
}

export class Task {
  /** Bumped when the task finishes or re-runs, so stale waiters do nothing. */
  private generation = 0;
  private parked: Array<[WaitQueue, Waiter]> = [];
  private timer: unknown = null;
  /** Where output bytes start in the data window (after the inputs, 8-aligned). */
  readonly outOffset: number;

  constructor(
    readonly proc: Process,
    readonly name: SyscallName,
    readonly args: unknown[],
    inputEnd: number,
    readonly sys: Sys,
  ) {
    this.outOffset = (inputEnd + 7) & ~7;
  }

  /** A result cell as a number. */
  ret(k: number, v: number): void {
    this.proc.page.f64[RET_BASE + k] = v;
  }
  /** A result cell as a 64-bit integer. */
  retBig(k: number, v: bigint): void {
    this.proc.page.i64[RET_BASE + k] = v;
  }
  /** The output area of the data window. */
  out(): Uint8Array {
    return this.proc.page.data.subarray(this.outOffset);
  }
  /** A DataView of the output area, for writing WASI structs. */
  outView(): DataView {
    const d = this.proc.page.data;
    return new DataView(d.buffer, d.byteOffset + this.outOffset, d.byteLength - this.outOffset);
  }

  /**
   * Park until one of `queues` is woken or `timeoutMs` passes (if given),
   * then run the handler again.
   */
  block(queues: WaitQueue[], timeoutMs?: number): Result {
    const gen = this.generation;
    const wake: Waiter = () => {
      if (gen === this.generation) this.sys.retry(this);
    };
    for (const q of queues) {
      q.add(wake);
      this.parked.push([q, wake]);
    }
    if (timeoutMs !== undefined) this.timer = setTimeout(wake, Math.max(0, timeoutMs));
    return BLOCKED;
  }

  /** Forget every parking place (before a re-run, on completion, on kill). */
  unpark(): void {
    this.generation++;
    for (const [q, w] of this.parked) q.remove(w);
    this.parked = [];
    if (this.timer !== null) clearTimeout(this.timer as never);
    this.timer = null;
  }
}
