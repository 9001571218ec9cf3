// A build's RUN: the command as the first process of a container of the
// stage's root (image/build.ts makes the root and the namespace), started by
// the kernel itself as boot.ts starts the first process — a process of no
// parent, its own session, found on the container's PATH — with /dev/null of
// the container as stdin and the build's progress stream as stdout and
// stderr. It resolves with the shell's idea of the status (the exit code, or
// 128 + the signal) once the process has ended; what it left running in the
// container is killed then, as a container runtime tears a container down.
// A cancelled build (its caller gone) kills the container's processes.
import { Errno, errnoLabel, isErr, type Err } from './abi/errno.js';
import { DEFAULT_PATH } from './abi/messages.js';
import { PREOPEN_RIGHTS, Signal } from './abi/wasi.js';
import { HostStreamFile } from './fs/devices.js';
import { DirHandle } from './fs/dirhandle.js';
import type { OpenFile } from './fs/file.js';
import type { MountNamespace } from './fs/namespace.js';
import { resolveAbsolute } from './fs/path.js';
import type { HostStream } from './hostapi.js';
import type { Cancel, StepRunner } from './image/build.js';
import type { ContainerCommand } from './image/config.js';
import type { Lifecycle } from './proc/lifecycle.js';
import type { Loader, Program } from './proc/loader.js';
import type { Process } from './proc/process.js';
import type { ProcessTable } from './proc/table.js';
import { rightsFor } from './syscall/helpers.js';

export class BuildSteps implements StepRunner {
  constructor(private readonly loader: Loader, private readonly lifecycle: Lifecycle, private readonly procs: ProcessTable) {}

  async run(ns: MountNamespace, cmd: ContainerCommand, output: HostStream, cancel: Cancel): Promise<number> {
    const prog = await this.find(ns, cmd);
    if ('error' in prog) {
      output.write?.(new TextEncoder().encode(`${prog.error}\n`));
      return prog.status;
    }
    // 1. The process: in the container, its own session, the container's /dev/null as stdin.
    const p = this.lifecycle.create(null, prog.module, prog.argv, cmd.env);
    p.ns = ns;
    p.cwd = cmd.cwd;
    p.unixPaths = true;
    const stdin = devNull(ns);
    const out = new HostStreamFile(output, false, true);
    const fds: OpenFile[] = [stdin ?? new HostStreamFile({ isatty: false, read: (_max, done) => done(new Uint8Array(0)) }, true, false), out, out];
    fds.forEach((file, fd) => {
      const { base, inheriting } = rightsFor(file);
      p.fds.set(fd, { file, rightsBase: base, rightsInheriting: inheriting });
    });
    p.fds.alloc({ file: new DirHandle(ns.root, ns.root, '/'), rightsBase: PREOPEN_RIGHTS.base, rightsInheriting: PREOPEN_RIGHTS.inheriting, preopen: '/' });
    // 2. Started; a cancelled build kills what runs in the container.
    const ended = this.lifecycle.whenEnded(p);
    this.procs.add(p);
    this.lifecycle.start(p);
    const stop = cancel.onCancel(() => this.killAll(ns));
    try {
      await ended;
    } finally {
      stop();
      // 3. What it left behind goes with the container.
      this.killAll(ns);
    }
    return p.status;
  }

  /** The program of `cmd.argv[0]`, looked up on the container's PATH as a shell does; else a status and why. */
  private async find(ns: MountNamespace, cmd: ContainerCommand): Promise<Program | { status: number; error: string }> {
    const name = cmd.argv[0];
    const pathVar = cmd.env.find((e) => e.startsWith('PATH='))?.slice(5) ?? DEFAULT_PATH;
    const candidates = name.includes('/') ? [name] : pathVar.split(':').map((d) => `${d || '.'}/${name}`);
    let last: Err | null = null;
    for (const c of candidates) {
      const prog = await this.loader.load(ns, cmd.cwd, c, cmd.argv);
      if (!isErr(prog)) return prog;
      if (prog.errno !== Errno.NOENT) last = prog;
    }
    if (!last) return { status: 127, error: `${name}: not found in the stage's root (PATH=${pathVar})` };
    return { status: 126, error: `${name}: cannot be run (E${errnoLabel(last.errno)})` };
  }

  private killAll(ns: MountNamespace): void {
    const left: Process[] = [...this.procs.all()].filter((q) => q.ns === ns && q.alive);
    for (const q of left) this.lifecycle.signal(q, Signal.KILL);
  }
}

/** The container's /dev/null, opened for reading; null if it has none. */
function devNull(ns: MountNamespace): OpenFile | null {
  const r = resolveAbsolute(ns, '/', '/dev/null', true);
  if (isErr(r) || !r.node) return null;
  const f = r.node.open({ read: true, write: false });
  return isErr(f) ? null : f;
}
