// The host's contract: everything the kernel core needs from where it runs.
// kernel/host/node and kernel/host/browser implement it; no other kernel code
// touches `node:*`, `window`, `fetch` or `indexedDB`. It lives in the core,
// not in host/, so the core depends only on this contract and host/ is purely
// the top floor (eslint.config.js enforces both); not in abi/, because it is
// no shared-memory data but objects and callbacks that name kernel types.
import type { DirInode } from './fs/inode.js';
import type { Sha256Factory } from './image/digest.js';
import type { PullReport } from './image/progress.js';
import type { ImageService } from './image/service.js';
import type { HostConnection } from './net/hostconn.js';

/** A process worker as the kernel sees it: a message port it can terminate. */
export interface WorkerHandle {
  postMessage(msg: unknown, transfer?: ArrayBuffer[]): void;
  onMessage(cb: (msg: unknown) => void): void;
  onError(cb: (err: Error) => void): void;
  terminate(): void;
  /**
   * True for no worker at all: the program runs in the kernel's own thread
   * (the CLI's first process when it can make no other, kernel.ts
   * serveInline), and its calls are served there, each as it is made.
   */
  readonly inline?: boolean;
}

/**
 * A byte stream of the host (the terminal or pipe the CLI was started on, or the
 * page's output panel). Reads are asynchronous so the kernel never blocks on them.
 */
export interface HostStream {
  readonly isatty: boolean;
  /** Deliver up to `max` bytes; an empty array means end of file. */
  read?(max: number, done: (data: Uint8Array | null) => void): void;
  /**
   * Take all of `data` (copying what it keeps: `data` may be reused at once);
   * false on a broken stream (EPIPE). Never blocks: a stream that cannot pass
   * the bytes on yet queues them, and says when it holds enough (writable).
   */
  write?(data: Uint8Array): boolean;
  /** Whether the stream takes more now; false while its queue is full (writers wait). Absent: always. */
  writable?(): boolean;
  /** Call `cb` once the stream takes writes again (or is broken). */
  onWritable?(cb: () => void): void;
  /** Resolve once everything taken so far has reached the host (or the stream broke). */
  flushed?(): Promise<void>;
}

/**
 * The host's network beyond the guest's loopback, for the guests' outbound
 * connections (kernel/net/outbound.ts, resolver.ts). Node's is node:net and
 * node:dns (kernel/host/node/net.ts); a browser page can open no TCP
 * connection and has none.
 */
export interface HostNet {
  /** A TCP connection to `host` (a name or an address) on `port`; rejects with an Error whose `code` is the errno's name (ECONNREFUSED…). */
  connect(host: string, port: number): Promise<HostConnection>;
  /** The addresses of `name`, as text (the host's resolver); rejects with `code` ENOTFOUND for a name that has none. */
  lookup(name: string): Promise<string[]>;
  /**
   * Whether the policy lets a container of image `scope` (null: a program
   * run from the host) reach `host` on `port` (undefined: on some port — a
   * name lookup), and the rule that decided, for the message of a refusal.
   */
  allows(scope: string | null, host: string, port?: number): { allowed: boolean; rule: string };
}

/**
 * Where the asyncify pass's output is kept across kernels (proc/asyncified.ts
 * names and verifies the entries): Node's cache directory, the page's
 * IndexedDB. Either call may reject; the kernel then runs the pass as if the
 * entry were not there.
 */
export interface AsyncifiedStore {
  /** The entry under `key`, or undefined. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Keep `entry` under `key` whole or not at all (replacing what was there). */
  put(key: string, entry: Uint8Array): Promise<void>;
}

export interface Host {
  /** Start a worker running the process runtime (kernel/runtime/start.ts). */
  startProcessWorker(): WorkerHandle;
  /** Standard input, output and error of the first process. */
  readonly stdio: readonly [HostStream, HostStream, HostStream];
  /** A host directory as a directory inode, confined to it (Node only). */
  hostDirectory?(hostPath: string): DirInode | Error;
  /** The built-in root image: top-level directories mounted at /NAME (bin, etc…). */
  rootImage?(): Array<[string, DirInode]> | Error;
  /** The images the host keeps (its blob store and registry client); absent: the host runs no images. */
  readonly images?: ImageService;
  /**
   * How a pull that a process asked for goes (the shell's `image pull`, `image
   * run`): per layer (its start, its end, and at most every PROGRESS_MS
   * between: image/progress.ts), then one report with `end`. The page shows
   * them on its status line; absent (the CLI, whose terminal shows what the
   * process itself prints): not reported.
   */
  pullProgress?(report: PullReport): void;
  /**
   * A system-wide monotonic clock in ns that every thread reads alike (Node's
   * process.hrtime.bigint); the host's process workers use it too. Absent:
   * each thread's performance.now(), aligned to the kernel's time origin (lib/time.ts).
   */
  readonly monotonicClock?: () => bigint;
  /**
   * A SHA-256 for the compiled-module cache's keys (proc/modules.ts); absent:
   * WebCrypto's. Node's node:crypto hashes 2–3× as fast as its WebCrypto, and
   * every program's bytes are hashed before they compile.
   */
  readonly sha256?: Sha256Factory;
  /** Connections outside the guests' loopback network; absent: none (connect fails with ENETUNREACH). */
  readonly net?: HostNet;
  /**
   * Binaryen's asyncify pass on a program that imports `tabkernel.fork` but was
   * not built with it (proc/asyncify.ts: the bytes of asyncifyWith), so that
   * it can fork. Binaryen (~15 MB) is loaded when the first such program is
   * met, never before. Rejects with Binaryen's error. Absent: such programs'
   * fork fails with ENOSYS.
   */
  asyncify?(bytes: Uint8Array): Promise<Uint8Array>;
  /** Where asyncify's output is kept for the next kernel; absent: kept by this kernel only. */
  readonly asyncified?: AsyncifiedStore;
  /** Resolve after pending messages and timers have had a turn (setImmediate-like). */
  yieldToEventLoop(): Promise<void>;
  /**
   * For an inline process (WorkerHandle.inline), whose call waits: block this
   * thread until a host event may have come (the input a stream was asked
   * for, delivered) or `ms` passed (undefined: no limit).
   */
  waitInline?(ms: number | undefined): void;
  /** Write a diagnostic line for the user (the CLI's stderr, the page's console). */
  log(line: string): void;
}
