// The process life cycle: making processes (spawn, fork, and the first one for
// boot.ts), replacing their program (exec), and ending them (exit), with what
// signals do by default (proc/signals.ts calls terminate, stop, resume and
// interrupt here). The syscall handlers (syscall/process.ts, proc.ts,
// signal.ts) validate and decode, then call in; the pool of workers that run
// the programs is proc/workers.ts; the loop that serves calls is kernel.ts,
// reached only through the Scheduler below, and the call in flight only as a
// CurrentCall (proc/process.ts).
// Spec: POSIX posix_spawn (file actions run after the fds are copied, then
// FD_CLOEXEC), exec (caught signals reset to SIG_DFL), _exit (orphans, SIGCHLD).
import { Errno, err, isErr, type Err } from '../abi/errno.js';
import { Cpu, PAGE_SIZE, Slot, releaseForkParent } from '../abi/page.js';
import { Signal } from '../abi/wasi.js';
import { SaFlag, WaitStatus } from '../abi/tabkernel.js';
import { interruptErrno } from '../abi/syscalls.js';
import type { ForkImage, StartMessage } from '../abi/messages.js';
import type { PipeArena } from '../ipc/pipe.js';
import { monotonicNs, monotonicOrigin } from '../lib/time.js';
import { answer } from './answer.js';
import { CpuLimits } from './cpulimit.js';
import { FileLocks } from '../fs/locks.js';
import type { Loader, Program } from './loader.js';
import { memoryTypeOf } from './modules.js';
import type { MemoryType } from '../abi/imports.js';
import { Limits, Rlimit } from './limits.js';
import { PROCESS_OVERHEAD, type OomKiller } from './oom.js';
import { ProcState, Process, SIG_DFL, SIG_IGN, type CurrentCall } from './process.js';
import { deliver, postSignal, type SignalActions } from './signals.js';
import type { ProcessTable } from './table.js';
import type { WorkerPool } from './workers.js';
import { preopenCwd } from './wasicwd.js';
import type { Vfs } from '../fs/vfs.js';


/** What the life cycle needs from the kernel loop (kernel.ts). */
export interface Scheduler {
  /**
   * Post a program to its worker: now, or after the call being served is
   * answered (waking the worker may take the kernel's core on a small
   * machine); the loop stays awake for the program's first calls, unless
   * the program runs `inline` (in the kernel's thread: kernel.ts serveInline).
   */
  launch(post: () => void, inline: boolean): void;
  /** Whether `call`'s handler is running right now (a process signalling itself). */
  serving(call: CurrentCall): boolean;
  /** Wake the loop if it sleeps. */
  kick(): void;
}

/** What every StartMessage carries besides the process. */
export interface StartContext {
  /** The kernel's doorbell (abi/page.ts, Bell). */
  bell: SharedArrayBuffer;
  /** The open file table and its data arena (ipc/filetable.ts; null: no arena). */
  files: SharedArrayBuffer;
  fileData: SharedArrayBuffer | null;
  trace: boolean;
}

export class Lifecycle implements SignalActions {
  /** Called when a process ends (boot.ts waits for the first one; tests watch). */
  onExit: ((p: Process, error?: string) => void) | null = null;
  /** What waits for a particular process to end (whenEnded), by process. */
  private readonly endWaiters = new Map<Process, Array<() => void>>();
  /** RLIMIT_CPU: SIGXCPU, then SIGKILL (proc/cpulimit.ts); prlimit tells it of new limits. */
  readonly cpuLimits = new CpuLimits((p, sig) => this.signal(p, sig));
  /** fcntl and flock locks (fs/locks.ts): each process lets go of its own as it closes fds and ends. */
  readonly locks = new FileLocks();

  constructor(
    private readonly procs: ProcessTable,
    private readonly loader: Loader,
    private readonly workers: WorkerPool,
    private readonly pipeArena: PipeArena,
    private readonly sched: Scheduler,
    private readonly ctx: StartContext,
    /** Programs' memory against the kernel's budget. */
    private readonly oom: OomKiller,
    /** The tree, for a plain WASI program's cwd preopens (proc/wasicwd.ts). */
    private readonly vfs: Vfs,
  ) {}

  // ---- creating and replacing processes ------------------------------------

  /** A process of `parent` (or of none) running `module`, not yet in the table nor started. */
  create(parent: Process | null, module: WebAssembly.Module, argv: string[], env: string[], forkPages?: number): Process {
    const page = new SharedArrayBuffer(PAGE_SIZE);
    const p = new Process(this.procs.allocPid(), parent, argv, env, page, this.workers.take(forkPages), module);
    p.locks = this.locks;
    p.ns = parent ? parent.ns : this.vfs.init;
    // Its CPU time counts from now (abi/page.ts, Cpu): a fork child's from 0, like any other.
    Atomics.store(p.page.i64, Cpu.START, monotonicNs());
    if (parent) {
      p.cwd = parent.cwd;
      p.umask = parent.umask;
      p.limits = new Limits(parent.limits);
      p.sigBlocked = parent.sigBlocked;
    }
    p.publishLimits();
    return p;
  }

  /** Hand the process's program to its worker. */
  start(p: Process, fork?: ForkImage): void {
    const w = p.worker;
    this.workers.bind(w, p);
    p.memory = null; // until the worker says which (a MemoryNotice of this run)
    p.runs++;
    p.startBytes = fork ? fork.bytes : startBytes(p.module);
    // No program grows past what the budget has left for it now (the OOM killer minds later growth).
    const memory = memoryFor(p, fork ? fork.bytes / WASM_PAGE : 0, p.startBytes + this.oom.room());
    const start: StartMessage = {
      type: 'start', pid: p.pid, run: p.runs, module: p.module, page: p.page.sab, bell: this.ctx.bell,
      argv: p.argv, env: p.env, trace: this.ctx.trace, fork, pipes: this.pipeArena.sab, files: this.ctx.files, fileData: this.ctx.fileData, memory,
      clockOrigin: monotonicOrigin(),
    };
    this.oom.watch();
    this.sched.launch(() => w.postMessage(start), w.inline === true);
    this.cpuLimits.watch(p);
  }

  spawn(parent: Process, path: string, argv: string[], env: string[], setup: (child: Process) => Errno): Process | Err | Promise<Process | Err> {
    const prog = this.loader.load(parent.ns, parent.cwd, path, argv);
    if (prog instanceof Promise) return prog.then((loaded) => this.startChild(parent, loaded, env, setup));
    return this.startChild(parent, prog, env, setup);
  }

  /** The rest of spawn, once the program is loaded. */
  private startChild(parent: Process, prog: Program | Err, env: string[], setup: (child: Process) => Errno): Process | Err {
    if (isErr(prog)) return prog;
    if (!parent.alive) return err(Errno.SRCH);
    if (!fitsAddressSpace(prog.module, parent.limits)) return err(Errno.NOMEM);
    if (!this.oom.admit(startBytes(prog.module) + PROCESS_OVERHEAD)) return err(Errno.NOMEM);
    const child = this.create(parent, prog.module, prog.argv, env);
    // As POSIX orders it: the child gets every fd, the file actions run, then exec closes FD_CLOEXEC ones.
    child.fds = parent.fds.clone(false, () => child.limits.soft(Rlimit.NOFILE));
    // Caught signals revert to the default in the new program; ignored ones stay ignored.
    child.sigActions = parent.sigActions.map((a) => (a.handler === SIG_IGN ? { ...a } : { handler: SIG_DFL, flags: 0, mask: 0 }));
    const e = setup(child);
    if (e === Errno.SUCCESS) {
      child.fds.closeOnExec();
      preopenCwd(child);
    }
    if (e !== Errno.SUCCESS) {
      child.fds.closeAll();
      this.workers.giveBack(child.worker);
      return err(e);
    }
    this.procs.add(child);
    this.start(child);
    return child;
  }

  exec(p: Process, path: string, argv: string[], env: string[]): Err | null | Promise<Err | null> {
    const prog = this.loader.load(p.ns, p.cwd, path, argv);
    if (prog instanceof Promise) return prog.then((loaded) => this.replaceProgram(p, loaded, env));
    return this.replaceProgram(p, prog, env);
  }

  /** The rest of exec, once the program is loaded. */
  private replaceProgram(p: Process, prog: Program | Err, env: string[]): Err | null {
    if (isErr(prog)) return prog;
    if (!p.alive) return null;
    if (!fitsAddressSpace(prog.module, p.limits)) return err(Errno.NOMEM);
    // The old program's memory goes as the new one's comes.
    const more = startBytes(prog.module) - (p.memory?.buffer.byteLength ?? p.startBytes);
    if (more > 0 && !this.oom.admit(more)) return err(Errno.NOMEM);
    p.fds.closeOnExec();
    p.sigActions = p.sigActions.map((a) => (a.handler === SIG_IGN ? a : { handler: SIG_DFL, flags: 0, mask: 0 }));
    p.module = prog.module;
    p.argv = prog.argv;
    p.env = env;
    preopenCwd(p);
    p.forkSource = null; // the new program's memory is another
    // The same worker runs the new program: the exec call succeeds, its runtime
    // unwinds the old program's stack (runtime/tabkernel.ts) and returns, and
    // the worker takes the StartMessage queued behind it. No worker boots.
    Atomics.store(p.page.i32, Slot.SIGNAL, 0);
    answer(p, Errno.SUCCESS);
    this.start(p);
    return null;
  }

  fork(p: Process, bytes: number, stackPointer: number, asyncifyData: number): Process | Err {
    const from = p.forkSource?.source;
    const buffer = from instanceof SharedArrayBuffer ? from : from?.buffer;
    if (!(buffer instanceof SharedArrayBuffer) || bytes % 65536 !== 0 || bytes > buffer.byteLength) return err(Errno.INVAL);
    if (!this.oom.admit(bytes + PROCESS_OVERHEAD)) return err(Errno.NOMEM);
    const image: ForkImage = { image: buffer, bytes, stackPointer, asyncifyData, parentPage: p.page.sab };
    const child = this.create(p, p.module, p.argv, p.env, bytes / 65536);
    child.fds = p.fds.clone(false, () => child.limits.soft(Rlimit.NOFILE));
    child.sigActions = p.sigActions.map((a) => ({ ...a }));
    child.pgid = p.pgid;
    child.sid = p.sid;
    this.procs.add(child);
    // The parent waits until the child has copied its memory (abi/page.ts, FORK_CHILD).
    Atomics.store(p.page.i32, Slot.FORK_CHILD, child.pid);
    child.releaseParent = () => releaseForkParent(image.parentPage, child.pid);
    this.start(child, image);
    return child;
  }

  // ---- ending processes ------------------------------------------------------

  /**
   * End a process: drop its call, release its fds, stop its worker (or keep it
   * for reuse when the process itself asked to exit), tell its parent.
   */
  exit(p: Process, waitStatus: number, error?: string, recycle = false): void {
    if (!p.alive) return;
    // Before anyone can learn it ended: its runtime makes no more changes of its own (abi/page.ts).
    Atomics.store(p.page.i32, Slot.GONE, 1);
    p.endedCpuNs = p.cpuTimeNs();
    p.state = ProcState.ZOMBIE;
    this.cpuLimits.forget(p);
    p.waitStatus = waitStatus;
    const sig = WaitStatus.termSig(waitStatus);
    p.status = sig ? 128 + sig : (waitStatus >> 8) & 0xff;
    p.task?.unpark();
    if (p.alarmTimer !== null) clearTimeout(p.alarmTimer as never);
    if (error && !p.hostReportsExit) tellStderr(p, error);
    p.fds.closeAll();
    this.locks.exited(p);
    // A kept worker's runtime returns once the exit call is answered and waits for its next program.
    if (this.workers.release(p.worker, recycle, p.keptPages)) answer(p, Errno.SUCCESS);
    p.releaseParent?.();
    p.releaseParent = null;
    p.forkSource = null;
    p.task = null;
    this.reparentChildren(p);
    const parent = p.parent;
    if (!parent || !parent.alive) {
      this.procs.remove(p); // nobody will reap it
    } else {
      // SIGCHLD ignored (or SA_NOCLDWAIT): reaped at once, as on Linux; a waiting
      // parent still wakes, to wait for its other children or fail with ECHILD.
      const chld = parent.action(Signal.CHLD);
      if (chld.handler === SIG_IGN || (chld.flags & SaFlag.NOCLDWAIT)) this.procs.remove(p);
      parent.childEvents.wake();
      if (chld.handler !== SIG_IGN) this.signal(parent, Signal.CHLD);
    }
    this.onExit?.(p, error);
    const waiters = this.endWaiters.get(p);
    this.endWaiters.delete(p);
    for (const w of waiters ?? []) w();
  }

  /** Resolves once `p` has ended (at once if it has): a process of no parent that the kernel itself waits for. */
  whenEnded(p: Process): Promise<void> {
    if (!p.alive) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.endWaiters.get(p) ?? [];
      list.push(resolve);
      this.endWaiters.set(p, list);
    });
  }

  /** Orphans are adopted by the first process, or by nobody (then nobody waits for them). */
  private reparentChildren(p: Process): void {
    const init = this.procs.get(1);
    for (const c of p.children) {
      c.parent = init && init !== p && init.alive ? init : null;
      if (c.parent) c.parent.children.add(c);
      else if (!c.alive) this.procs.remove(c);
    }
    p.children.clear();
  }

  // ---- signals ---------------------------------------------------------------

  /** Generate a signal for a process (kill, SIGPIPE, SIGCHLD, the terminal). */
  signal(p: Process, sig: number): void {
    postSignal(this, p, sig);
  }

  /** Generate a signal for every process of a group (the terminal's keys, SIGWINCH, job control). */
  signalGroup(pgid: number, sig: number): void {
    for (const q of this.procs.group(pgid)) this.signal(q, sig);
  }

  /** Act on pending signals that just became unblocked. */
  deliverSignals(p: Process): void {
    deliver(this, p);
  }

  terminate(p: Process, sig: number): void {
    this.exit(p, sig);
  }

  stop(p: Process, sig: number): void {
    if (p.state !== ProcState.RUNNING) return;
    p.state = ProcState.STOPPED;
    p.unreportedStop = sig;
    p.unreportedContinue = false;
    this.tellParent(p);
  }

  resume(p: Process): void {
    if (p.state !== ProcState.STOPPED) return;
    p.state = ProcState.RUNNING;
    p.unreportedStop = 0;
    p.unreportedContinue = true;
    p.task?.rerun();
    this.deliverSignals(p); // what arrived while it was stopped
    this.tellParent(p);
    this.sched.kick();
  }

  /** A child stopped or continued: wake its parent's waits, and SIGCHLD unless SA_NOCLDSTOP. */
  private tellParent(p: Process): void {
    if (!p.parent?.alive) return;
    p.parent.childEvents.wake();
    if (!(p.parent.action(Signal.CHLD).flags & SaFlag.NOCLDSTOP)) this.signal(p.parent, Signal.CHLD);
  }

  /** A signal for a handler: end the parked call (EINTR or RESTART, or the bytes already moved). */
  interrupt(p: Process): void {
    // A runtime waiting on a pipe ring by itself re-checks and sees the signal.
    const ring = Atomics.load(p.page.i32, Slot.RINGWAIT);
    if (ring > 0) this.pipeArena.poke(ring - 1);
    const t = p.task;
    if (!t || this.sched.serving(t) || t.uninterruptible) return;
    t.unpark();
    if (t.progress > 0) {
      t.ret(0, t.progress);
      answer(p, Errno.SUCCESS);
    } else {
      answer(p, interruptErrno(t.name));
    }
  }
}

/**
 * Why a process failed (a trap, a program that could not start), on its own
 * stderr, as wasmtime prints it on its own: a trap in a shell's child is then
 * explained, not just "Aborted". Best effort: what does not fit now is dropped.
 */
function tellStderr(p: Process, message: string): void {
  const file = p.fds.get(2)?.file;
  if (!file || !file.writable) return;
  const bytes = new TextEncoder().encode(message.endsWith('\n') ? message : `${message}\n`);
  if (file.canWrite(bytes.length)) file.write(bytes);
}

/**
 * RLIMIT_AS, and the budget's room: the memory the runtime supplies a program
 * grows no further than either, so memory.grow fails there and malloc returns NULL (ENOMEM). A
 * program whose memory the runtime cannot supply (proc/memimport.ts) is not
 * held to it (docs/LIMITS.md).
 */
function memoryFor(p: Process, forkPages: number, room: number): MemoryType | undefined {
  const type = memoryTypeOf(p.module);
  const limit = Math.min(p.limits.soft(Rlimit.AS), room);
  if (!type || limit === Infinity) return type;
  // A fork child starts at its parent's size, whatever the limit became since.
  const floor = Math.max(type.initial, forkPages);
  return { initial: type.initial, maximum: Math.max(floor, Math.min(type.maximum, Math.floor(limit / WASM_PAGE))) };
}

/** The memory a program starts with, where the runtime supplies it (0: it brings its own). */
function startBytes(module: WebAssembly.Module): number {
  return (memoryTypeOf(module)?.initial ?? 0) * WASM_PAGE;
}

/** exec and spawn: ENOMEM for a program whose initial memory is already over RLIMIT_AS. */
function fitsAddressSpace(module: WebAssembly.Module, limits: Limits): boolean {
  const type = memoryTypeOf(module);
  return !type || type.initial * WASM_PAGE <= limits.soft(Rlimit.AS);
}

const WASM_PAGE = 65536;
