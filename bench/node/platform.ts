// The Node platform for the suite (core/suite.ts): tabkernel is an in-process
// Kernel (kernel/kernel.ts) on the driver's thread with its processes in
// worker_threads (dist/process-worker.js), as test/support/kernel.ts builds it;
// node:wasi runs the same .wasm in-thread; native builds the same C with gcc
// and runs it, and the pipeline with bash and coreutils; the image cases are
// in image.ts, the toolchain cases (C and make in the toolchain image) in
// toolchain.ts.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WASI } from 'node:wasi';
import { Worker } from 'node:worker_threads';
import { Kernel } from '../../kernel/kernel.js';
import { NodeHost } from '../../kernel/host/node/host.js';
import type { FloorMessage, FloorMode, FloorReply } from '../core/floor.js';
import { floorSab } from '../core/floor.js';
import { loadSab, type LoadMessage } from '../core/load.js';
import { KernelRunner } from '../core/runner.js';
import type { Sample } from '../core/stats.js';
import type { Platform, Program, StartProgram } from '../core/suite.js';
import { HttpRps } from './http.js';
import { NodeImages } from './image.js';
import { StartRuns } from './startup.js';
import { type ToolchainProject, ToolchainRuns, type ToolchainSubject } from './toolchain.js';

export const root = path.resolve(import.meta.dirname, '../..');
const WASM: Record<Program, string> = {
  syscalls: 'bench/programs/bin/syscalls.wasm', procs: 'bench/programs/bin/procs.wasm',
  jumps: 'bench/programs/bin/jumps.wasm', 'jumps-invoke': 'bench/programs/bin/jumps-invoke.wasm',
};
/** The native builds (one jumps: gcc has one setjmp). */
const C_SRC = { syscalls: 'bench/programs/syscalls.c', procs: 'bench/programs/posix/procs.c', jumps: 'bench/programs/posix/jumps.c' };

/** Where the bench's host directory appears in tabkernel's tree. */
const HOST_FILES = '/mnt';

export class NodePlatform implements Platform {
  readonly name = 'node';
  readonly tmp: { guest: string; host: string };
  readonly hostFiles = HOST_FILES;
  private readonly runner: KernelRunner;
  private readonly bin: string;
  private readonly wasm: Record<Program, Uint8Array>;
  private readonly modules = new Map<Program, WebAssembly.Module>();
  /** The image cases: a registry and images made on first use. */
  readonly images = new NodeImages(root, (line) => console.log(line));

  constructor(private readonly floorWorker: URL) {
    const read = (p: Program): Uint8Array => fs.readFileSync(path.join(root, WASM[p]));
    this.wasm = { syscalls: read('syscalls'), procs: read('procs'), jumps: read('jumps'), 'jumps-invoke': read('jumps-invoke') };
    let host: NodeHost | undefined;
    this.runner = new KernelRunner(this.wasm, (output) => new Kernel(host = new NodeHost({
      processWorker: new URL(`file://${root}/dist/process-worker.js`),
      stdio: [
        { isatty: false, read: (_max, done) => setTimeout(() => done(new Uint8Array(0)), 0) },
        { isatty: false, write: (d) => (output(1, d), true) },
        { isatty: false, write: (d) => (output(2, d), true) },
      ],
      rootfs: path.join(root, 'userland/rootfs'),
    })));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tabkernel-bench-'));
    this.bin = dir;
    this.tmp = { guest: '/tmp', host: dir };
    // The file.host.* cases: the same host directory node:wasi uses, mounted as `--dir` would.
    const hostRoot = host!.hostDirectory(dir);
    if (hostRoot instanceof Error) throw new Error(`cannot mount ${dir}: ${hostRoot.message}`);
    if (this.runner.kernel.vfs.mount(HOST_FILES, hostRoot, 'hostfs', dir) !== 0) throw new Error(`cannot mount ${dir} on ${HOST_FILES}`);
    this.starts = new StartRuns(root, dir);
  }

  private readonly starts: StartRuns;
  private http: HttpRps | null = null;

  httpRps(subject: 'tabkernel' | 'node:http', batches: number, targetMs: number): Promise<Sample[]> {
    this.http ??= new HttpRps(root, this.bin);
    return this.http.run(subject, batches, targetMs);
  }

  startRun(subject: 'tabkernel' | 'node:wasi', prog: StartProgram): Promise<number> {
    return this.starts.run(subject, prog);
  }

  private builds: ToolchainRuns | null = null;

  toolchain(project: ToolchainProject, subject: ToolchainSubject): Promise<number> {
    this.builds ??= new ToolchainRuns(root, this.bin);
    return this.builds.run(project, subject);
  }

  toolchainWarm(project: ToolchainProject, rounds: number): Promise<number[]> {
    this.builds ??= new ToolchainRuns(root, this.bin);
    return this.builds.warm(project, rounds);
  }

  loadavg(): number[] {
    return os.loadavg();
  }

  /** Build the native programs (gcc -O2); false when there is no gcc. */
  buildNative(): boolean {
    try {
      for (const [name, src] of Object.entries(C_SRC)) execFileSync('gcc', ['-O2', '-o', path.join(this.bin, name), path.join(root, src)]);
      return true;
    } catch {
      return false;
    }
  }

  tabkernel(prog: Program, args: string[]): Promise<string> {
    return this.runner.program(prog, args);
  }

  tabkernelShell(script: string): Promise<string> {
    return this.runner.shell(script);
  }

  async nodeWasi(prog: Program, args: string[]): Promise<string> {
    if (prog !== 'syscalls') throw new Error('node:wasi has no processes');
    let module = this.modules.get(prog);
    if (!module) this.modules.set(prog, (module = await WebAssembly.compile(this.wasm[prog] as Uint8Array<ArrayBuffer>)));
    const outPath = path.join(this.bin, 'wasi.out');
    const fd = fs.openSync(outPath, 'w');
    try {
      const wasi = new WASI({ version: 'preview1', args: [prog, ...args], env: {}, preopens: { '/tmp': this.tmp.host, '/dev': '/dev' }, stdout: fd, returnOnExit: true });
      const instance = await WebAssembly.instantiate(module, wasi.getImportObject() as WebAssembly.Imports);
      const status = wasi.start(instance);
      if (status !== 0) throw new Error(`node:wasi ${args[0]}: exit ${status}: ${fs.readFileSync(outPath, 'utf8')}`);
    } finally {
      fs.closeSync(fd);
    }
    return fs.readFileSync(outPath, 'utf8');
  }

  native(prog: Program, args: string[]): Promise<string> {
    return run(path.join(this.bin, prog), args);
  }

  nativeShell(script: string): Promise<string> {
    return run('bash', ['-c', script]);
  }

  floor(mode: FloorMode, batches: number, targetMs: number): Promise<Sample[]> {
    const sab = mode === 'postMessage' ? undefined : floorSab(mode);
    const { port1, port2 } = mode === 'postMessage' ? new MessageChannel() : { port1: undefined, port2: undefined };
    return this.pair(
      { role: 'server', mode, sab, port: port1 as never, batches, targetMs },
      { role: 'client', mode, sab, port: port2 as never, batches, targetMs },
    );
  }

  ring(chunk: number, batches: number, targetMs: number): Promise<Sample[]> {
    const sab = floorSab('ring');
    return this.pair({ role: 'writer', mode: 'ring', sab, batches, targetMs, chunk }, { role: 'reader', mode: 'ring', sab, batches, targetMs, chunk });
  }

  /** `n` busy-loop worker threads (core/load.ts) in this process, beside the kernel's thread and its process workers. */
  async load(n: number): Promise<() => Promise<void>> {
    const stop = loadSab();
    const workers = Array.from({ length: n }, () => new Worker(this.floorWorker));
    await Promise.all(workers.map((w) => new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
      w.postMessage({ role: 'load', stop } satisfies LoadMessage);
    })));
    return async () => {
      Atomics.store(new Int32Array(stop), 0, 1);
      await Promise.all(workers.map((w) => w.terminate()));
    };
  }

  /** Two floor workers: `other` serves, `measurer` measures and replies. */
  private async pair(other: FloorMessage, measurer: FloorMessage): Promise<Sample[]> {
    const a = new Worker(this.floorWorker);
    const b = new Worker(this.floorWorker);
    try {
      const reply = new Promise<FloorReply>((resolve, reject) => {
        b.once('message', resolve);
        b.once('error', reject);
        a.once('error', reject);
      });
      a.postMessage(other, other.port ? [other.port as never] : []);
      b.postMessage(measurer, measurer.port ? [measurer.port as never] : []);
      const r = await reply;
      if ('error' in r) throw new Error(r.error);
      return r.samples;
    } finally {
      await Promise.all([a.terminate(), b.terminate()]);
    }
  }

  env(): Record<string, unknown> {
    let commit = '';
    try {
      commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    } catch { /* not a checkout */ }
    return {
      host: 'node', node: process.version, v8: process.versions.v8, os: `${os.type()} ${os.release()}`, arch: os.arch(),
      cpus: os.cpus().length, cpu: os.cpus()[0]?.model, loadavg: os.loadavg().map((l) => +l.toFixed(2)), memoryGiB: Math.round(os.totalmem() / 2 ** 30), commit, date: new Date().toISOString(),
    };
  }

  async cleanup(): Promise<void> {
    await this.images.stop();
    fs.rmSync(this.bin, { recursive: true, force: true });
  }
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { maxBuffer: 64 << 20 }, (e, stdout, stderr) => {
      if (e) reject(new Error(`${file} ${args.join(' ')}: ${e.message} ${stderr} ${stdout.slice(-300)}`));
      else resolve(stdout);
    });
  });
}
