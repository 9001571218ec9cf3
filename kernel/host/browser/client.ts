// The page's handle on a kernel: starts the kernel worker (kernel-worker.ts),
// sends it requests (messages.ts: load the root image, load the image
// policy, pull an image, run, keys, resize, snapshot the root file system)
// and turns its notices (OutputNotice, ExitNotice, ImageNotice, PolicyNotice,
// PullNotice, ProcessPullNotice, PersistNotice) into callbacks and promises. The browser's counterpart of the Node CLI's main thread. Runs in
// the page, never inside a worker.
import { firstEnv, type ExitNotice, type ImageRun, type OutputNotice, type RunRequest } from '../../abi/messages.js';
import type { ImageNotice, KernelToPage, MarksNotice, PageToKernel, PersistNotice, PolicyNotice, ProcessPullNotice, PulledImage, PullNotice } from './messages.js';
import { isGecko } from './page-workers.js';
import { ProcessWorkers } from './process-workers.js';

/** What to run; everything has a default but the program. */
export interface RunOptions {
  /** The program's bytes; absent: argv[0] is looked up on PATH in the root image. */
  wasm?: Uint8Array;
  argv?: string[];
  /** A program of the root image gets PATH=DEFAULT_PATH (abi/messages.ts) unless this has one. */
  env?: string[];
  cwd?: string;
  /** Attach the page's terminal (input(), resize(), output) through a PTY of this size. */
  tty?: { rows: number; cols: number };
  /** Run in a container of this pulled image (pullImage); argv, env and cwd are the container's. */
  image?: ImageRun;
}

export type OutputListener = (fd: OutputNotice['fd'], data: Uint8Array) => void;
export type ImageListener = (progress: ImageNotice) => void;
export type PullListener = (notice: PullNotice) => void;
export type PersistListener = (notice: PersistNotice) => void;
export type ProcessPullListener = (notice: ProcessPullNotice) => void;

export class BrowserKernel {
  private readonly worker: Worker;
  /** Who starts this kernel's process workers (see the constructor). */
  readonly workers: 'nested' | 'page';
  /** The kernel's process workers, which the page starts (page-workers.ts). */
  private readonly processWorkers: ProcessWorkers;
  private readonly outputListeners = new Set<OutputListener>();
  private readonly imageListeners = new Set<ImageListener>();
  private readonly persistListeners = new Set<PersistListener>();
  private readonly processPullListeners = new Set<ProcessPullListener>();
  /** Those waiting for the answers to marks(), in order. */
  private readonly marksWaiters: Array<(n: MarksNotice) => void> = [];
  /** Those waiting for the answers to loadPolicy(), in order (the page loads one policy). */
  private readonly policyWaiters: Array<(n: PolicyNotice) => void> = [];
  /** The pull in flight (notices carry no id: one at a time, queued). */
  private pulling: { listener?: PullListener; resolve(p: PulledImage): void; reject(e: Error): void } | null = null;
  private pulls: Promise<unknown> = Promise.resolve();
  /** The run in flight; the kernel runs one first process at a time. */
  private current: { resolve(exit: ExitNotice): void } | null = null;
  /** Runs wait here for the one before them, since notices carry no run id. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly encoder = new TextEncoder();
  /** Bytes drawn since the last AckRequest; sent once per task. */
  private drawn = 0;

  /**
   * `trace` logs every syscall to the console (TABKERNEL_TRACE=1 in Node).
   * `memory` and `tmpSize`: the kernel's memory budget and the size of /tmp, in bytes (kernel.ts).
   * `workers`: who starts the process workers — the kernel worker ('nested',
   * the default) or the page ('page', page-workers.ts says why: the default in Firefox).
   * `persist`: whether the root file system loadImage() gives is restored from
   * and saved to IndexedDB ('on'), not at all ('off', the default: one kernel
   * of a page keeps it, the page's own), or started empty after forgetting
   * what was saved ('fresh'); persist.ts. `images`: the absolute URL of the
   * built-in images' layouts (`images/` beside the page: image/builtin.ts),
   * for ?image=toolchain and the terminal's `image pull toolchain` alike.
   */
  constructor(opts: {
    trace?: boolean; workers?: 'nested' | 'page'; memory?: number; tmpSize?: number; persist?: 'on' | 'off' | 'fresh'; images?: string;
  } = {}) {
    // kernel-worker.ts reads the options from the worker's name.
    this.workers = opts.workers ?? (isGecko() ? 'page' : 'nested');
    const name = [
      'tabkernel-kernel', ...(opts.trace ? ['trace'] : []), ...(this.workers === 'page' ? ['page-workers'] : []),
      ...(opts.memory ? [`memory=${opts.memory}`] : []), ...(opts.tmpSize ? [`tmp-size=${opts.tmpSize}`] : []),
      ...(opts.persist && opts.persist !== 'off' ? [`persist=${opts.persist}`] : []),
      // A URL has no spaces (they are escaped), so it is one option.
      ...(opts.images ? [`images=${opts.images}`] : []),
    ].join(' ');
    this.worker = new Worker(new URL('./kernel-worker.ts', import.meta.url), { type: 'module', name });
    this.processWorkers = new ProcessWorkers((msg, transfer = []) => this.worker.postMessage(msg, transfer));
    this.worker.addEventListener('message', (e: MessageEvent<KernelToPage>) => this.receive(e.data));
    this.worker.addEventListener('error', (e) => {
      e.preventDefault();
      this.failPull(`kernel worker: ${e.message || 'failed to load'}`);
      this.finish({ type: 'exit', status: 127, error: `kernel worker: ${e.message || 'failed to load'}` });
    });
  }

  /**
   * Bytes every process writes to the page's stdout (1) and stderr (2), the
   * console PTY's included. Whoever shows the console's output calls ack() as
   * it is drawn: the kernel holds it back while too much is unacknowledged.
   */
  onOutput(listener: OutputListener): () => void {
    return subscribe(this.outputListeners, listener);
  }

  /** Progress of the root image asked for with loadImage(). */
  onImage(listener: ImageListener): () => void {
    return subscribe(this.imageListeners, listener);
  }

  /** The progress of pulls that processes make (the terminal's `image pull`, `image run`), to the end of each. */
  onProcessPull(listener: ProcessPullListener): () => void {
    return subscribe(this.processPullListeners, listener);
  }

  /** The root file system's restore and snapshots (and why one failed). */
  onPersist(listener: PersistListener): () => void {
    return subscribe(this.persistListeners, listener);
  }

  /** Snapshot the root file system now if it changed (the page is going away). */
  persistNow(): void {
    this.send({ type: 'persist' });
  }

  /** Fetch the root image described by the manifest at `url`; later runs wait for it. */
  loadImage(url: string | URL): void {
    this.send({ type: 'load-image', url: new URL(url, location.href).href });
  }

  /**
   * Load the image policy served at `url` (policy.json, with
   * tabkernel-capabilities.json beside it; policy.ts): pulls and containers
   * started after this call are under it. Resolves to the policy's summary,
   * or its error (then no image is pulled).
   */
  loadPolicy(url: string | URL): Promise<PolicyNotice> {
    this.send({ type: 'load-policy', url: new URL(url, location.href).href });
    return new Promise((resolve) => this.policyWaiters.push(resolve));
  }

  /**
   * Pull image `reference` into the page's image store (IndexedDB) unless it
   * holds it; `onProgress` sees every notice (route, per-layer progress).
   * Resolves to what run({ image }) needs; rejects with the reason.
   */
  pullImage(reference: string, onProgress?: PullListener): Promise<PulledImage> {
    const next = this.pulls.catch(() => undefined).then(
      () =>
        new Promise<PulledImage>((resolve, reject) => {
          this.pulling = { listener: onProgress, resolve, reject };
          this.send({ type: 'pull-image', reference });
        }),
    );
    this.pulls = next;
    return next;
  }

  /**
   * The kernel worker's boot milestones (performance marks named
   * `tabkernel:…`: kernel-worker.ts), in ms on this page's timeline
   * (performance.now()'s), for telling where a boot's time goes.
   */
  async marks(): Promise<Array<{ name: string; startTime: number }>> {
    this.send({ type: 'marks' });
    const n = await new Promise<MarksNotice>((resolve) => this.marksWaiters.push(resolve));
    return n.marks.map(({ name, time }) => ({ name, startTime: time - performance.timeOrigin }));
  }

  /**
   * Let the kernel answer the service worker's HTTP requests for /port/N/…
   * on `port` (a BridgeOffer's, transferred on: kernel/host/browser/bridge.ts).
   */
  serveBridge(port: MessagePort): void {
    this.worker.postMessage({ type: 'bridge', port } satisfies PageToKernel, [port]);
  }

  /** Run a program as the first process; resolves when it has exited. */
  run(opts: RunOptions): Promise<ExitNotice> {
    const req: RunRequest = {
      type: 'run',
      wasm: opts.wasm,
      argv: opts.argv ?? ['program'],
      env: firstEnv(opts.env ?? [], opts.wasm === undefined),
      cwd: opts.cwd ?? '/',
      mounts: [],
      tty: opts.tty,
      image: opts.image,
    };
    const next = this.queue.then(
      () =>
        new Promise<ExitNotice>((resolve) => {
          this.current = { resolve };
          this.send(req);
        }),
    );
    this.queue = next;
    return next;
  }

  /** Keys typed into the terminal (a string is sent as UTF-8). */
  input(data: Uint8Array | string): void {
    const bytes = typeof data === 'string' ? this.encoder.encode(data) : data;
    this.send({ type: 'input', data: bytes });
  }

  /** The terminal's new size: the console PTY's window size, SIGWINCH to its foreground group. */
  resize(rows: number, cols: number): void {
    this.send({ type: 'resize', rows, cols });
  }

  /** `bytes` more of the output have been drawn (kernel/host/browser/console.ts: flow control). */
  ack(bytes: number): void {
    if (this.drawn === 0) queueMicrotask(() => {
      this.send({ type: 'ack', bytes: this.drawn });
      this.drawn = 0;
    });
    this.drawn += bytes;
  }

  /** Stop the kernel worker and, with it, every process worker it started. */
  terminate(): void {
    this.worker.terminate();
    this.processWorkers.terminateAll();
    this.failPull('kernel terminated');
    this.finish({ type: 'exit', status: 137, error: 'kernel terminated' });
  }

  private send(msg: PageToKernel): void {
    this.worker.postMessage(msg);
  }

  private receive(msg: KernelToPage): void {
    if (this.processWorkers.receive(msg)) return;
    if (msg.type === 'output') {
      for (const listener of this.outputListeners) listener(msg.fd, msg.data);
    } else if (msg.type === 'image') {
      for (const listener of this.imageListeners) listener(msg);
    } else if (msg.type === 'persisted') {
      for (const listener of this.persistListeners) listener(msg);
    } else if (msg.type === 'pull') {
      this.pullNotice(msg);
    } else if (msg.type === 'marks') {
      this.marksWaiters.shift()?.(msg);
    } else if (msg.type === 'policy') {
      this.policyWaiters.shift()?.(msg);
    } else if (msg.type === 'process-pull') {
      for (const listener of this.processPullListeners) listener(msg);
    } else if (msg.type === 'exit') {
      this.finish(msg);
    }
  }

  private pullNotice(msg: PullNotice): void {
    const p = this.pulling;
    if (!p) return;
    p.listener?.(msg);
    if (!msg.done && msg.error === undefined) return;
    this.pulling = null;
    if (msg.done) p.resolve(msg.done);
    else p.reject(new Error(msg.error));
  }

  private failPull(error: string): void {
    this.pulling?.reject(new Error(error));
    this.pulling = null;
  }

  private finish(exit: ExitNotice): void {
    const current = this.current;
    this.current = null;
    current?.resolve(exit);
  }
}

/** Add `listener` to `set`; the function that takes it out again. */
function subscribe<T>(set: Set<T>, listener: T): () => void {
  set.add(listener);
  return () => set.delete(listener);
}
