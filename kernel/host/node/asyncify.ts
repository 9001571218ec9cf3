// The Node host's asyncify (hostapi.ts Host.asyncify): Binaryen's pass run in
// a worker thread of its own (asyncify-worker.ts), started when the first
// program that needs it is loaded and kept for the next (the pass takes
// seconds; the kernel's thread goes on serving the other processes). Jobs
// are answered in order; the worker holds the process open only while one
// is pending.
import { Worker } from 'node:worker_threads';

export interface AsyncifyJob { id: number; bytes: Uint8Array }
export type AsyncifyResult = { id: number; bytes: Uint8Array } | { id: number; error: string };

export class AsyncifyWorker {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { resolve: (b: Uint8Array) => void; reject: (e: Error) => void }>();
  private next = 0;

  constructor(private readonly url: URL) {}

  run(bytes: Uint8Array): Promise<Uint8Array> {
    const w = this.start();
    const id = this.next++;
    w.ref();
    // A copy: the caller keeps its bytes (the module cache's key and the loader's file).
    w.postMessage({ id, bytes: bytes.slice() } satisfies AsyncifyJob);
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.url);
    w.on('message', (r: AsyncifyResult) => {
      const job = this.pending.get(r.id);
      this.pending.delete(r.id);
      if (this.pending.size === 0) w.unref();
      if (!job) return;
      if ('error' in r) job.reject(new Error(r.error));
      else job.resolve(r.bytes);
    });
    w.on('error', (e: Error) => this.fail(e));
    w.on('exit', () => this.fail(new Error('the asyncify worker exited')));
    this.worker = w;
    return w;
  }

  private fail(e: Error): void {
    this.worker = null;
    for (const job of this.pending.values()) job.reject(e);
    this.pending.clear();
  }
}
