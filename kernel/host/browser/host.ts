// The browser host: what the kernel needs from a Web Worker inside a
// cross-origin-isolated page. Process workers are nested dedicated workers
// started from the kernel worker (process-worker.ts) or, in Firefox, by the
// page for the kernel worker (page-workers.ts); the page's terminal is
// the host stdio: output reaches it as OutputNotice messages (abi/messages.ts) to
// the page (client.ts), input comes from it through a PageInput (input.ts) when
// the kernel worker gives one, and reads end of file otherwise. The root image
// is whatever image.ts fetched, once the kernel worker sets it; containers'
// layers come from the IndexedDB image store, once the kernel worker opens it.
// The progress of pulls that processes make goes to the page as
// ProcessPullNotices, for its status line. Guests' connections beyond their
// loopback are HTTP through the browser's fetch (outbound.ts). Binaryen's
// asyncify pass (programs built in the tab that fork) runs in the kernel
// worker, its package imported on the first such program (a chunk of its own);
// its output is kept in IndexedDB for the next page load (asyncified.ts).
// Mirrors kernel/host/node/host.ts; the contract is kernel/hostapi.ts.
import type { AsyncifiedStore, Host, HostNet, HostStream, WorkerHandle } from '../../hostapi.js';
import { asyncifyWith, type Binaryen } from '../../proc/asyncify.js';
import type { OutputNotice } from '../../abi/messages.js';
import type { PullReport } from '../../image/progress.js';
import type { ImageService } from '../../image/service.js';
import type { ProcessPullNotice } from './messages.js';

/** Where the kernel worker's messages to the page go (the worker's global `postMessage`). */
export type PostToPage = (msg: OutputNotice | ProcessPullNotice, transfer: Transferable[]) => void;

/** A nested Web Worker as the kernel sees it. */
class WebWorkerHandle implements WorkerHandle {
  constructor(private readonly worker: Worker) {}

  postMessage(msg: unknown, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(msg, transfer);
  }

  onMessage(cb: (msg: unknown) => void): void {
    this.worker.addEventListener('message', (e) => cb(e.data));
  }

  onError(cb: (err: Error) => void): void {
    // 'error' carries an ErrorEvent (an uncaught exception or a failed module load);
    // 'messageerror' a message that could not be deserialized.
    this.worker.addEventListener('error', (e) => {
      e.preventDefault();
      cb(new Error(e.message || 'process worker failed to load'));
    });
    this.worker.addEventListener('messageerror', () => cb(new Error('process worker: undeliverable message')));
  }

  terminate(): void {
    this.worker.terminate();
  }
}

/** Stdin without a terminal: always end of file. */
const emptyInput: HostStream = {
  isatty: false,
  read(_max, done) {
    // Asynchronous like a real stream, so the kernel never re-enters itself.
    queueMicrotask(() => done(new Uint8Array(0)));
  },
};

/** Stdout or stderr of the page: each write becomes one OutputNotice. */
function pageOutput(fd: 1 | 2, post: PostToPage): HostStream {
  return {
    isatty: false,
    write(data) {
      // Copy: `data` may be a view of shared memory the kernel reuses; the copy's
      // buffer is ours to transfer.
      const copy = data.slice();
      post({ type: 'output', fd, data: copy }, [copy.buffer]);
      return true;
    },
  };
}

/**
 * Resolve on a fresh task, after the messages and timers already queued: a
 * MessageChannel round trip, since setTimeout(0) is clamped to 4 ms when nested.
 */
const channel = new MessageChannel();
const waiting: Array<() => void> = [];
channel.port1.onmessage = () => waiting.shift()?.();
function macrotask(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}

export interface BrowserHostOptions {
  /** Standard input (default: always end of file). */
  stdin?: HostStream;
  /** Standard output (default: each write posted as an OutputNotice). */
  stdout?: HostStream;
  /**
   * Starts a process worker (default: a worker nested in this one). The kernel
   * worker has the page start them (page-workers.ts), which Firefox needs.
   */
  startWorker?: () => WorkerHandle;
}

export class BrowserHost implements Host {
  readonly stdio: readonly [HostStream, HostStream, HostStream];
  private readonly startWorker: (() => WorkerHandle) | undefined;
  /** The images (the IndexedDB store, blobstore.ts; registries direct or through the page's proxy); set by the kernel worker. */
  images?: ImageService;
  /** The way out: HTTP through the browser's fetch (outbound.ts); set by the kernel worker before the kernel is made. */
  net?: HostNet;
  /** Asyncified programs kept across page loads (asyncified.ts, IndexedDB); set by the kernel worker. */
  asyncified?: AsyncifiedStore;

  constructor(private readonly post: PostToPage, opts: BrowserHostOptions = {}) {
    this.stdio = [opts.stdin ?? emptyInput, opts.stdout ?? pageOutput(1, post), pageOutput(2, post)];
    this.startWorker = opts.startWorker;
  }

  pullProgress(report: PullReport): void {
    this.post({ type: 'process-pull', ...report }, []);
  }

  startProcessWorker(): WorkerHandle {
    if (this.startWorker) return this.startWorker();
    // Vite bundles the nested worker from this literal `new URL(…, import.meta.url)`.
    const worker = new Worker(new URL('./process-worker.ts', import.meta.url), { type: 'module' });
    return new WebWorkerHandle(worker);
  }

  yieldToEventLoop(): Promise<void> {
    return macrotask();
  }

  private binaryen: Promise<Binaryen> | null = null;

  /**
   * Binaryen's asyncify (proc/asyncify.ts), on this thread: the kernel serves
   * no process while it runs (seconds, once per program). Vite emits the
   * package as a chunk of its own, fetched by this import only.
   */
  async asyncify(bytes: Uint8Array): Promise<Uint8Array> {
    this.binaryen ??= import('binaryen').then((m) => m.default as unknown as Binaryen, (e: unknown) => {
      this.binaryen = null;   // the next program tries again (the fetch may have failed)
      throw e;
    });
    return asyncifyWith(await this.binaryen, bytes);
  }

  log(line: string): void {
    console.warn(`tabkernel: ${line}`);
  }
}
