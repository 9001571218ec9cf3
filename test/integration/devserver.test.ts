// The dev server (`npm start`) bundles every browser dependency once, before it
// serves a page. Its own scan follows the pages' imports only; the dependencies
// that only a worker imports (the kernel worker's, the benchmark suite's) must be
// in that first bundle too, or the first page to reach them has the server
// re-bundle, and a worker whose imports are in flight fails to load (a 504 on a
// stale dependency: the benchmark page's "suite worker failed").
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer } from 'vite';
import { expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

/** Packages imported by the workers alone: by kernel-worker.ts's graph and by bench/browser/suite-worker.ts's. */
const WORKER_ONLY = ['binaryen', 'fflate', 'fzstd', 'hash-wasm', 'idb', 'tinybench', '@bjorn3/browser_wasi_shim'];

it('the dev server bundles the workers\' dependencies at start, with the pages\'', async () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'tabkernel-vite-'));
  const server = await createServer({ root, cacheDir, logLevel: 'silent', server: { host: '127.0.0.1', port: 0, hmr: false } });
  try {
    await server.listen();
    const metadata = join(cacheDir, 'deps', '_metadata.json');
    const deadline = Date.now() + 50_000;
    while (!existsSync(metadata) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const optimized = Object.keys((JSON.parse(readFileSync(metadata, 'utf8')) as { optimized: object }).optimized);
    for (const dep of WORKER_ONLY) expect(optimized).toContain(dep);
    expect(optimized).toContain('@xterm/xterm');
  } finally {
    await server.close();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}, 60_000);
