// The Node host's compile thread (hostapi.ts Host.compileStored): a program
// lying in a blob of the CLI's store, compiled in a worker thread of its own
// (compile-worker.ts), which reads the bytes from the blob's file itself, so
// that neither the read nor the engine's synchronous part of the compile
// (clang's 75 MB: ~0.3 s of decoding and validating) holds up the kernel's
// thread. The module comes back as a WebAssembly.Module, which worker
// threads share without a copy. Started by the first job; it never holds the
// CLI open, and it ends once it has nothing to do (it held a program's bytes).
import { Worker } from 'node:worker_threads';
import type { StoredRange } from '../../fs/blobfile.js';
import type { CompiledProgram } from '../../proc/modules.js';
import { storedBlobPath } from './blobstore.js';

export interface CompileJob { id: number; file: string; at: number; size: number }
export type CompileResult = { id: number; compiled: CompiledProgram } | { id: number; error: string };

export class CompileThread {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { resolve: (c: CompiledProgram) => void; reject: (e: Error) => void }>();
  private next = 0;

  constructor(private readonly url: URL) {}

  /** Compile the program at `r`; rejects for a blob that is not a file of this host's stores. */
  compile(r: StoredRange): Promise<CompiledProgram> {
    const file = storedBlobPath(r.blob);
    if (file === undefined) return Promise.reject(new Error('not a blob of this host\'s store'));
    const w = this.start();
    const id = this.next++;
    w.postMessage({ id, file, at: r.at, size: r.size } satisfies CompileJob);
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.url);
    w.unref();
    w.on('message', (r: CompileResult) => {
      const job = this.pending.get(r.id);
      this.pending.delete(r.id);
      if (this.pending.size === 0) this.stop();
      if (!job) return;
      if ('error' in r) job.reject(new Error(r.error));
      else job.resolve(r.compiled);
    });
    w.on('error', (e: Error) => this.fail(e));
    w.on('exit', () => this.fail(new Error('the compile thread exited')));
    this.worker = w;
    return w;
  }

  /** End the idle worker; its exit is no failure of the jobs sent to the next one. */
  private stop(): void {
    const w = this.worker;
    this.worker = null;
    w?.removeAllListeners().on('error', () => {});
    void w?.terminate();
  }

  private fail(e: Error): void {
    this.worker = null;
    for (const job of this.pending.values()) job.reject(e);
    this.pending.clear();
  }
}
