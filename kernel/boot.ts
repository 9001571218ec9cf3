// Boot: the first process. From the host's RunRequest it mounts the root image
// and the host directories (`--dir`), compiles the program (bytes given by the
// host) or finds it on PATH in the guest tree, gives it stdio — the host's
// streams, or a PTY whose master the host's terminal types into — and its
// preopens, starts it, and resolves when it ends and its output has reached
// the host (host streams queue output: host/node/output.ts). The process
// itself is made and started by the life cycle (proc/lifecycle.ts); the
// kernel (kernel.ts) builds the pieces this file is given.
import { Errno, err, isErr, type Err } from './abi/errno.js';
import { PREOPEN_RIGHTS, Signal } from './abi/wasi.js';
import { HostStreamFile } from './fs/devices.js';
import { DirHandle } from './fs/dirhandle.js';
import { DirInode } from './fs/inode.js';
import { MemDir } from './fs/memfs.js';
import type { MountNamespace } from './fs/namespace.js';
import type { MemoryBudget } from './mm/budget.js';
import { resolveAbsolute } from './fs/path.js';
import type { Vfs } from './fs/vfs.js';
import type { Host, HostStream } from './hostapi.js';
import { DEFAULT_PATH, type ExitNotice, type MountSpec, type RunRequest } from './abi/messages.js';
import type { Containers } from './image/containers.js';
import type { Lifecycle } from './proc/lifecycle.js';
import type { Loader } from './proc/loader.js';
import { importProblems, type ModuleCache } from './proc/modules.js';
import type { Process } from './proc/process.js';
import type { ProcessTable } from './proc/table.js';
import { rightsFor } from './syscall/helpers.js';
import type { Pty } from './tty/pty.js';
import { PtySlave, type PtyTable } from './tty/pts.js';
import { Terminal } from './tty/terminal.js';

/** Held console output goes to the host at most this much per write. */
const CONSOLE_SLICE = 64 * 1024;
/** How long the processes the first one leaves behind have to end after SIGHUP, and again after SIGTERM (docs/LIMITS.md). */
export const HANGUP_GRACE_MS = 1000;
const HANGUP_POLL_MS = 10;

/** The kernel's pieces boot works with (kernel.ts builds them). */
export interface BootContext {
  host: Host;
  vfs: Vfs;
  procs: ProcessTable;
  modules: ModuleCache;
  loader: Loader;
  ptys: PtyTable;
  lifecycle: Lifecycle;
  budget: MemoryBudget;
  /** Wake the kernel loop (a resize may wake a process). */
  kick(): void;
  /** Containers' roots and namespaces (image/containers.ts). */
  containers: Containers;
}

export class Boot {
  /** The host's console as a terminal (when the host streams are ttys). */
  readonly console: Terminal;
  /** The PTY the host's terminal is attached to (RunRequest.tty), if any. */
  consolePty: Pty | null = null;

  constructor(private readonly k: BootContext) {
    this.console = new Terminal((pgid, sig) => k.lifecycle.signalGroup(pgid, sig));
  }

  /**
   * Run a program as the first process, in `ns` (the first namespace, or a
   * container's: image/containers.ts); resolves when it ends.
   */
  async run(req: RunRequest, ns: MountNamespace = this.k.vfs.init): Promise<ExitNotice> {
    const fail = (error: string): ExitNotice => ({ type: 'exit', status: 1, error });
    if (req.image) {
      const c = await this.k.containers.create(req.image.layers, req.image.reference);
      if (c instanceof Error) return fail(`tabkernel: ${req.image.reference}: ${c.message}`);
      ns = c;
    }
    const pre = this.mountAll(req.mounts, ns);
    if (typeof pre === 'string') return fail(pre);
    const cwd = resolveAbsolute(ns, '/', req.cwd, true);
    if (isErr(cwd) || !(cwd.node instanceof DirInode)) {
      return fail(`tabkernel: --cwd ${req.cwd}: ${isErr(cwd) ? execError(cwd.errno) : cwd.node ? 'Not a directory' : 'No such file or directory'}`);
    }
    let module: WebAssembly.Module;
    let argv = req.argv;
    if (req.wasm) {
      const m = await this.compileFirst(req.wasm, argv[0], true);
      if (typeof m === 'string') return fail(m);
      module = m;
    } else {
      // A guest program: the whole tree is the program's, preopened as "/".
      pre.unshift(['/', ns.root]);
      const prog = await this.loadFromPath(ns, req.argv[0], req.env, req.cwd, argv);
      if ('error' in prog) return { type: 'exit', ...prog };
      module = prog.module;
      argv = prog.argv;
    }
    const p = this.k.lifecycle.create(null, module, argv, req.env);
    p.ns = ns;
    p.cwd = req.cwd;
    // Guest programs, and any program built on tabkernel's libc (it imports the
    // `tabkernel` module), see the whole tree as Unix programs do: the "/"
    // preopen of openroot, absolute symlinks. Plain WASI programs see only
    // their preopens, as under wasmtime.
    p.unixPaths = !req.wasm || WebAssembly.Module.imports(module).some((i) => i.module === 'tabkernel');
    if (req.tty) this.attachConsolePty(p, req.tty.rows, req.tty.cols);
    else this.installStdio(p);
    p.hostReportsExit = true;
    const ended = this.whenEnded(p);
    this.startFirst(p, pre);
    const notice = await ended;
    await this.hangUp();
    await this.flushOutput();
    return notice;
  }

  /**
   * The first process ended and the host is about to tear the kernel down:
   * as a terminal's hangup would, the processes it left behind get SIGHUP
   * (and SIGCONT, should they be stopped) and HANGUP_GRACE_MS to end — time
   * for a make to delete its half-built target; those still running then get
   * SIGTERM and as long again.
   */
  private async hangUp(): Promise<void> {
    const left = (): Process[] => [...this.k.procs.all()].filter((q) => q.alive);
    for (const sigs of [[Signal.HUP, Signal.CONT], [Signal.TERM, Signal.CONT]]) {
      if (left().length === 0) return;
      for (const q of left()) for (const sig of sigs) this.k.lifecycle.signal(q, sig);
      this.k.kick();
      const deadline = Date.now() + HANGUP_GRACE_MS;
      while (left().length > 0 && Date.now() < deadline) await new Promise<void>((r) => setTimeout(r, HANGUP_POLL_MS));
    }
  }

  /** Spawn a program (bytes) as a process of no parent, with the host's stdio and these preopens. */
  async spawn0(wasm: Uint8Array, argv: string[], env: string[], preopens: Array<[string, DirInode]>): Promise<Process | string> {
    const m = await this.compileFirst(wasm, argv[0]);
    if (typeof m === 'string') return m;
    const p = this.k.lifecycle.create(null, m, argv, env);
    this.installStdio(p);
    this.startFirst(p, preopens);
    return p;
  }

  /** The host's terminal changed size. */
  resizeConsole(rows: number, cols: number): void {
    this.consolePty?.terminal.resize(rows, cols);
    this.k.kick();
  }

  /**
   * Everything the first process's programs wrote reaches the host before its
   * exit notice (the CLI exits on it): held console output, then the host's queues.
   */
  private async flushOutput(): Promise<void> {
    const output = this.k.host.stdio[1];
    const pty = this.consolePty;
    if (pty && pty.sink === null && output.writable) {
      while (pty.pendingOutput > 0) output.write?.(pty.takeOutput(CONSOLE_SLICE));
    }
    await Promise.all(this.k.host.stdio.map((s) => s.flushed?.()));
  }

  /** Give `p` its preopens, enter it in the table, start it. */
  private startFirst(p: Process, preopens: Array<[string, DirInode]>): void {
    for (const [name, dir] of preopens) {
      // A preopen named by a relative guest path is not in the tree.
      p.fds.alloc({ file: new DirHandle(dir, dir, name.startsWith('/') ? name : undefined), rightsBase: PREOPEN_RIGHTS.base, rightsInheriting: PREOPEN_RIGHTS.inheriting, preopen: name });
    }
    this.k.procs.add(p);
    this.k.lifecycle.start(p);
  }

  /**
   * The exit notice of `p`, once it ends. The hook chained onto
   * lifecycle.onExit takes itself out again when it is still the last one
   * (otherwise a later hook calls through it); either way it lets go of `p`,
   * so a host that runs program after program keeps none of them alive.
   */
  private whenEnded(p: Process): Promise<ExitNotice> {
    const life = this.k.lifecycle;
    const prev = life.onExit;
    // Only `target` is captured (not `p`), and it is dropped once `p` has ended.
    let target: Process | null = p;
    let done: ((notice: ExitNotice) => void) | null = null;
    const hook = (q: Process, error?: string): void => {
      prev?.(q, error);
      if (q !== target) return;
      target = null;
      if (life.onExit === hook) life.onExit = prev;
      done?.({ type: 'exit', status: q.status, error });
    };
    life.onExit = hook;
    return new Promise((resolve) => (done = resolve));
  }

  /** `owned`: the bytes are the kernel's to rewrite (RunRequest.wasm). */
  private async compileFirst(wasm: Uint8Array, name = 'program', owned = false): Promise<WebAssembly.Module | string> {
    let module: WebAssembly.Module;
    try {
      module = await this.k.modules.get(wasm, owned, name);
    } catch (e) {
      return `tabkernel: ${name}: not a valid WebAssembly module: ${(e as Error).message}`;
    }
    const problems = importProblems(module);
    if (problems.length > 0) return problems.map((p) => `tabkernel: ${name}: ${p}`).join('\n');
    return module;
  }

  /** Find a guest program: a path, or a name looked up on PATH (default DEFAULT_PATH). */
  private async loadFromPath(ns: MountNamespace, name: string, env: string[], cwd: string, argv: string[]): Promise<{ module: WebAssembly.Module; argv: string[] } | { status: number; error: string }> {
    const pathVar = env.find((e) => e.startsWith('PATH='))?.slice(5) ?? DEFAULT_PATH;
    const candidates = name.includes('/') ? [name] : pathVar.split(':').map((d) => `${d || '.'}/${name}`);
    let last: Err = err(Errno.NOENT);
    let lastPath = name;
    for (const c of candidates) {
      const prog = await this.k.loader.load(ns, cwd, c, argv);
      if (!isErr(prog)) return { module: prog.module, argv: prog.argv };
      if (prog.errno !== Errno.NOENT) [last, lastPath] = [prog, c];
    }
    if (last.errno === Errno.NOENT) return { status: 127, error: `tabkernel: ${name}: ${name.includes('/') ? 'No such file or directory' : 'command not found'}` };
    // As a shell says it: 126 for a file found that cannot be run.
    const r = resolveAbsolute(ns, cwd, lastPath, true);
    const why = !isErr(r) && r.node instanceof DirInode ? 'Is a directory' : execError(last.errno);
    return { status: 126, error: `tabkernel: ${name}: ${why}` };
  }

  /**
   * Mount the root image (in the first namespace) and the host directories (in
   * `ns`); the preopens they become, in order.
   */
  private mountAll(mounts: MountSpec[], ns: MountNamespace): Array<[string, DirInode]> | string {
    const { host, vfs } = this.k;
    const out: Array<[string, DirInode]> = [];
    const image = ns === vfs.init ? host.rootImage?.() : undefined;
    if (image && !(image instanceof Error)) {
      for (const [name, dir] of image) {
        // An image held in memory (the page's) is charged to the budget like any in-memory file.
        if (dir instanceof MemDir) dir.fs.useBudget(this.k.budget);
        vfs.mount(`/${name}`, dir, dir instanceof MemDir ? 'memfs' : 'hostfs', 'rootimage', !(dir instanceof MemDir));
      }
    }
    for (const m of mounts) {
      if (!host.hostDirectory) return `tabkernel: --dir is not available on this host`;
      const root = host.hostDirectory(m.host);
      if (root instanceof Error) return `tabkernel: --dir ${m.host}: ${root.message}`;
      // An absolute guest path also appears in the tree; a relative one is a preopen only.
      if (m.guest.startsWith('/')) {
        const e = ns.mount(m.guest, root, 'hostfs', m.host);
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
    const pty = this.k.ptys.create();
    this.consolePty = pty;
    pty.terminal.resize(rows, cols); // before it has a group to tell
    const [input, output] = this.k.host.stdio;
    const sink = (bytes: Uint8Array): void => {
      output.write?.(bytes);
      if (output.writable?.() === false) this.holdConsole(pty, output, sink);
    };
    pty.sink = sink;
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

  /**
   * The host's terminal is behind (its queue is full): the PTY holds the
   * output, as a PTY does whose master nobody reads — its writers wait once
   * it is full (tty/pty.ts) — and hands it over as the host catches up.
   */
  private holdConsole(pty: Pty, output: HostStream, sink: (bytes: Uint8Array) => void): void {
    pty.sink = null;
    const release = (): void => {
      while (pty.pendingOutput > 0 && output.writable?.() !== false) output.write?.(pty.takeOutput(CONSOLE_SLICE));
      if (pty.pendingOutput > 0) output.onWritable?.(release);
      else pty.sink = sink;
    };
    output.onWritable?.(release);
  }

  /** The host's streams as fds 0-2; the host's terminal becomes the process's controlling terminal. */
  private installStdio(p: Process): void {
    this.console.sid = p.sid;
    this.console.fgPgrp = p.pgid;
    if (this.k.host.stdio.some((s) => s.isatty)) p.ctty = this.console;
    this.k.host.stdio.forEach((stream, fd) => {
      const file = new HostStreamFile(stream, fd === 0, fd !== 0, this.console);
      const { base, inheriting } = rightsFor(file);
      p.fds.set(fd, { file, rightsBase: base, rightsInheriting: inheriting });
    });
  }
}

/** What a shell says when a program cannot be run. */
function execError(e: Errno): string {
  switch (e) {
    case Errno.ACCES: return 'Permission denied';
    case Errno.NOEXEC: return 'cannot execute binary file: Exec format error';
    case Errno.NOMEM: return 'Cannot allocate memory (larger than the 1 GiB a program may be)';
    case Errno.NOTDIR: return 'Not a directory';
    case Errno.LOOP: return 'Too many levels of symbolic links';
    case Errno.NOENT: return 'No such file or directory';
    default: return `cannot execute (errno ${e})`;
  }
}
