// Running the benchmark programs under tabkernel, the same on every platform:
// a Kernel whose host streams write into this runner's buffers, one first
// process at a time, its stdout returned (or an error naming its status and
// stderr). The platforms (bench/{node,browser}/platform.ts) build the host.
import { Kernel } from '../../kernel/kernel.js';
import type { Program } from './suite.js';

export class KernelRunner {
  private out: Uint8Array[] = [];
  private err: Uint8Array[] = [];
  readonly kernel: Kernel;

  /** `makeKernel` gets the sink the host's stdout (fd 1) and stderr (fd 2) write to. */
  constructor(private readonly wasm: Record<Program, Uint8Array>, makeKernel: (output: (fd: 1 | 2, data: Uint8Array) => void) => Kernel) {
    this.kernel = makeKernel((fd, data) => (fd === 1 ? this.out : this.err).push(data.slice()));
  }

  private take(): { stdout: string; stderr: string } {
    const text = (bufs: Uint8Array[]) => {
      const d = new TextDecoder();
      return bufs.map((b) => d.decode(b, { stream: true })).join('') + d.decode();
    };
    const r = { stdout: text(this.out), stderr: text(this.err) };
    this.out = [];
    this.err = [];
    return r;
  }

  /** Run one first process; its stdout, or an error naming its status and stderr. */
  private async first(what: string, start: () => Promise<{ status: number; error?: string }>): Promise<string> {
    this.take();
    const exit = await start();
    const { stdout, stderr } = this.take();
    if (exit.status !== 0) throw new Error(`${what}: exit ${exit.status} ${exit.error ?? ''} ${stderr} ${stdout.slice(-300)}`);
    return stdout;
  }

  /** A benchmark program: `procs` through kernel.boot.run (the root image, for /bin/true), the others with the whole tree as "/". */
  program(prog: Program, args: string[]): Promise<string> {
    const k = this.kernel;
    if (prog === 'procs') return this.first(prog, () => k.boot.run({ type: 'run', wasm: this.wasm.procs, argv: [prog, ...args], env: [], cwd: '/', mounts: [] }));
    // The whole tree preopened as "/", so /dev/null and /tmp resolve.
    return this.first(prog, async () => {
      const p = await k.boot.spawn0(this.wasm[prog], [prog, ...args], [], [['/', k.vfs.root]]);
      if (typeof p === 'string') return { status: 127, error: p };
      return new Promise((resolve) => {
        const prev = k.lifecycle.onExit;
        k.lifecycle.onExit = (q, error) => {
          prev?.(q, error);
          if (q === p) {
            k.lifecycle.onExit = prev;
            resolve({ status: q.status, error });
          }
        };
      });
    });
  }

  /** `sh -c SCRIPT` from the root image. */
  shell(script: string): Promise<string> {
    return this.first('sh', () => this.kernel.boot.run({ type: 'run', argv: ['sh', '-c', script], env: ['PATH=/bin'], cwd: '/', mounts: [] }));
  }
}
