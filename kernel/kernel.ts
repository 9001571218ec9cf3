// The kernel: builds the subsystems and runs the loop that serves syscalls.
//
// As the composition root it owns the VFS (with /proc and /dev's terminals),
// the process table, the pipe arena and the PTYs, and wires together the
// worker pool (proc/workers.ts), the process life cycle (proc/lifecycle.ts)
// and the boot of the first process (boot.ts). Handlers reach them as `Sys`
// (syscall/task.ts).
//
// The loop scans every process's syscall page for a PENDING request, decodes
// it into a task and runs its handler (syscall/dispatch.ts). A handler that
// must wait parks its task on wait queues and the loop moves on: blocking calls
// never block the kernel. While calls keep coming the loop spins (a wake through
// Atomics.wait costs tens of µs, a spin a fraction of one); after an adaptive
// idle spin (idle.ts) without work it sleeps on the doorbell with
// Atomics.waitAsync, which also lets the host's messages and timers run. The
// life cycle reaches the loop only through its Scheduler (launch, serving,
// kick); the loop refills the worker pool when it is about to sleep. A
// program run in the kernel's own thread (the CLI's plain WASI program) has
// its calls served by serveInline as it makes them, never by the loop.
import { isErr } from './abi/errno.js';
import { BELL_SIZE, Bell, Slot, State, waitBegins, waitEnds } from './abi/page.js';
import { Signal } from './abi/wasi.js';
import { Boot } from './boot.js';
import { BuildSteps } from './buildrun.js';
import { type MemDir, MemFs } from './fs/memfs.js';
import { ProcRoot } from './fs/procfs.js';
import { Builder } from './image/build.js';
import { Containers } from './image/containers.js';
import { addMemoryDevices, Vfs } from './fs/vfs.js';
import type { Host } from './hostapi.js';
import { IdlePolicy, START_MS, WAKE_MS } from './idle.js';
import { monotonicNs, useMonotonicClock } from './lib/time.js';
import { nextDeadline, runDue } from './lib/timers.js';
import { PipeArena, openPipes } from './ipc/pipe.js';
import { FileTable } from './fs/filetable.js';
import { MemoryBudget } from './mm/budget.js';
import { Network } from './net/network.js';
import { answer, wakeups } from './proc/answer.js';
import { Lifecycle, type Scheduler } from './proc/lifecycle.js';
import { Loader } from './proc/loader.js';
import { ModuleCache } from './proc/modules.js';
import { OomKiller } from './proc/oom.js';
import { ProcState } from './proc/process.js';
import { ProcessTable, type ProcessCensus } from './proc/table.js';
import { WorkerPool, type WorkerCensus } from './proc/workers.js';
import { closeDeferred, decode, run } from './syscall/dispatch.js';
import type { Sys, Task } from './syscall/task.js';
import { DevTtyInode, PtmxInode, PtsDir, PtyTable } from './tty/pts.js';

/** Longest stretch of spinning before the host's event loop gets a turn. */
const SLICE_MS = 4;

/**
 * The kernel's resources, counted (Kernel.census): what a soak test compares
 * before and after, so that a leak shows as a number that does not come back.
 */
export interface Census extends ProcessCensus {
  workers: WorkerCensus;
  /** Pipes with an end open, in every kernel of this thread (ipc/pipe.ts counts them globally). */
  pipes: number;
  /** Slots of this kernel's shared pipe arena in use. */
  rings: number;
  /** Entries of the open file table in use (fs/filetable.ts). */
  sharedFiles: number;
  /** PTY pairs with a side open. */
  ptys: number;
  /** Ports bound (TCP and UDP bindings) and AF_UNIX names held (net/network.ts). */
  ports: number;
  unixNames: number;
  /** Tasks queued to run again, and promises tasks wait for. */
  runnable: number;
  inFlight: number;
}

export interface KernelOptions {
  trace?: boolean;
  /** The most guests may hold together, in bytes (mm/budget.ts; default DEFAULT_BUDGET). */
  memory?: number;
  /** The size of the tmpfs on /tmp, in bytes (default: half the budget, as tmpfs takes half of RAM). */
  tmpSize?: number;
}

/** The default memory budget: what a browser tab can hold without being killed (docs/LIMITS.md). */
export const DEFAULT_BUDGET = 2 * 2 ** 30;

export class Kernel implements Sys {
  // The subsystems.
  /** What guests hold together, and the most they may. */
  readonly budget: MemoryBudget;
  readonly vfs: Vfs;
  readonly procs = new ProcessTable();
  readonly pipeArena: PipeArena;
  /** Regular files' descriptions, inodes and bytes that processes use without the kernel (fs/filetable.ts). */
  readonly files: FileTable;
  readonly ptys = new PtyTable((pgid, sig) => this.lifecycle.signalGroup(pgid, sig));
  /**
   * The network: sockets, the loopback's ports, the way out (net/); also the
   * host's way in, connect(port) and listening() (net/hostconn.ts).
   */
  readonly net: Network;
  private readonly modules: ModuleCache;
  private readonly loader: Loader;
  private readonly workers: WorkerPool;
  /** Programs' memory against the budget; kills the largest when guests hold too much. */
  readonly oom: OomKiller;
  /** Making, replacing and ending processes, and the default actions of signals. */
  readonly lifecycle: Lifecycle;
  /** The first process: run(), spawn0(), the console (boot.ts). */
  readonly boot: Boot;
  /** Containers of the host's images (the first process's, and the shell's `image run`). */
  readonly containers: Containers;
  /** Building images from Dockerfiles, RUN in containers of this kernel (the CLI's and the shell's `image build`). */
  readonly builder: Builder;

  // The loop.
  private readonly bell = new SharedArrayBuffer(BELL_SIZE);
  private readonly bellI32 = new Int32Array(this.bell);
  private runnable: Task[] = [];
  private current: Task | null = null;
  /** Programs handed to workers during the current call, posted once it is answered (see launch). */
  private starts: Array<() => void> = [];
  private running = false;
  /** Promises tasks wait for (track). */
  private inFlight = 0;
  /** When the loop may stop spinning and sleep (idle.ts). */
  private readonly idle = new IdlePolicy();
  private wakeupsSeen = 0;
  private readonly trace: ((line: string) => void) | null;

  constructor(private readonly host: Host, opts: KernelOptions = {}) {
    this.trace = opts.trace ? (line) => host.log(line) : null;
    if (host.monotonicClock) useMonotonicClock(host.monotonicClock);
    this.budget = new MemoryBudget(opts.memory ?? DEFAULT_BUDGET);
    this.vfs = new Vfs({ budget: this.budget, tmpSize: opts.tmpSize ?? Math.floor(this.budget.limit / 2) });
    this.pipeArena = new PipeArena(this.budget);
    this.net = new Network(this.pipeArena, host);
    this.files = new FileTable(this.budget.limit, this.budget);
    this.files.views.alive = (pid) => this.procs.get(pid)?.alive === true;
    this.pipeArena.alive = (pid) => this.procs.get(pid)?.alive === true;
    this.modules = new ModuleCache(host.sha256, { asyncify: host.asyncify?.bind(host), store: host.asyncified, log: (line) => host.log(line), trace: this.trace });
    this.loader = new Loader(this.modules);
    this.workers = new WorkerPool(host, (p, e) => this.lifecycle.exit(p, Signal.ABRT, `tabkernel: process ${p.pid} crashed: ${e.message}`), this.trace);
    this.oom = new OomKiller(this.procs, this.workers, this.budget, (p, sig, why) => {
      this.lifecycle.exit(p, sig, why);
      this.kick();
    });
    const sched: Scheduler = {
      launch: (post, inline) => this.launch(post, inline),
      serving: (call) => call === this.current,
      kick: () => this.kick(),
    };
    this.lifecycle = new Lifecycle(this.procs, this.loader, this.workers, this.pipeArena, sched, { bell: this.bell, files: this.files.sab, fileData: this.files.dataSab, trace: this.trace !== null }, this.oom, this.vfs);
    this.lifecycle.locks.publish = (n) => this.files.views.setLockedFiles(n);
    const system = { vfs: this.vfs, budget: this.budget, self: () => this.current?.proc ?? null };
    this.vfs.mount('/proc', new ProcRoot(this.procs, system), 'proc');
    this.containers = new Containers(host.images, this.budget, {
      proc: (visible) => new ProcRoot(this.procs, system, visible),
      dev: () => {
        const dev = new MemFs();
        dev.useBudget(this.budget);
        addMemoryDevices(dev.root);
        this.addTerminalDevices(dev.root);
        return dev.root;
      },
    }, (r) => host.pullProgress?.(r));
    this.builder = new Builder(host.images, this.containers, new BuildSteps(this.loader, this.lifecycle, this.procs));
    this.addTerminalDevices(this.vfs.dev.root);
    this.boot = new Boot({
      host, vfs: this.vfs, procs: this.procs, modules: this.modules, loader: this.loader, ptys: this.ptys,
      lifecycle: this.lifecycle, budget: this.budget, kick: () => this.kick(), containers: this.containers,
    });
  }

  /** /dev's ptmx, pts and tty, in `dev`. */
  private addTerminalDevices(dev: MemDir): void {
    dev.add('ptmx', new PtmxInode(this.ptys));
    dev.add('pts', new PtsDir(this.ptys));
    dev.add('tty', new DevTtyInode());
  }

  // ---- the loop ------------------------------------------------------------

  retry(task: Task): void {
    this.runnable.push(task);
    this.kick();
  }

  track(work: Promise<unknown>): void {
    this.inFlight++;
    const done = (): void => { this.inFlight--; };
    work.then(done, done);
  }

  /**
   * Post a program to its worker. Posting wakes the worker, which on a small
   * machine may take the kernel's core for a while: inside a call (spawn,
   * exec, fork), answer it first. The loop stays awake for its first calls.
   */
  private launch(post: () => void, inline: boolean): void {
    if (this.current) this.starts.push(post);
    else post();
    // An inline program's calls never reach the loop (serveInline).
    if (inline) return;
    this.idle.stayAwake(START_MS);
    this.ensureLoop();
  }

  /**
   * Serve the call process `pid` just made from this very thread: its
   * program runs here (an inline process: WorkerHandle.inline), so the call
   * is answered before this returns. While it waits (a read of input not yet
   * there, a poll's timeout), this thread waits for the host (waitInline)
   * and runs the kernel's timers itself (lib/timers.ts): the event loop
   * cannot turn until the program ends. False when the process is no longer
   * alive (it was killed by a signal, or exited): its runtime unwinds.
   */
  serveInline(pid: number): boolean {
    const p = this.procs.get(pid);
    if (!p) return false;
    const i32 = p.page.i32;
    for (;;) {
      this.pollOnce();
      if (!p.alive) return false;
      if (Atomics.load(i32, Slot.STATE) === State.DONE) return true;
      if (this.runnable.length > 0) continue;
      if (runDue(performance.now())) continue;
      // Nothing but a promise could answer it, and none settles while the program runs.
      if (this.inFlight > 0) throw new Error(`process ${pid} (${p.argv[0]}) runs in the kernel's thread and its call ${p.task?.name ?? '?'} waits for the host`);
      const next = nextDeadline();
      // The wait is the process's: its CPU clock stops meanwhile (abi/page.ts, Cpu).
      const since = monotonicNs();
      waitBegins(p.page.i64, since);
      this.host.waitInline!(next === undefined ? undefined : Math.max(0, next - performance.now()));
      waitEnds(p.page.i64, since, monotonicNs());
      runDue(performance.now());
    }
  }

  /**
   * The host is about to run a program and the kernel waits for something else
   * first (the page's root image): start the program's worker meanwhile (proc/workers.ts).
   */
  prestartWorker(): void {
    this.workers.prestart();
  }

  /** Wake the loop if it sleeps (from timers and host callbacks). */
  private kick(): void {
    Atomics.add(this.bellI32, Bell.RING, 1);
    Atomics.notify(this.bellI32, Bell.RING);
  }

  private ensureLoop(): void {
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  private runTask(t: Task): void {
    this.current = t;
    run(t, this.trace);
    this.current = null;
    if (this.starts.length > 0) {
      const starts = this.starts;
      this.starts = [];
      for (const post of starts) post();
    }
  }

  /** Serve one round: parked tasks that were woken, then new requests. */
  private pollOnce(): boolean {
    let worked = false;
    // A runtime moved bytes of a shared pipe the kernel waits on.
    if (Atomics.load(this.bellI32, Bell.PIPES) !== 0) {
      Atomics.store(this.bellI32, Bell.PIPES, 0);
      this.pipeArena.wakeAll();
    }
    if (this.runnable.length > 0) {
      const tasks = this.runnable;
      this.runnable = [];
      for (const t of tasks) {
        // Finished, killed, or its process is stopped (resume() re-queues it).
        if (t.proc.task !== t || t.proc.state !== ProcState.RUNNING) continue;
        worked = true;
        this.runTask(t);
      }
    }
    for (const p of this.procs.all()) {
      if (p.task !== null || p.state !== ProcState.RUNNING) continue;
      if (Atomics.load(p.page.i32, Slot.STATE) !== State.PENDING) continue;
      worked = true;
      if (p.page.i32[Slot.CLOSES] !== 0) closeDeferred(p, this.trace);
      const t = decode(this, p);
      if (isErr(t)) {
        answer(p, t.errno);
        continue;
      }
      p.task = t;
      this.runTask(t);
    }
    // An answer woke a sleeping process: it calls again once awake.
    if (wakeups !== this.wakeupsSeen) {
      this.wakeupsSeen = wakeups;
      this.idle.stayAwake(WAKE_MS);
    }
    return worked;
  }

  private async loop(): Promise<void> {
    for (;;) {
      let last = performance.now();
      const sliceStart = last;
      let sleep = false;
      let idleChecks = 0;
      // Whether a poll did work since the last idle check: the clock is read
      // only at those checks (a read costs about as much as a no-op call).
      let workedSinceCheck = false;
      for (let i = 1; ; i++) {
        // A spawn or exec waits for promises (a cached program loads in a few
        // microtasks): let them run now, not when the loop next sleeps.
        if (this.inFlight > 0) await undefined;
        if (this.pollOnce()) {
          workedSinceCheck = true;
          if (idleChecks > 1) this.idle.paidOff();
          idleChecks = 0;
        } else if ((i & 31) === 0) {
          idleChecks++;
          const now = performance.now();
          if (workedSinceCheck) {
            last = now;
            workedSinceCheck = false;
          }
          if (this.idle.sleepNow(now, last)) {
            sleep = true;
            break;
          }
          if (now - sliceStart > SLICE_MS) break;
        }
      }
      if (sleep) {
        this.workers.refill();
        await this.sleep();
      }
      else await this.host.yieldToEventLoop();
    }
  }

  /** Wait for the doorbell (or a kick) without blocking the event loop. */
  private async sleep(): Promise<void> {
    const bell = this.bellI32;
    Atomics.store(bell, Bell.SLEEPING, 1);
    const seen = Atomics.load(bell, Bell.RING);
    // A request published before SLEEPING was visible rang without notifying: look once more.
    if (!this.pollOnce()) {
      const w = Atomics.waitAsync(bell, Bell.RING, seen);
      if (w.async) await w.value;
    }
    Atomics.store(bell, Bell.SLEEPING, 0);
  }

  /** Live processes (for tests). */
  get processCount(): number {
    return this.procs.size;
  }

  /** Every resource the kernel holds, counted. */
  census(): Census {
    const net = this.net.census();
    return {
      ...this.procs.census(),
      workers: this.workers.census(),
      pipes: openPipes(),
      rings: this.pipeArena.inUse,
      sharedFiles: this.files.inUse.descriptions,
      ptys: this.ptys.size,
      ports: net.tcpBindings + net.udpBindings,
      unixNames: net.unixNames,
      runnable: this.runnable.length,
      inFlight: this.inFlight,
    };
  }

  /**
   * The state of every process and of the loop, one line each: what a test
   * that timed out prints, so a hang says where it is.
   */
  describe(): string {
    const state = ['running', 'stopped', 'zombie'];
    const page = ['idle', 'pending', 'done', 'parked'];
    const lines = [`loop: ${this.running ? 'running' : 'stopped'}, runnable ${this.runnable.length}, in flight ${this.inFlight}, ` +
      `pool ${this.workers.size}, kernel ${Atomics.load(this.bellI32, Bell.SLEEPING) ? 'asleep' : 'awake'}`];
    for (const p of this.procs.all()) {
      const i32 = p.page.i32;
      lines.push(`pid ${p.pid} (${p.argv.join(' ').slice(0, 60)}): ${state[p.state]}, call ${p.task?.name ?? '-'}, ` +
        `page ${page[Atomics.load(i32, Slot.STATE)]} nr ${i32[Slot.NR]}${i32[Slot.WAITING] ? ' sleeping' : ''}` +
        `${i32[Slot.SIGNAL] ? ' signal' : ''}${i32[Slot.RINGWAIT] ? ` ring ${i32[Slot.RINGWAIT] - 1}` : ''}` +
        `${i32[Slot.FORK_CHILD] ? ` waits for child ${i32[Slot.FORK_CHILD]}` : ''}, parent ${p.parent?.pid ?? '-'}`);
    }
    return lines.join('\n');
  }
}
