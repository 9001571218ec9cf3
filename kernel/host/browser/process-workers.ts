// The page's side of page-workers.ts (Firefox's way to start process workers):
// starts a process worker (process-worker.ts) when its kernel worker asks,
// relays messages between the two both ways, forwards the worker's load errors
// and uncaught exceptions, and stops it when asked — or all of them, when the
// kernel worker is stopped.
import type { WorkerErrorNotice, WorkerMessage, WorkerStartRequest, WorkerTerminateRequest } from './messages.js';

type Post = (msg: WorkerMessage | WorkerErrorNotice, transfer?: Transferable[]) => void;

export class ProcessWorkers {
  private readonly workers = new Map<number, Worker>();

  /** `post` sends to the kernel worker. */
  constructor(private readonly post: Post) {}

  /** A message from the kernel worker: whether it was about a process worker (and is handled). */
  receive(msg: unknown): boolean {
    const m = msg as WorkerStartRequest | WorkerTerminateRequest | WorkerMessage | { type?: unknown } | null;
    if (m?.type === 'worker-message') {
      const { id, msg: inner, transfer = [] } = m as WorkerMessage;
      this.workers.get(id)?.postMessage(inner, transfer);
      return true;
    }
    if (m?.type === 'worker-start') {
      this.start((m as WorkerStartRequest).id);
      return true;
    }
    if (m?.type === 'worker-terminate') {
      const { id } = m as WorkerTerminateRequest;
      this.workers.get(id)?.terminate();
      this.workers.delete(id);
      return true;
    }
    return false;
  }

  /** Stop every process worker (the kernel worker is gone). */
  terminateAll(): void {
    for (const w of this.workers.values()) w.terminate();
    this.workers.clear();
  }

  private start(id: number): void {
    // Vite bundles the worker from this literal `new URL(…, import.meta.url)`.
    const worker = new Worker(new URL('./process-worker.ts', import.meta.url), { type: 'module' });
    this.workers.set(id, worker);
    // A process worker transfers nothing (a ForkSource shares its memory).
    worker.addEventListener('message', (e) => this.post({ type: 'worker-message', id, msg: e.data as unknown }));
    // 'error' carries an ErrorEvent (an uncaught exception or a failed module load);
    // 'messageerror' a message that could not be deserialized.
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      this.post({ type: 'worker-error', id, message: e.message || 'process worker failed to load' });
    });
    worker.addEventListener('messageerror', () =>
      this.post({ type: 'worker-error', id, message: 'process worker: undeliverable message' }));
  }
}
