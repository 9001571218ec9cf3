// A process as the kernel sees it: identity (pid, parent, process group,
// session), its fd table, working directory, signal state, its syscall page and
// the worker that runs it. The process table is proc/table.ts; the life cycle
// (spawn, fork, exec, exit, reaping) proc/lifecycle.ts; signal delivery
// proc/signals.ts; the code running inside the worker is runtime/.
import type { MountNamespace } from '../fs/namespace.js';
import { PageViews, Slot, cpuTimeNs } from '../abi/page.js';
import { SigHandler } from '../abi/tabkernel.js';
import type { SyscallName } from '../abi/syscalls.js';
import { monotonicNs } from '../lib/time.js';
import type { WorkerHandle } from '../hostapi.js';
import type { Terminal } from '../tty/terminal.js';
import type { FileLocks } from '../fs/locks.js';
import { FdTable } from './fdtable.js';
import { Limits, Rlimit } from './limits.js';
import { WaitQueue } from './waitqueue.js';

export const enum ProcState { RUNNING, STOPPED, ZOMBIE }

/** What a signal does when it arrives: SIG_DFL (0), SIG_IGN (0xfffffffe) or a handler (a function-table index). */
export interface SigAction {
  handler: number;
  flags: number;
  mask: number;
}
export const SIG_DFL = SigHandler.DFL;
/** SIG_IGN: not 1, which in wasm is a valid function-table index. */
export const SIG_IGN = SigHandler.IGN;

/**
 * The call a process has in the kernel (syscall/task.ts's Task), as the life
 * cycle and signals see it: they end it or run it again, never decode it.
 */
export interface CurrentCall {
  readonly name: SyscallName;
  /** Bytes a partial write already moved (a signal then ends it with that count). */
  readonly progress: number;
  /** Set for calls a signal must not cut short (spawn, exec, fork). */
  readonly uninterruptible: boolean;
  /** Set a result cell. */
  ret(k: number, v: number): void;
  /** Forget every wait queue and timer it is parked on. */
  unpark(): void;
  /** Run its handler again soon (its process was continued). */
  rerun(): void;
}

/** How often one fork call looks again for a memory view that lags its growth (Process.forkSourceLags). */
const FORK_GROWTH_TRIES = 20;

/** Signal bit for a set: bit (sig - 1), as in the C library's sigset_t. */
export function sigbit(sig: number): number {
  return 2 ** (sig - 1);
}

export class Process {
  /** getrlimit/setrlimit (proc/limits.ts); publishLimits() after a change the runtime must see. */
  limits = new Limits();

  /** Tell the runtime the limits it applies itself (abi/page.ts, Slot.FSIZE). */
  publishLimits(): void {
    const fsize = this.limits.soft(Rlimit.FSIZE);
    Atomics.store(this.page.i32, Slot.FSIZE, fsize === Infinity ? -1 : Math.min(fsize, 0x7fffffff));
  }
  /** The kernel's file locks (fs/locks.ts): closing an fd lets go of this process's locks on its file. */
  locks: FileLocks | null = null;
  private fdTable!: FdTable;
  /** Its fds, below RLIMIT_NOFILE. */
  get fds(): FdTable {
    return this.fdTable;
  }
  set fds(t: FdTable) {
    t.onClose = (file, last) => this.locks?.closed(this, file, last);
    this.fdTable = t;
  }
  readonly page: PageViews;
  state = ProcState.RUNNING;
  /** The wait(2) status word (Linux layout): code << 8, or the signal number. */
  waitStatus = 0;
  /** Exit status as a shell reports it: the code, or 128 + signal. */
  status = 0;
  /** The call being served (or parked) right now, if any. */
  task: CurrentCall | null = null;
  /** Woken when a child changes state (exits, stops, continues). */
  readonly childEvents = new WaitQueue();
  readonly children = new Set<Process>();
  /** A stop or continue not yet reported to wait(WUNTRACED / WCONTINUED). */
  unreportedStop = 0;
  unreportedContinue = false;

  pgid: number;
  sid: number;
  /** The controlling terminal of the process's session (null: none). */
  ctty: Terminal | null = null;
  /** The mount namespace its paths resolve in (set by Lifecycle.create: the parent's, or the first). */
  ns!: MountNamespace;
  cwd = '/';
  umask = 0o022;
  /** Paths resolve as on Unix (absolute symlinks allowed): a program of the root image. */
  unixPaths = false;
  /** The host reports why this process failed (the first process); any other writes it to its own stderr. */
  hostReportsExit = false;

  // Signals: bit masks (sigbit) and per-signal actions, index = signal number.
  sigPending = 0;
  sigBlocked = 0;
  sigActions: SigAction[] = [];
  /** Woken whenever a signal becomes pending, blocked or not (ppoll's wait for one to take: sigtimedwait). */
  readonly sigArrived = new WaitQueue();
  alarmTimer: unknown = null;
  alarmDeadline = 0;
  /** The CPU time it had used when it ended (null while it runs: cpuTimeNs reads its page). */
  endedCpuNs: bigint | null = null;
  /**
   * The CPU time of its children that ended and were waited for, theirs
   * included (getrusage's RUSAGE_CHILDREN, times' tms_cutime); a child reaped
   * because SIGCHLD is ignored is not counted, as on Linux.
   */
  childrenCpuNs = 0n;

  /** For a fork child: lets its parent run on if it still waits for the child to copy its image (called when the child ends). */
  releaseParent: (() => void) | null = null;
  /** Where fork children copy this process's memory from (abi/messages.ts ForkSource), as last sent. */
  forkSource: { source: WebAssembly.Memory | SharedArrayBuffer; gen: number } | null = null;
  /** The program's memory, once its worker said which (abi/messages.ts MemoryNotice); shared, so its size is live. */
  memory: WebAssembly.Memory | null = null;
  /** Programs started in this process so far (exec starts another): a MemoryNotice names the one it is of. */
  runs = 0;
  /** The bytes its program started with, counted until `memory` is known (proc/oom.ts). */
  startBytes = 0;
  /** Pages of memory its worker keeps for a fork child after a clean exit; < 0: retire the worker (runtime/mempool.ts). */
  keptPages = 0;
  readonly forkSourceArrived = new WaitQueue();
  /** The fork call waiting for this thread's view of the memory to grow, and how often it has (forkSourceLags). */
  private growthWait: { call: CurrentCall; tries: number } | null = null;

  constructor(
    readonly pid: number,
    public parent: Process | null,
    public argv: string[],
    public env: string[],
    page: SharedArrayBuffer,
    public worker: WorkerHandle,
    public module: WebAssembly.Module,
  ) {
    this.fds = new FdTable(() => this.limits.soft(Rlimit.NOFILE));
    this.page = new PageViews(page);
    this.pgid = parent ? parent.pgid : pid;
    this.sid = parent ? parent.sid : pid;
    this.ctty = parent ? parent.ctty : null;
    this.unixPaths = parent ? parent.unixPaths : false;
  }

  get ppid(): number {
    return this.parent ? this.parent.pid : 0;
  }

  get alive(): boolean {
    return this.state !== ProcState.ZOMBIE;
  }

  /** CPU time used so far, in ns: the time its worker ran, less its waits (abi/page.ts, Cpu). */
  cpuTimeNs(): bigint {
    return this.endedCpuNs ?? cpuTimeNs(this.page.i64, monotonicNs());
  }

  /**
   * Whether the fork call in progress should look again shortly because this
   * thread's view of the program's memory is still smaller than `bytes`: a
   * shared memory grown by the process reaches another thread's view at
   * V8's next interrupt check. One call waits so at most FORK_GROWTH_TRIES
   * times, then goes ahead.
   */
  forkSourceLags(bytes: number): boolean {
    const source = this.forkSource?.source;
    const lags = source !== undefined && !(source instanceof SharedArrayBuffer) && source.buffer.byteLength < bytes;
    if (lags && this.task) {
      if (this.growthWait?.call !== this.task) this.growthWait = { call: this.task, tries: 0 };
      if (++this.growthWait.tries <= FORK_GROWTH_TRIES) return true;
    }
    this.growthWait = null;
    return false;
  }

  action(sig: number): SigAction {
    return this.sigActions[sig] ?? { handler: SIG_DFL, flags: 0, mask: 0 };
  }
}
