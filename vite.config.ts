// The page app (index.html + web/) and the browser host's workers, built by Vite.
// SharedArrayBuffer needs a cross-origin-isolated page, so every response — dev
// server and `vite preview` alike, workers and wasm included — carries
// COOP same-origin + COEP require-corp. The root image (userland/rootfs/: sh
// and the utilities) is listed in a manifest, rootfs.json, that the kernel
// worker fetches with every file it names (kernel/host/browser/image.ts): the
// dev server serves both straight from userland/rootfs/, a build writes the
// manifest and one pack of all the files to dist-web/ (named by its SHA-256,
// so a changed binary is never a stale cached one; one fetch, not one per file). The registry proxy, /registry/HOST/…, lets the page pull
// images from registries it cannot fetch directly (kernel/host/node/
// registry-proxy.ts; allowlist: $TABKERNEL_REGISTRY_PROXY). The image policy
// the page runs under, policy.json and tabkernel-capabilities.json beside the
// page, is the user's (kernel/host/node/policy.ts: $TABKERNEL_POLICY,
// ~/.config/containers, /etc/containers), served with its key files inlined;
// a static build serves whatever files are put beside it (docs/POLICY.md).
// The service worker, sw.js at the base (sw/build.ts), keeps the page
// isolated and bootable offline, and bridges /port/N/ to the guests' servers.
// The Node build (dist/) is scripts/build.js; the page builds to dist-web/.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, lstatSync, readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin, type PreviewServer, type ViteDevServer } from 'vite';
import type { Manifest, ManifestEntry } from './kernel/host/browser/image.js';
import { BUILTIN_LIST, type BuiltinList } from './kernel/image/builtin.js';
import { servedPolicy } from './kernel/host/node/policy.js';
import { registryProxy } from './kernel/host/node/registry-proxy.js';
import { CAPABILITIES_FILE } from './kernel/policy/capabilities.js';
import { ensureClangLayer } from './scripts/clang-layer.js';
import { serviceWorker } from './sw/build.js';

const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * `server.headers`/`preview.headers` cover most responses; this middleware also
 * covers the ones Vite answers before them (transformed modules, 304s, fallbacks).
 */
function crossOriginIsolation(): Plugin {
  const use = (server: ViteDevServer | PreviewServer): void => {
    server.middlewares.use((_req, res, next) => {
      for (const [k, v] of Object.entries(isolationHeaders)) res.setHeader(k, v);
      next();
    });
  };
  return { name: 'tabkernel-cross-origin-isolation', configureServer: use, configurePreviewServer: use };
}

/** The same-origin registry proxy, in the dev server and `vite preview` alike (not in a static build). */
function imageRegistryProxy(): Plugin {
  const use = (server: ViteDevServer | PreviewServer): void => void server.middlewares.use(registryProxy());
  return { name: 'tabkernel-registry-proxy', configureServer: use, configurePreviewServer: use };
}

/**
 * The user's image policy at BASE/policy.json and BASE/tabkernel-capabilities.json,
 * read at each request (an edit shows at the next reload). A file the user
 * does not have is a 404 — not the page's HTML fallback — unless the build
 * has one of that name (`vite preview` serves it then).
 */
function imagePolicy(): Plugin {
  const use = (server: ViteDevServer | PreviewServer, built?: string): void => {
    server.middlewares.use((req, res, next) => {
      const path = (req.url ?? '').split('?')[0];
      const base = server.config.base;
      const which = path === `${base}policy.json` ? 'policy' : path === `${base}${CAPABILITIES_FILE}` ? 'capabilities' : undefined;
      if (!which) return next();
      let text: string | undefined;
      try {
        text = servedPolicy()[which];
      } catch (e) {
        res.statusCode = 500;
        return void res.end(String((e as Error).message));
      }
      if (text === undefined) {
        if (built && existsSync(join(built, path.slice(base.length)))) return next();
        res.statusCode = 404;
        return void res.end();
      }
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('Cache-Control', 'no-cache');
      res.end(text);
    });
  };
  return {
    name: 'tabkernel-image-policy',
    configureServer: (server) => use(server),
    configurePreviewServer: (server) => use(server, resolve(server.config.root, server.config.build.outDir)),
  };
}

const ROOTFS = fileURLToPath(new URL('./userland/rootfs', import.meta.url));
const MANIFEST = 'rootfs.json';

/** Every entry under userland/rootfs/, parents before children; `url` left to the caller. */
function walkRootfs(dir = ROOTFS): Array<{ entry: ManifestEntry; file?: string }> {
  const out: Array<{ entry: ManifestEntry; file?: string }> = [];
  for (const name of readdirSync(dir).sort()) {
    const file = join(dir, name);
    const path = relative(ROOTFS, file).split(sep).join('/');
    const st = lstatSync(file);
    const attrs = { mode: st.mode & 0o7777, mtime: Math.floor(st.mtimeMs) };
    if (st.isSymbolicLink()) out.push({ entry: { path, type: 'symlink', target: readlinkSync(file), ...attrs } });
    else if (st.isDirectory()) out.push({ entry: { path, type: 'dir', ...attrs } }, ...walkRootfs(file));
    else if (st.isFile()) out.push({ entry: { path, type: 'file', size: st.size, url: '', ...attrs }, file });
  }
  return out;
}

/** A path of the image as a URL path, relative to the manifest (`[` is not a URL character). */
const urlPath = (path: string): string => path.split('/').map(encodeURIComponent).join('/');

/** The root image: rootfs.json and its files, served in development, emitted by a build. */
function rootImage(): Plugin {
  return {
    name: 'tabkernel-root-image',
    configureServer(server) {
      // Before Vite's own middlewares, which would serve an extension-less file as a module.
      server.middlewares.use((req, res, next) => {
        const base = server.config.base;
        const path = decodeURIComponent((req.url ?? '').split('?')[0]);
        if (!path.startsWith(base)) return next();
        const rest = path.slice(base.length);
        if (rest === MANIFEST) {
          const entries = walkRootfs().map(({ entry }) =>
            entry.type === 'file' ? { ...entry, url: `rootfs/${urlPath(entry.path)}` } : entry);
          const manifest: Manifest = { version: 1, entries };
          res.setHeader('Content-Type', 'application/json');
          res.setHeader('Cache-Control', 'no-cache');
          return void res.end(JSON.stringify(manifest));
        }
        if (!rest.startsWith('rootfs/')) return next();
        const file = join(ROOTFS, rest.slice('rootfs/'.length));
        if (!file.startsWith(ROOTFS + sep)) return next();
        try {
          const body = readFileSync(file);
          res.setHeader('Content-Type', 'application/octet-stream');
          res.setHeader('Cache-Control', 'no-cache');
          res.end(body);
        } catch {
          next();
        }
      });
    },
    generateBundle() {
      // One pack of every distinct file, named by its hash: the page fetches it
      // once (kernel/host/browser/image.ts); a changed binary is a new name.
      const walked = walkRootfs();
      const parts: Buffer[] = [];
      const at = new Map<string, number>();
      let size = 0;
      const placed = walked.map(({ entry, file }) => {
        if (entry.type !== 'file' || !file) return { entry };
        const source = readFileSync(file);
        const digest = createHash('sha256').update(source).digest('hex');
        let offset = at.get(digest);
        if (offset === undefined) {
          at.set(digest, (offset = size));
          parts.push(source);
          size += source.length;
        }
        return { entry, offset };
      });
      const pack = Buffer.concat(parts);
      const fileName = `rootfs/${createHash('sha256').update(pack).digest('hex').slice(0, 32)}`;
      this.emitFile({ type: 'asset', fileName, source: pack });
      const entries = placed.map(({ entry, offset }) => (entry.type === 'file' ? { ...entry, url: fileName, offset } : entry));
      const manifest: Manifest = { version: 1, entries };
      this.emitFile({ type: 'asset', fileName: MANIFEST, source: JSON.stringify(manifest) });
    },
  };
}

const IMAGES = fileURLToPath(new URL('./userland/images', import.meta.url));

/** Every file under userland/images/ (the built-in images' OCI layouts), as paths relative to it. */
function walkImages(dir = IMAGES): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).sort().filter((name) => !name.startsWith('.')).flatMap((name) => {
    const file = join(dir, name);
    return lstatSync(file).isDirectory() ? walkImages(file) : [relative(IMAGES, file).split(sep).join('/')];
  });
}

/** The names of the layouts under userland/images/ (directories with an index.json): BUILTIN_LIST's content. */
function builtinList(): BuiltinList {
  const names = existsSync(IMAGES) ? readdirSync(IMAGES).sort() : [];
  return { images: names.filter((name) => !name.startsWith('.') && existsSync(join(IMAGES, name, 'index.json'))) };
}

/**
 * The built-in images (kernel/image/builtin.ts): userland/images/NAME/ at
 * BASE/images/NAME/, served in development (streamed: the C compiler's layer
 * is 105 MB) and emitted by a build, where the kernel worker reads them for
 * ?image=NAME and the terminal's `image pull NAME`
 * (kernel/host/browser/pull.ts); and their names at BASE/BUILTIN_LIST, from
 * which the page lists them (web/builtin.ts). The toolchain image's C
 * compiler layer, which git does not hold, is written from node_modules
 * first (scripts/clang-layer.js).
 */
function builtinImages(): Plugin {
  return {
    name: 'tabkernel-builtin-images',
    buildStart() {
      ensureClangLayer();
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const base = server.config.base;
        const path = decodeURIComponent((req.url ?? '').split('?')[0]);
        if (path === `${base}${BUILTIN_LIST}`) {
          res.setHeader('Content-Type', 'application/json');
          res.setHeader('Cache-Control', 'no-cache');
          return void res.end(JSON.stringify(builtinList()));
        }
        if (!path.startsWith(`${base}images/`)) return next();
        const file = join(IMAGES, path.slice(`${base}images/`.length));
        if (!file.startsWith(IMAGES + sep)) return next();
        let size: number;
        try {
          const st = statSync(file);
          if (!st.isFile()) throw new Error('not a file');
          size = st.size;
        } catch {
          res.statusCode = 404;
          return void res.end();
        }
        res.setHeader('Content-Type', 'application/octet-stream');
        res.setHeader('Content-Length', String(size));
        res.setHeader('Cache-Control', 'no-cache');
        if (req.method === 'HEAD') return void res.end();
        createReadStream(file).on('error', () => res.destroy()).pipe(res);
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: BUILTIN_LIST, source: JSON.stringify(builtinList()) });
      for (const rel of walkImages()) this.emitFile({ type: 'asset', fileName: `images/${rel}`, source: readFileSync(join(IMAGES, rel)) });
    },
  };
}

export default defineConfig({
  plugins: [crossOriginIsolation(), imagePolicy(), imageRegistryProxy(), rootImage(), builtinImages(), serviceWorker()],
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  // Module workers, nested too: the kernel worker starts the process workers.
  worker: { format: 'es' },
  // The dev server bundles the dependencies it finds before it serves a page.
  // Its scan follows the pages' imports, not `new Worker(new URL(…))`, so the
  // workers' entries are named here: a dependency found only later, in a worker's
  // import, re-bundles them all, and a worker whose imports are in flight then
  // fails to load (a 504 on a stale dependency).
  optimizeDeps: {
    entries: ['index.html', 'web/*.html', 'kernel/host/browser/*-worker.ts', 'bench/browser/*-worker.ts'],
  },
  build: { outDir: 'dist-web', target: 'es2022', emptyOutDir: true },
});
