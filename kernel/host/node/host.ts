// The Node host: process workers are worker_threads, the host's stdio are file
// descriptors 0-2 of this OS process, host directories can be mounted.
import fs from 'node:fs';
import tty from 'node:tty';
import { Worker } from 'node:worker_threads';
import type { Host, HostStream, WorkerHandle } from '../host.js';
import { hostDirectory } from './hostfs.js';

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

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Write synchronously, so output is complete and ordered when a process exits. */
export function outputStream(fd: number): HostStream {
  return {
    isatty: tty.isatty(fd),
    write(data) {
      let off = 0;
      while (off < data.length) {
        try {
          off += fs.writeSync(fd, data, off, data.length - off);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'EAGAIN') {
            Atomics.wait(pause, 0, 0, 1); // a full non-blocking pipe: let the reader drain it
            continue;
          }
          return false; // EPIPE and the like
        }
      }
      return true;
    },
  };
}

export interface NodeHostOptions {
  /** The bundled process worker (default: beside this bundle, dist/process-worker.js). */
  processWorker?: URL;
  /** Streams for fds 0-2 of the first process (default: this OS process's 0-2). */
  stdio?: readonly [HostStream, HostStream, HostStream];
}

export class NodeHost implements Host {
  readonly stdio: readonly [HostStream, HostStream, HostStream];
  private readonly workerUrl: URL;

  constructor(opts: NodeHostOptions = {}) {
    this.stdio = opts.stdio ?? [inputStream(0), outputStream(1), outputStream(2)];
    this.workerUrl = opts.processWorker ?? new URL('./process-worker.js', import.meta.url);
  }

  startProcessWorker(): WorkerHandle {
    const w = new Worker(this.workerUrl);
    return {
      postMessage: (msg) => w.postMessage(msg),
      onMessage: (cb) => w.on('message', cb),
      onError: (cb) => w.on('error', cb),
      terminate: () => void w.terminate(),
    };
  }

  hostDirectory = hostDirectory;

  yieldToEventLoop(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }

  log(line: string): void {
    fs.writeSync(2, line + '\n');
  }
}
