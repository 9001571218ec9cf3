// An in-process kernel for integration tests: the Kernel runs on the test's
// thread, processes in real workers (dist/process-worker.js), stdio captured.
import fs from 'node:fs';
import path from 'node:path';
import { Kernel } from '../../kernel/kernel.js';
import { NodeHost, type NodeHostOptions } from '../../kernel/host/node/host.js';
import type { HostStream } from '../../kernel/hostapi.js';

export const root = path.resolve(import.meta.dirname, '../..');
export const processWorker = new URL(`file://${root}/dist/process-worker.js`);
/** The bundled asyncify worker (kernel/host/node/asyncify.ts), for programs that fork but were built without asyncify. */
export const asyncifyWorker = new URL(`file://${root}/dist/asyncify-worker.js`);

/** The kernels made since the current test began (test/support/diagnose.ts prints them when it fails). */
export const liveKernels = new Set<Kernel>();

export function program(name: string): Uint8Array {
  return fs.readFileSync(path.join(root, 'test/programs/bin', `${name}.wasm`));
}

export interface Captured {
  kernel: Kernel;
  host: NodeHost;
  stdout: () => string;
  stderr: () => string;
  /** Forget what was captured so far (a kernel that runs for long keeps none of it). */
  clear: () => void;
}

/**
 * A kernel whose first processes read `stdin` and write into buffers; `tty`:
 * the buffers count as a terminal (a RunRequest's tty then attaches a PTY to them).
 */
export function captureKernel(stdin = '', opts: { tty?: boolean; images?: NodeHostOptions['images'] } = {}): Captured {
  const isatty = opts.tty ?? false;
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  let input: Uint8Array | null = new TextEncoder().encode(stdin);
  const streams: [HostStream, HostStream, HostStream] = [
    {
      isatty,
      read(max, done) {
        const chunk = input ?? new Uint8Array(0);
        input = chunk.length > max ? chunk.subarray(max) : null;
        setTimeout(() => done(chunk.subarray(0, max)), 1);
      },
    },
    { isatty, write: (d) => (out.push(d.slice()), true) },
    { isatty, write: (d) => (err.push(d.slice()), true) },
  ];
  const host = new NodeHost({ processWorker, asyncifyWorker, stdio: streams, rootfs: path.join(root, 'userland/rootfs'), images: opts.images });
  const kernel = new Kernel(host);
  liveKernels.add(kernel);
  const text = (bufs: Uint8Array[]) => Buffer.concat(bufs).toString('utf8');
  const clear = () => {
    out.length = 0;
    err.length = 0;
  };
  return { kernel, host, stdout: () => text(out), stderr: () => text(err), clear };
}

export function wasmFromBase64(b64: string): Uint8Array {
  return new Uint8Array(Buffer.from(b64, 'base64'));
}
