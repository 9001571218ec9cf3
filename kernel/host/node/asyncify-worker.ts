// Entry of the Node host's asyncify worker (asyncify.ts): Binaryen's pass off
// the kernel's thread. It loads the `binaryen` package on its first job (an
// ES module with top-level await, which this CommonJS bundle cannot require:
// a real import(), which the bundler would turn into a require, hence the
// Function), then answers each job in turn.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';
import { asyncifyWith, type Binaryen } from '../../proc/asyncify.js';
import type { AsyncifyJob, AsyncifyResult } from './asyncify.js';

const port = parentPort!;
let binaryen: Promise<Binaryen> | null = null;

function load(): Promise<Binaryen> {
  const url = pathToFileURL(createRequire(import.meta.url).resolve('binaryen')).href;
  // A native import(), not the bundler's require.
  const importNative = new Function('url', 'return import(url)') as (url: string) => Promise<{ default: Binaryen }>;
  return importNative(url).then((m) => m.default);
}

port.on('message', (job: AsyncifyJob) => {
  binaryen ??= load();
  binaryen.then((b) => {
    const bytes = asyncifyWith(b, job.bytes);
    port.postMessage({ id: job.id, bytes } satisfies AsyncifyResult, [bytes.buffer as ArrayBuffer]);
  }).catch((e: unknown) => {
    port.postMessage({ id: job.id, error: e instanceof Error ? e.message : String(e) } satisfies AsyncifyResult);
  });
});
