// `node bench/asyncify.js FILE.wasm…`: the one-time cost of the loader's
// asyncify (kernel/proc/asyncify.ts) on programs that fork — loading Binaryen,
// then the pass on each file (twice: the first in a fresh Binaryen, as the
// kernel meets it) — bundled with esbuild like bench/layer.js. The files:
// e.g. programs built in the toolchain image with `cc -ltk` (docs/PORTS.md).
import { buildSync } from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tk-bench-asyncify-')), 'asyncify.js');
buildSync({
  entryPoints: [path.join(root, 'kernel/proc/asyncify.ts')],
  outfile: out, bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning',
});
const { asyncifyWith, forkPlan } = await import(pathToFileURL(out).href);
fs.rmSync(path.dirname(out), { recursive: true });

const ms = (t) => `${(performance.now() - t).toFixed(0)} ms`;
let t = performance.now();
const { default: binaryen } = await import('binaryen');
console.log(`load binaryen: ${ms(t)}`);
for (const file of process.argv.slice(2)) {
  const bytes = fs.readFileSync(file);
  const plan = forkPlan(bytes);
  if (plan !== 'asyncify') {
    console.log(`${file}: ${bytes.length} bytes: not asyncified (${typeof plan === 'string' ? plan : plan.cannot})`);
    continue;
  }
  const runs = [];
  let result;
  for (let i = 0; i < 2; i++) {
    t = performance.now();
    result = asyncifyWith(binaryen, bytes);
    runs.push(ms(t));
  }
  console.log(`${file}: ${bytes.length} → ${result.length} bytes: ${runs.join(', ')}`);
}
