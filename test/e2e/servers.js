// The servers the cases load the page from: the Vite build (dist-web/) served by
// `vite preview` (cross-origin isolated by vite.config.ts), the dev server of
// `npm start`, and, for the negative case, a bare static server that sends no
// isolation headers. Started once for every browser. Cases that need an origin
// of their own (a service worker of their own, a server they can stop) start
// another `vite preview` of the same build (startPreview, ctx.startPreview).
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { build, createServer as createViteServer, preview } from 'vite';

/** A static server for `outDir` that sends no isolation headers. */
function startPlainServer(outDir) {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = join(outDir, path === sep ? 'index.html' : path);
    if (!file.startsWith(outDir + sep)) return void res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

/** `vite preview` of the build in `outDir` on a free loopback port: `{ url, close() }`. */
export async function startPreview(root, outDir) {
  const server = await preview({
    root,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, strictPort: true, open: false },
  });
  return { url: `http://127.0.0.1:${server.httpServer.address().port}/`, close: () => server.close() };
}

/**
 * Build the page into `outDir` and start the three servers on free loopback
 * ports: `{ isolatedUrl, devUrl, plainUrl, close() }`.
 */
export async function startServers(root, outDir) {
  await build({ root, logLevel: 'warn', build: { outDir } });
  const previewServer = await startPreview(root, outDir);
  const devServer = await createViteServer({
    root,
    logLevel: 'warn',
    server: { host: '127.0.0.1', port: 0, strictPort: true, hmr: false },
  });
  await devServer.listen();
  const plainServer = await startPlainServer(outDir);
  return {
    isolatedUrl: previewServer.url,
    devUrl: `http://127.0.0.1:${devServer.httpServer.address().port}/`,
    plainUrl: `http://127.0.0.1:${plainServer.address().port}/`,
    async close() {
      await previewServer.close();
      await devServer.close();
      await new Promise((ok) => plainServer.close(ok));
    },
  };
}
