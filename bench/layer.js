// `node bench/layer.js [MiB]`: image layer reading throughput (bench/image/layer.ts),
// bundled with esbuild like bench/run.js. Default: a 50 MiB layer.
import { buildSync } from 'esbuild';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'node_modules/.cache/tabkernel-bench/layer.js');
buildSync({
  entryPoints: [path.join(root, 'bench/image/layer.ts')],
  outfile: out, bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning',
});
const { main } = await import(pathToFileURL(out).href);
await main(root, Number(process.argv[2] ?? 50));
