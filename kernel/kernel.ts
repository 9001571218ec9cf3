// The kernel: the process table, the VFS and the loop that serves syscalls.
//
// The loop scans every process's syscall page for a PENDING request, decodes
// it into a task and runs its handler (syscall/dispatch.ts). A handler that
// must wait parks its task on wait queues and the loop moves on: blocking calls
// never block the kernel. While calls keep coming the loop spins (a wake through
// Atomics.wait costs tens of µs, a spin a fraction of one); after an adaptive
// idle spin (idle.ts) without work it sleeps on the doorbell with
// Atomics.waitAsync, which also lets the host's messages and timers run.
//
// The life cycle of processes is proc/lifecycle.ts, the pool of workers that
// run them proc/workers.ts; this file builds them and serves the loop they
// post programs through (launch).
import { Errno, err, isErr, type Err } from './abi/errno.js';
import { BELL_SIZE, Bell, Slot, State } from './abi/page.js';
import { Signal } from './abi/wasi.js';
import { HostStreamFile } from './fs/devices.js';
import { DirHandle } from './fs/dirhandle.js';
import type { DirInode } from './fs/inode.js';
import { ProcRoot } from './fs/procfs.js';
import { Vfs } from './fs/vfs.js';
import type { MemDir } from './fs/memfs.js';
import type { Pty } from './tty/pty.js';
import { DevTtyInode, PtmxInode, PtsDir, PtySlave, PtyTable } from './tty/pts.js';
import { Terminal } from './tty/terminal.js';
import type { Host } from './host/host.js';
import type { ExitNotice, MountSpec, RunRequest } from './host/protocol.js';
import { PipeArena } from './ipc/pipe.js';
import { Loader } from './proc/loader.js';
import { ModuleCache, missingImports } from './proc/modules.js';
import { ProcState, type Process } from './proc/process.js';
import { ProcessTable } from './proc/table.js';
import { WorkerPool } from './proc/workers.js';
import { Lifecycle, type Scheduler } from './proc/lifecycle.js';
import { answer, wakeups } from './proc/answer.js';
import { decode, run } from './syscall/dispatch.js';
import { IdlePolicy, START_MS, WAKE_MS } from './idle.js';
import { PREOPEN_RIGHTS, rightsFor } from './syscall/helpers.js';
import type { Sys, Task } from './syscall/task.js';

/** Longest stretch of spinning before the host's event loop gets a turn. */
const SLICE_MS = 4;

export interface KernelOptions {
  trace?: boolean;
}

export class Kernel implements Sys {
  readonly vfs = new Vfs();
  readonly procs = new ProcessTable();
  readonly pipeArena = new PipeArena();
  private readonly modules = new ModuleCache();
  private readonly loader = new Loader(this.vfs, this.modules);
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
  private readonly workers: WorkerPool;
  /** Making, replacing and ending processes, and the default actions of signals. */
  readonly lifecycle: Lifecycle;
  /** The host's console as a terminal (when the host streams are ttys). */
  readonly console = new Terminal();
  private readonly trace: ((line: string) => void) | null;

  readonly ptys = new PtyTable((pgid, sig) => {
    for (const q of this.procs.group(pgid)) this.lifecycle.signal(q, sig);
  });
  /** The PTY the host's terminal is attached to (RunRequest.tty), if any. */
  consolePty: Pty | null = null;

  constructor(readonly host: Host, opts: KernelOptions = {}) {
    this.trace = opts.trace ? (line) => host.log(line) : null;
    this.workers = new WorkerPool(host, (p, e) => this.lifecycle.exit(p, Signal.ABRT, `tabkernel: process ${p.pid} crashed: ${e.message}`));
    const sched: Scheduler = {
      launch: (post) => this.launch(post),
      serving: (t) => t === this.current,
      retry: (t) => this.retry(t),
      kick: () => this.kick(),
    };
    this.lifecycle = new Lifecycle(this.procs, this.loader, this.workers, this.pipeArena, sched, { bell: this.bell, trace: this.trace !== null });
    this.vfs.mount('/proc', new ProcRoot(this.procs));
    const dev = this.vfs.mem.root.lookup('dev') as MemDir;
    dev.add('ptmx', new PtmxInode(this.ptys));
    dev.add('pts', new PtsDir(this.ptys));
    dev.add('tty', new DevTtyInode());
  }

  // ---- the first process ----------------------------------------------------

  /** Run a program as the first process; resolves when it ends. */
  async run(req: RunRequest): Promise<ExitNotice> {
    const fail = (error: string): ExitNotice => ({ type: 'exit', status: 1, error });
    const pre = this.mountAll(req.mounts);
    if (typeof pre === 'string') return fail(pre);
    let module: WebAssembly.Module;
    let argv = req.argv;
    if (req.wasm) {
      const m = await this.compileFirst(req.wasm, argv[0]);
      if (typeof m === 'string') return fail(m);
      module = m;
    } else {
      // A guest program: the whole tree is the program's, preopened as "/".
      pre.unshift(['/', this.vfs.root]);
      const prog = await this.loadFromPath(req.argv[0], req.env, req.cwd, argv);
      if (typeof prog === 'string') return { type: 'exit', status: 127, error: prog };
      module = prog.module;
      argv = prog.argv;
    }
    const p = this.lifecycle.create(null, module, argv, req.env);
    p.cwd = req.cwd;
    // Guest programs, and any program built on tabkernel's libc (it imports the
    // `tabkernel` module), see the whole tree as Unix programs do: the "/"
    // preopen of openroot, absolute symlinks. Plain WASI programs see only
    // their preopens, as under wasmtime.
    p.unixPaths = !req.wasm || WebAssembly.Module.imports(module).some((i) => i.module === 'tabkernel');
    if (req.tty) this.attachConsolePty(p, req.tty.rows, req.tty.cols);
    else this.installStdio(p);
    for (const [name, dir] of pre) {
      p.fds.alloc({ file: new DirHandle(dir, dir), rightsBase: PREOPEN_RIGHTS.base, rightsInheriting: PREOPEN_RIGHTS.inheriting, preopen: name });
    }
    this.procs.add(p);
    this.lifecycle.start(p);
    return new Promise((resolve) => {
      const prev = this.lifecycle.onExit;
      this.lifecycle.onExit = (q, error) => {
        prev?.(q, error);
        if (q === p) resolve({ type: 'exit', status: q.status, error });
      };
    });
  }

  /** Spawn a program (bytes) as a process of no parent, with the host's stdio and these preopens. */
  async spawn0(wasm: Uint8Array, argv: string[], env: string[], preopens: Array<[string, DirInode]>): Promise<Process | string> {
    const m = await this.compileFirst(wasm, argv[0]);
    if (typeof m === 'string') return m;
    const p = this.lifecycle.create(null, m, argv, env);
    this.installStdio(p);
    for (const [name, dir] of preopens) {
      p.fds.alloc({ file: new DirHandle(dir, dir), rightsBase: PREOPEN_RIGHTS.base, rightsInheriting: PREOPEN_RIGHTS.inheriting, preopen: name });
    }
    this.procs.add(p);
    this.lifecycle.start(p);
    return p;
  }

  private async compileFirst(wasm: Uint8Array, name = 'program'): Promise<WebAssembly.Module | string> {
    let module: WebAssembly.Module;
    try {
      module = await this.modules.get(wasm);
    } catch (e) {
      return `tabkernel: ${name}: not a valid WebAssembly module: ${(e as Error).message}`;
    }
    const missing = missingImports(module);
    if (missing.length > 0) return `tabkernel: ${name}: unknown import${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`;
    return module;
  }

  /** Find a guest program: a path, or a name looked up on PATH (default /bin:/usr/bin). */
  private async loadFromPath(name: string, env: string[], cwd: string, argv: string[]): Promise<{ module: WebAssembly.Module; argv: string[] } | string> {
    const pathVar = env.find((e) => e.startsWith('PATH='))?.slice(5) ?? '/bin:/usr/bin';
    const candidates = name.includes('/') ? [name] : pathVar.split(':').map((d) => `${d || '.'}/${name}`);
    let last: Err = err(Errno.NOENT);
    for (const c of candidates) {
      const prog = await this.loader.load(cwd, c, argv);
      if (!isErr(prog)) return { module: prog.module, argv: prog.argv };
      if (prog.errno !== Errno.NOENT) last = prog;
    }
    return last.errno === Errno.NOENT ? `tabkernel: ${name}: command not found` : `tabkernel: ${name}: cannot execute (errno ${last.errno})`;
  }

  /** Mount the host directories; the preopens they become, in order. */
  private mountAll(mounts: MountSpec[]): Array<[string, DirInode]> | string {
    const out: Array<[string, DirInode]> = [];
    const image = this.host.rootImage?.();
    if (image && !(image instanceof Error)) {
      for (const [name, dir] of image) this.vfs.mount(`/${name}`, dir);
    }
    for (const m of mounts) {
      if (!this.host.hostDirectory) return `tabkernel: --dir is not available on this host`;
      const root = this.host.hostDirectory(m.host);
      if (root instanceof Error) return `tabkernel: --dir ${m.host}: ${root.message}`;
      // An absolute guest path also appears in the tree; a relative one is a preopen only.
      if (m.guest.startsWith('/')) {
        const e = this.vfs.mount(m.guest, root);
        if (e !== Errno.SUCCESS) return `tabkernel: cannot mount ${m.host} on ${m.guest}`;
      }
      out.push([m.guest, root]);
    }
    return out;
  }

  /**
   * The host's terminal on a PTY: the host's stdin is typed into its master,
   * its output goes to the host's stdout; the first process gets the slave as
   * stdio and as its controlling terminal.
   */
  private attachConsolePty(p: Process, rows: number, cols: number): void {
    const pty = this.ptys.create();
    this.consolePty = pty;
    pty.terminal.rows = rows;
    pty.terminal.cols = cols;
    const [input, output] = this.host.stdio;
    pty.sink = (bytes) => void output.write?.(bytes);
    const pump = (): void => input.read?.(65536, (data) => {
      if (!data || data.length === 0) return; // host stdin closed: no more typing
      pty.input(data);
      pump();
    });
    pump();
    for (const fd of [0, 1, 2]) {
      const file = new PtySlave(pty, fd === 0, fd !== 0);
      const { base, inheriting } = rightsFor(file);
      p.fds.set(fd, { file, rightsBase: base, rightsInheriting: inheriting });
    }
    pty.terminal.sid = p.sid;
    pty.terminal.fgPgrp = p.pgid;
    p.ctty = pty.terminal;
  }

  /** The host's terminal changed size. */
  resizeConsole(rows: number, cols: number): void {
    this.consolePty?.resize(rows, cols);
    this.kick();
  }

  private installStdio(p: Process): void {
    // The host's terminal becomes the first process's controlling terminal.
    this.console.sid = p.sid;
    this.console.fgPgrp = p.pgid;
    if (this.host.stdio.some((s) => s.isatty)) p.ctty = this.console;
    this.host.stdio.forEach((stream, fd) => {
      const file = new HostStreamFile(stream, fd === 0, fd !== 0, this.console);
      const { base, inheriting } = rightsFor(file);
      p.fds.set(fd, { file, rightsBase: base, rightsInheriting: inheriting });
    });
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
  private launch(post: () => void): void {
    if (this.current) this.starts.push(post);
    else post();
    this.idle.stayAwake(START_MS);
    this.ensureLoop();
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
      const t = decode(this, p);
      if (typeof t === 'number') {
        answer(p, t);
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
