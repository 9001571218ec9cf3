// The kernel: the process table, the VFS and the loop that serves syscalls.
//
// The loop scans every process's syscall page for a PENDING request, decodes
// it into a task and runs its handler (syscall/dispatch.ts). A handler that
// must wait parks its task on wait queues and the loop moves on: blocking calls
// never block the kernel. While calls keep coming the loop spins (a wake through
// Atomics.wait costs tens of µs, a spin a fraction of one); after SPIN_MS without
// work it sleeps on the doorbell with Atomics.waitAsync, which also lets the
// host's messages and timers run.
import { Errno } from './abi/errno.js';
import { BELL_SIZE, Bell, PAGE_SIZE, Slot, State } from './abi/page.js';
import { HostStreamFile } from './fs/devices.js';
import { DirHandle } from './fs/dirhandle.js';
import type { DirInode } from './fs/inode.js';
import { Vfs } from './fs/vfs.js';
import type { Host } from './host/host.js';
import type { ExitNotice, MountSpec, RunRequest, StartMessage } from './host/protocol.js';
import { ModuleCache, missingImports } from './proc/modules.js';
import { ProcState, Process } from './proc/process.js';
import { decode, answer, run } from './syscall/dispatch.js';
import { PREOPEN_RIGHTS, rightsFor } from './syscall/helpers.js';
import type { Sys, Task } from './syscall/task.js';

/** Idle time after which the loop stops spinning and sleeps. */
const SPIN_MS = 0.05;
/** Longest stretch of spinning before the host's event loop gets a turn. */
const SLICE_MS = 4;

export interface KernelOptions {
  trace?: boolean;
}

export interface SpawnSpec {
  wasm: Uint8Array;
  argv: string[];
  env: string[];
  /** fds 0, 1, 2, … of the new process, in order; preopens follow. */
  mounts: MountSpec[];
}

export class Kernel implements Sys {
  readonly vfs = new Vfs();
  private readonly procs = new Map<number, Process>();
  private readonly modules = new ModuleCache();
  private readonly bell = new SharedArrayBuffer(BELL_SIZE);
  private readonly bellI32 = new Int32Array(this.bell);
  private runnable: Task[] = [];
  private nextPid = 1;
  private running = false;
  private readonly trace: ((line: string) => void) | null;
  /** Called when a process ends (pid, status, error). */
  onExit: ((p: Process, error?: string) => void) | null = null;

  constructor(readonly host: Host, opts: KernelOptions = {}) {
    this.trace = opts.trace ? (line) => host.log(line) : null;
  }

  /** Run a program as the first process; resolves when it ends. */
  async run(req: RunRequest): Promise<ExitNotice> {
    const pre = this.mountAll(req.mounts);
    if (typeof pre === 'string') return { type: 'exit', status: 1, error: pre };
    const p = await this.spawn(req.wasm, req.argv, req.env, pre);
    if (typeof p === 'string') return { type: 'exit', status: 1, error: p };
    return new Promise((resolve) => {
      const prev = this.onExit;
      this.onExit = (q, error) => {
        prev?.(q, error);
        if (q === p) resolve({ type: 'exit', status: q.status, error });
      };
    });
  }

  /** Mount the host directories; the preopens they become, in order. */
  private mountAll(mounts: MountSpec[]): Array<[string, DirInode]> | string {
    const out: Array<[string, DirInode]> = [];
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

  /** Start a process with the host's stdio and the given preopened directories. */
  async spawn(wasm: Uint8Array, argv: string[], env: string[], preopens: Array<[string, DirInode]>): Promise<Process | string> {
    let module: WebAssembly.Module;
    try {
      module = await this.modules.get(wasm);
    } catch (e) {
      return `tabkernel: ${argv[0] ?? 'program'}: not a valid WebAssembly module: ${(e as Error).message}`;
    }
    const missing = missingImports(module);
    if (missing.length > 0) {
      return `tabkernel: ${argv[0] ?? 'program'}: unknown import${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`;
    }
    const page = new SharedArrayBuffer(PAGE_SIZE);
    const worker = this.host.startProcessWorker();
    const p = new Process(this.nextPid++, 0, argv, env, page, worker);
    this.installStdio(p);
    for (const [name, dir] of preopens) {
      const file = new DirHandle(dir, dir);
      p.fds.alloc({ file, rightsBase: PREOPEN_RIGHTS.base, rightsInheriting: PREOPEN_RIGHTS.inheriting, preopen: name });
    }
    this.procs.set(p.pid, p);
    worker.onError((e) => this.exit(p, 134, `tabkernel: process ${p.pid} crashed: ${e.message}`));
    const start: StartMessage = {
      type: 'start', pid: p.pid, module, page, bell: this.bell, argv, env, trace: this.trace !== null,
    };
    worker.postMessage(start);
    this.ensureLoop();
    return p;
  }

  private installStdio(p: Process): void {
    this.host.stdio.forEach((stream, fd) => {
      const file = new HostStreamFile(stream, fd === 0, fd !== 0);
      const { base, inheriting } = rightsFor(file);
      p.fds.set(fd, { file, rightsBase: base, rightsInheriting: inheriting });
    });
  }

  /** End a process: drop its call, release its fds, stop its worker. */
  exit(p: Process, status: number, error?: string): void {
    if (p.state !== ProcState.RUNNING) return;
    p.state = ProcState.ZOMBIE;
    p.status = status;
    p.task?.unpark();
    p.task = null;
    p.fds.closeAll();
    p.worker.terminate();
    this.procs.delete(p.pid);
    p.exited.wake();
    this.onExit?.(p, error);
  }

  retry(task: Task): void {
    this.runnable.push(task);
    this.kick();
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

  /** Serve one round: parked tasks that were woken, then new requests. */
  private pollOnce(): boolean {
    let worked = false;
    if (this.runnable.length > 0) {
      const tasks = this.runnable;
      this.runnable = [];
      for (const t of tasks) {
        if (t.proc.task !== t) continue; // finished or killed meanwhile
        worked = true;
        run(t, this.trace);
      }
    }
    for (const p of this.procs.values()) {
      if (p.task !== null || Atomics.load(p.page.i32, Slot.STATE) !== State.PENDING) continue;
      worked = true;
      const t = decode(this, p);
      if (typeof t === 'number') {
        answer(p, t);
        continue;
      }
      p.task = t;
      run(t, this.trace);
    }
    return worked;
  }

  private async loop(): Promise<void> {
    for (;;) {
      let last = performance.now();
      const sliceStart = last;
      let idle = false;
      for (let i = 1; ; i++) {
        if (this.pollOnce()) {
          last = performance.now();
        } else if ((i & 31) === 0) {
          const now = performance.now();
          if (now - last > SPIN_MS) { idle = true; break; }
          if (now - sliceStart > SLICE_MS) break;
        }
      }
      if (idle) await this.sleep();
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

  /** Live processes (for tests and /proc). */
  get processCount(): number {
    return this.procs.size;
  }
}
