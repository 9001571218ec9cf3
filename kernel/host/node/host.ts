// The Node host: process workers are worker_threads, the host's stdio are file
// descriptors 0-2 of this OS process (output queued and written off the kernel
// thread: output.ts), host directories can be mounted.
import fs from 'node:fs';
import tty from 'node:tty';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DirInode } from '../../fs/inode.js';
import type { AsyncifiedStore, Host, HostNet, HostStream, WorkerHandle } from '../../hostapi.js';
import { AsyncifyWorker } from './asyncify.js';
import { InlineProcess } from './inline.js';
import { hostDirectory } from './hostfs.js';
import { outputStreams } from './output.js';
import { nodeSha256 } from './registry.js';
import type { ImageService } from '../../image/service.js';

/** Read the host fd asynchronously (libuv's thread pool), never blocking the kernel. */
function inputStream(fd: number): HostStream {
  return {
    isatty: tty.isatty(fd),
    read(max, done) {
      const buf = Buffer.alloc(max);
      const attempt = (): void => {
        fs.read(fd, buf, 0, max, null, (e, n) => {
          if (e && (e.code === 'EAGAIN' || e.code === 'EWOULDBLOCK')) {
            setTimeout(attempt, 5); // a non-blocking fd inherited from the parent
            return;
          }
          done(e ? null : new Uint8Array(buf.buffer, buf.byteOffset, n));
        });
      };
      attempt();
    },
  };
}

export interface NodeHostOptions {
  /** The bundled process worker (default: beside this bundle, dist/process-worker.js). */
  processWorker?: URL;
  /** Streams for fds 0-2 of the first process (default: this OS process's 0-2). */
  stdio?: readonly [HostStream, HostStream, HostStream];
  /** The root image directory (default: userland/rootfs of this checkout). */
  rootfs?: string;
  /** The bundled asyncify worker (default: beside this bundle, dist/asyncify-worker.js). */
  asyncifyWorker?: URL;
  /** The images (containers of RunRequest.image, the shell's `image` command); absent: none. */
  images?: ImageService;
  /**
   * A process worker of processWorker's, started already, for the first
   * process to take (the CLI starts it before it loads the kernel, so that
   * it boots on another core meanwhile: cli.ts); or the CLI's own thread,
   * for a first process that runs inline (inline.ts).
   */
  firstWorker?: Worker | InlineProcess;
  /** For an inline first process: how its waiting calls wait for the host (Host.waitInline; inline.ts). */
  waitInline?: (ms: number | undefined) => void;
  /** The network beyond the guests' loopback (net.ts: node:net under the policy); absent: none. */
  net?: HostNet;
  /** Where asyncified programs are kept across kernels (asyncified.ts; the CLI: its cache directory); absent: per kernel. */
  asyncified?: AsyncifiedStore;
}

export class NodeHost implements Host {
  readonly stdio: readonly [HostStream, HostStream, HostStream];
  private readonly workerUrl: URL;

  private readonly rootfs: string;

  constructor(opts: NodeHostOptions = {}) {
    this.stdio = opts.stdio ?? [inputStream(0), ...outputStreams()];
    this.workerUrl = opts.processWorker ?? new URL('./process-worker.js', import.meta.url);
    this.rootfs = opts.rootfs ?? fileURLToPath(new URL('../userland/rootfs', import.meta.url));
    this.images = opts.images;
    this.early = opts.firstWorker ?? null;
    this.waitInline = opts.waitInline;
    this.net = opts.net;
    this.asyncified = opts.asyncified;
    this.asyncifier = new AsyncifyWorker(opts.asyncifyWorker ?? new URL('./asyncify-worker.js', import.meta.url));
  }

  private readonly asyncifier: AsyncifyWorker;

  /** Binaryen's asyncify in a worker thread of its own, started on the first call (asyncify.ts). */
  asyncify(bytes: Uint8Array): Promise<Uint8Array> {
    return this.asyncifier.run(bytes);
  }

  readonly net?: HostNet;

  readonly asyncified?: AsyncifiedStore;

  readonly images?: ImageService;
  /** NodeHostOptions.firstWorker, until the kernel asks for a worker. */
  private early: Worker | InlineProcess | null;

  readonly waitInline?: (ms: number | undefined) => void;

  startProcessWorker(): WorkerHandle {
    const w = this.early ?? new Worker(this.workerUrl);
    this.early = null;
    if (w instanceof InlineProcess) return w;
    return {
      postMessage: (msg, transfer) => w.postMessage(msg, transfer ?? []),
      onMessage: (cb) => w.on('message', cb),
      onError: (cb) => w.on('error', cb),
      terminate: () => void w.terminate(),
    };
  }

  /** node:crypto's SHA-256 for the module cache's keys. */
  readonly sha256 = nodeSha256;

  /** The host's CLOCK_MONOTONIC, the same in every thread (process-main.ts uses it too). */
  readonly monotonicClock = process.hrtime.bigint;

  /**
   * Mount roots by host path, kept for the kernel's life: each holds an open
   * directory fd (hostfs.ts), so a kernel that runs many programs mounts each
   * host directory once instead of leaking an fd per run.
   */
  private readonly mountRoots = new Map<string, DirInode>();

  hostDirectory = (p: string): DirInode | Error => this.mountRoot(p, false);

  private mountRoot(p: string, readOnly: boolean): DirInode | Error {
    let key: string;
    try {
      key = `${readOnly ? 'ro' : 'rw'}:${fs.realpathSync(p)}`;
    } catch (e) {
      return new Error((e as Error).message);
    }
    const known = this.mountRoots.get(key);
    if (known) return known;
    const d = hostDirectory(p, readOnly);
    if (!(d instanceof Error)) this.mountRoots.set(key, d);
    return d;
  }

  /** The built-in root image: userland/rootfs, read-only, each top-level directory mounted at /NAME. */
  rootImage(): Array<[string, DirInode]> | Error {
    const root = this.rootfs;
    let names: string[];
    try {
      names = fs.readdirSync(root).filter((n) => fs.statSync(`${root}/${n}`).isDirectory());
    } catch (e) {
      return e as Error;
    }
    const out: Array<[string, DirInode]> = [];
    for (const n of names) {
      const d = this.mountRoot(`${root}/${n}`, true);
      if (d instanceof Error) return d;
      out.push([n, d]);
    }
    return out;
  }

  yieldToEventLoop(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }

  /**
   * Kernel log lines (TABKERNEL_TRACE): through the host's stderr stream, so
   * they queue like the guests' output (output.ts) instead of blocking the
   * kernel thread on a slow stderr, and keep their order with it.
   */
  log(line: string): void {
    this.stdio[2].write?.(logEncoder.encode(line + '\n'));
  }
}

const logEncoder = new TextEncoder();

