// The page app (index.html + web/) and the browser host's workers, built by Vite.
// SharedArrayBuffer needs a cross-origin-isolated page, so every response — dev
// server and `vite preview` alike, workers and wasm included — carries
// COOP same-origin + COEP require-corp. The Node build (dist/) is scripts/build.js;
// the page builds to dist-web/.
import { defineConfig, type Plugin, type PreviewServer, type ViteDevServer } from 'vite';

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

export default defineConfig({
  plugins: [crossOriginIsolation()],
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  // Module workers, nested too: the kernel worker starts the process workers.
  worker: { format: 'es' },
  build: { outDir: 'dist-web', target: 'es2022', emptyOutDir: true },
});
