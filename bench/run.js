// `npm run bench` entry: bundles the TypeScript suite (bench/node/*.ts, with
// the kernel it measures) with esbuild into node_modules/.cache, makes sure the
// process worker (dist/) is built, then runs it. Usage:
//   node bench/run.js [--quick] [--json FILE] [--only PREFIX,…]
import { buildSync } from 'esbuild';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, stale } from '../scripts/build.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'node_modules/.cache/tabkernel-bench');
if (stale()) build();
buildSync({
  entryPoints: { main: path.join(root, 'bench/node/main.ts'), 'floor-worker': path.join(root, 'bench/node/floor-worker.ts') },
  outdir: out, bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning',
  // import.meta.dirname of the bundle must still find the checkout: pin it.
  define: { 'import.meta.dirname': JSON.stringify(path.join(root, 'bench/node')) },
  external: ['tinybench'],
});
const { main } = await import(pathToFileURL(path.join(out, 'main.js')).href);
const status = await main(process.argv.slice(2), pathToFileURL(path.join(out, 'floor-worker.js')));
process.exit(status);
