// The page's handle on a kernel: starts the kernel worker (kernel-worker.ts),
// sends it RunRequests and turns its OutputNotice/ExitNotice messages
// (protocol.ts) into callbacks and promises. The browser's counterpart of the
// Node CLI's main thread. Runs in the page, never inside a worker.
import type { ExitNotice, KernelToHost, OutputNotice, RunRequest } from '../protocol.js';

/** What to run; everything but the program's bytes has a default. */
export interface RunOptions {
  wasm: Uint8Array;
  argv?: string[];
  env?: string[];
  cwd?: string;
}

export type OutputListener = (fd: OutputNotice['fd'], data: Uint8Array) => void;

export class BrowserKernel {
  private readonly worker: Worker;
  private readonly outputListeners = new Set<OutputListener>();
  /** The run in flight; the kernel runs one first process at a time. */
  private current: { resolve(exit: ExitNotice): void } | null = null;
  /** Runs wait here for the one before them, since notices carry no run id. */
  private queue: Promise<unknown> = Promise.resolve();

  /** `trace` logs every syscall to the console (TABKERNEL_TRACE=1 in Node). */
  constructor(opts: { trace?: boolean } = {}) {
    // kernel-worker.ts reads the options from the worker's name.
    const name = opts.trace ? 'tabkernel-kernel trace' : 'tabkernel-kernel';
    this.worker = new Worker(new URL('./kernel-worker.ts', import.meta.url), { type: 'module', name });
    this.worker.addEventListener('message', (e: MessageEvent<KernelToHost>) => this.receive(e.data));
    this.worker.addEventListener('error', (e) => {
      e.preventDefault();
      this.finish({ type: 'exit', status: 127, error: `kernel worker: ${e.message || 'failed to load'}` });
    });
  }

  /** Bytes every process writes to the page's stdout (1) and stderr (2). */
  onOutput(listener: OutputListener): () => void {
    this.outputListeners.add(listener);
    return () => this.outputListeners.delete(listener);
  }

  /** Run a program as the first process; resolves when it has exited. */
  run(opts: RunOptions): Promise<ExitNotice> {
    const req: RunRequest = {
      type: 'run',
      wasm: opts.wasm,
      argv: opts.argv ?? ['program'],
      env: opts.env ?? [],
      cwd: opts.cwd ?? '/',
      mounts: [],
    };
    const next = this.queue.then(
      () =>
        new Promise<ExitNotice>((resolve) => {
          this.current = { resolve };
          this.worker.postMessage(req);
        }),
    );
    this.queue = next;
    return next;
  }

  /** Stop the kernel worker and, with it, every process worker it started. */
  terminate(): void {
    this.worker.terminate();
    this.finish({ type: 'exit', status: 137, error: 'kernel terminated' });
  }

  private receive(msg: KernelToHost): void {
    if (msg.type === 'output') {
      for (const listener of this.outputListeners) listener(msg.fd, msg.data);
    } else if (msg.type === 'exit') {
      this.finish(msg);
    }
  }

  private finish(exit: ExitNotice): void {
    const current = this.current;
    this.current = null;
    current?.resolve(exit);
  }
}
