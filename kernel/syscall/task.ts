// A task is one syscall in flight: the process that made it, its decoded
// arguments, and where its results go. A handler that cannot finish yet parks
// the task on wait queues; the kernel re-runs the handler when one is woken,
// so handlers check their condition first and change nothing before parking.
import { Errno } from '../abi/errno.js';
import { RET_BASE } from '../abi/page.js';
import { interruptErrno, type SyscallName } from '../abi/syscalls.js';
import type { Lifecycle } from '../proc/lifecycle.js';
import type { CurrentCall, Process } from '../proc/process.js';
import type { WaitQueue, Waiter } from '../proc/waitqueue.js';
import type { Vfs } from '../fs/vfs.js';
import type { ProcessTable } from '../proc/table.js';
import type { PipeArena } from '../ipc/pipe.js';
import type { FileTable } from '../fs/filetable.js';
import type { Builder } from '../image/build.js';
import type { Containers } from '../image/containers.js';
import type { Network } from '../net/network.js';
import { startTimer, stopTimer, type Timer } from '../lib/timers.js';

/** What a handler returns: an errno, or BLOCKED after parking the task. */
export const BLOCKED = -1;
export type Result = Errno | typeof BLOCKED;

/** What handlers may ask of the kernel beyond their process. */
export interface Sys {
  readonly vfs: Vfs;
  readonly procs: ProcessTable;
  /** The shared pipe rings (ipc/pipe.ts). */
  readonly pipeArena: PipeArena;
  /** The open file table in shared memory (fs/filetable.ts). */
  readonly files: FileTable;
  /** The kernel's network: sockets, ports, names (net/network.ts). */
  readonly net: Network;
  /** Run this task's handler again soon (from the kernel loop, never re-entrantly). */
  retry(task: Task): void;
  /** Asynchronous work a task waits for: the loop lets promise callbacks run until it settles. */
  track(work: Promise<unknown>): void;
  /** Making, replacing and ending processes; signals (proc/lifecycle.ts). */
  readonly lifecycle: Lifecycle;
  /** The host's images and containers of them (image/containers.ts). */
  readonly containers: Containers;
  /** Building images (image/build.ts). */
  readonly builder: Builder;
}

/** The longest delay Node's and browsers' setTimeout keeps (2^31-1 ms, 24.8 days). */
const MAX_TIMER_MS = 0x7fffffff;

export class Task implements CurrentCall {
  /** Bumped when the task finishes or re-runs, so stale waiters do nothing. */
  private generation = 0;
  /** Where the task is parked; null when nowhere (most calls never park). */
  private parked: Array<[WaitQueue, Waiter]> | null = null;
  private timer: Timer | null = null;
  /** Where output bytes start in the data window (after the inputs, 8-aligned). */
  readonly outOffset: number;
  /** Bytes a partial write already moved (blocking writes to pipes continue). */
  progress = 0;
  /** Set for calls a signal must not cut short (spawn, exec, fork). */
  uninterruptible = false;
  /** The signal mask a call replaced for its wait (ppoll), to put back when it ends; null: none replaced. */
  savedMask: number | null = null;
  private asyncResult: { value: unknown } | null = null;
  private asyncStarted = false;

  constructor(
    readonly proc: Process,
    readonly name: SyscallName,
    readonly args: unknown[],
    inputEnd: number,
    readonly sys: Sys,
    /** The handler of `name` (syscall/table.ts). */
    readonly handler: (t: Task, ...a: unknown[]) => Result,
  ) {
    this.outOffset = (inputEnd + 7) & ~7;
  }

  /** A result cell as a number. */
  ret(k: number, v: number): void {
    this.proc.page.f64[RET_BASE + k] = v;
  }
  /** A result cell's number, as set so far (a handler built on another). */
  retNum(k: number): number {
    return this.proc.page.f64[RET_BASE + k];
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
    const page = this.proc.page;
    if (this.outOffset === 0) return page.dataView;
    const d = page.data;
    return new DataView(d.buffer, d.byteOffset + this.outOffset, d.byteLength - this.outOffset);
  }

  /**
   * Park until one of `queues` is woken or `timeoutMs` passes (if given),
   * then run the handler again.
   */
  block(queues: WaitQueue[], timeoutMs?: number): Result {
    // A caught signal already pending (delivered while the runtime was busy) cuts the wait short:
    // EINTR, or RESTART for a call its handler may restart (abi/syscalls.ts).
    if (!this.uninterruptible && (this.proc.sigPending & ~this.proc.sigBlocked) !== 0) {
      if (this.progress > 0) {
        this.ret(0, this.progress);
        return Errno.SUCCESS;
      }
      return interruptErrno(this.name);
    }
    const gen = this.generation;
    const wake: Waiter = () => {
      if (gen === this.generation) this.sys.retry(this);
    };
    this.parked ??= [];
    for (const q of queues) {
      q.add(wake);
      this.parked.push([q, wake]);
    }
    // A host timer keeps at most MAX_TIMER_MS (a longer one runs after 1 ms):
    // the handler runs again then, finds its deadline ahead and blocks anew.
    if (timeoutMs !== undefined) this.timer = startTimer(Math.min(Math.max(0, timeoutMs), MAX_TIMER_MS), wake);
    return BLOCKED;
  }

  /**
   * Run kernel work that may have to wait (loading a program) on behalf of
   * this call: its value at once when it needs no promise; else BLOCKED until
   * the promise settles, then its value on the re-run.
   */
  await<T>(start: () => T | Promise<T>): { value: T } | typeof BLOCKED {
    if (this.asyncResult) return this.asyncResult as { value: T };
    if (!this.asyncStarted) {
      this.asyncStarted = true;
      const now = start();
      if (!(now instanceof Promise)) return (this.asyncResult = { value: now });
      const work = now.then((value) => {
        this.asyncResult = { value };
        this.sys.retry(this);
      });
      this.sys.track(work);
    }
    return BLOCKED;
  }

  /** Run the handler again soon, from the kernel loop (a stopped process was continued). */
  rerun(): void {
    this.sys.retry(this);
  }

  /** Forget every parking place (before a re-run, on completion, on kill). */
  unpark(): void {
    this.generation++;
    if (this.parked !== null) {
      for (const [q, w] of this.parked) q.remove(w);
      this.parked = null;
    }
    if (this.timer !== null) stopTimer(this.timer);
    this.timer = null;
  }
}
