// The service worker's build, a Vite plugin (vite.config.ts; runs in Node).
// sw/sw.ts and what it imports become one classic script, `sw.js` at the
// page's base, bundled by esbuild: a module service worker would need a
// browser that has them, and a script at the base takes the base as its scope
// without the Service-Worker-Allowed header a script under /sw/ would need
// (any static host can serve the build). The dev server bundles it at each
// request, with an empty precache list (the dev server's modules are cached
// as they pass, sw/offline.ts); a build lists every file it emitted and a
// version hashed from their contents, so a new build is a new service worker.
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import type { Plugin, ViteDevServer } from 'vite';
import type { Precache } from './offline.js';

const ENTRY = fileURLToPath(new URL('./sw.ts', import.meta.url));
export const SW_FILE = 'sw.js';

/** sw.js with `precache` built in. */
async function bundle(precache: Precache, dev: boolean): Promise<string> {
  const out = await esbuild({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    sourcemap: dev ? 'inline' : false,
    logLevel: 'warning',
    define: { __TABKERNEL_PRECACHE__: JSON.stringify(precache) },
  });
  return out.outputFiles[0].text;
}

/**
 * Files larger than this are not precached: the toolchain image's C compiler
 * layer (105 MB, docs/PORTS.md) would make every first visit download it. The
 * page fetches such a file when it first needs it, and the runtime cache
 * keeps the copy for offline use (sw/offline.ts).
 */
export const PRECACHE_MAX_BYTES = 32 << 20;

/**
 * Chunks fetched only when used, never precached: Binaryen (13 MB), which the
 * kernel worker imports for the first program built in the tab that forks
 * (kernel/proc/asyncify.ts); the runtime cache keeps it once fetched.
 */
export const ON_DEMAND = /^assets\/binaryen-[^/]*\.js$/;

/** What a build precaches: its files (not source maps, none over PRECACHE_MAX_BYTES, none ON_DEMAND), the page as the base URL itself ('./'). */
export function precacheOf(files: Array<{ fileName: string; source: string | Uint8Array }>): Precache {
  const listed = files
    .filter((f) => !f.fileName.endsWith('.map') && f.fileName !== SW_FILE && f.source.length <= PRECACHE_MAX_BYTES && !ON_DEMAND.test(f.fileName))
    .sort((a, b) => (a.fileName < b.fileName ? -1 : 1));
  const hash = createHash('sha256');
  for (const f of listed) hash.update(`${f.fileName}\0`).update(f.source).update('\0');
  return {
    version: hash.digest('hex').slice(0, 16),
    files: listed.map((f) => (f.fileName === 'index.html' ? './' : f.fileName)),
  };
}

export function serviceWorker(): Plugin {
  return {
    name: 'tabkernel-service-worker',
    // After the other plugins have emitted their files (the root image's).
    enforce: 'post',
    configureServer(server: ViteDevServer) {
      server.middlewares.use((req, res, next) => {
        if ((req.url ?? '').split('?')[0] !== `${server.config.base}${SW_FILE}`) return next();
        bundle({ version: 'dev', files: [] }, true).then(
          (text) => {
            res.setHeader('Content-Type', 'text/javascript');
            res.setHeader('Cache-Control', 'no-cache');
            res.end(text);
          },
          (e: unknown) => next(e),
        );
      });
    },
    async generateBundle(_options, output) {
      const files = Object.values(output).map((f) => ({ fileName: f.fileName, source: f.type === 'asset' ? f.source : f.code }));
      this.emitFile({ type: 'asset', fileName: SW_FILE, source: await bundle(precacheOf(files), false) });
    },
  };
}
