// Process workers started by the page on the kernel worker's behalf (the
// kernel worker's side; the page's is process-workers.ts) — Firefox's way.
// In Firefox a worker that creates a worker waits for the page's main thread
// whenever a debugger listens for new workers (the devtools, or a WebDriver
// BiDi session such as the e2e tests'), and that wait deadlocked the kernel
// worker inside `new Worker()` within seconds of starting and stopping process
// workers (docs/TESTING.md). Started by the page, a process worker is not the
// kernel worker's to talk to directly, and Firefox will not carry a
// SharedArrayBuffer or a WebAssembly.Module through a MessagePort between
// workers: the page relays each message, both ways.
import type { WorkerHandle } from '../../hostapi.js';
import type { WorkerErrorNotice, WorkerMessage, WorkerStartRequest, WorkerTerminateRequest } from './messages.js';

type Post = (msg: WorkerStartRequest | WorkerTerminateRequest | WorkerMessage, transfer?: Transferable[]) => void;

class PageWorkerHandle implements WorkerHandle {
  readonly messageListeners: Array<(msg: unknown) => void> = [];
  private readonly errorListeners: Array<(err: Error) => void> = [];
  private terminated = false;

  constructor(
    private readonly id: number,
    private readonly post: Post,
    private readonly forget: () => void,
  ) {}

  postMessage(msg: unknown, transfer: ArrayBuffer[] = []): void {
    // The page receives the buffers and transfers them on (`transfer` names them there).
    if (!this.terminated) this.post({ type: 'worker-message', id: this.id, msg, transfer }, transfer);
  }

  onMessage(cb: (msg: unknown) => void): void {
    this.messageListeners.push(cb);
  }

  onError(cb: (err: Error) => void): void {
    this.errorListeners.push(cb);
  }

  terminate(): void {
    if (this.terminated) return;
    this.terminated = true;
    this.post({ type: 'worker-terminate', id: this.id });
    this.forget();
  }

  fail(message: string): void {
    const err = new Error(message);
    for (const cb of this.errorListeners) cb(err);
  }
}

/** The kernel worker's process workers, each started by the page. */
export class PageWorkers {
  private nextId = 1;
  private readonly handles = new Map<number, PageWorkerHandle>();

  /** `post` sends to the page (the worker's global postMessage). */
  constructor(private readonly post: Post) {}

  /** A handle at once: the page starts the worker on this message, before any other for it. */
  start(): WorkerHandle {
    const id = this.nextId++;
    const handle = new PageWorkerHandle(id, this.post, () => this.handles.delete(id));
    this.handles.set(id, handle);
    this.post({ type: 'worker-start', id });
    return handle;
  }

  /** A message from the page: whether it was about a process worker (and is handled). */
  receive(msg: unknown): boolean {
    const m = msg as WorkerMessage | WorkerErrorNotice | { type?: unknown } | null;
    if (m?.type === 'worker-message') {
      const { id, msg: inner } = m as WorkerMessage;
      for (const cb of this.handles.get(id)?.messageListeners ?? []) cb(inner);
      return true;
    }
    if (m?.type === 'worker-error') {
      const { id, message } = m as WorkerErrorNotice;
      this.handles.get(id)?.fail(message);
      return true;
    }
    return false;
  }
}

/**
 * Firefox (Gecko): a worker that starts a worker there blocks until the main
 * thread has registered it with the worker debugger whenever a debugger
 * listens, and could wait for ever (page-workers.ts). There is no feature to
 * test for, so the engine is told by its user agent.
 */
export function isGecko(): boolean {
  return /\bGecko\/\d/.test(navigator.userAgent) && !/\b(Chrome|Chromium|AppleWebKit)\//.test(navigator.userAgent);
}
