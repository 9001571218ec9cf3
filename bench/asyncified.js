// `node bench/asyncified.js [-n RUNS] FILE.wasm`: what keeping the asyncify
// pass's output across runs saves (kernel/proc/asyncified.ts) — the wall
// time of `tabkernel run FILE` with an empty cache directory (the pass runs,
// its output is written) against a run with the entry in place (read and
// verified, no pass), each RUNS times (default 5), alternating; the medians.
// FILE: a program that forks, built without asyncify (the toolchain image's
// `cc -O2 -ltk`, docs/PORTS.md). Needs the CLI built (node scripts/build.js).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const runs = args[0] === '-n' ? Number(args[1]) : 5;
const file = args[0] === '-n' ? args[2] : args[0];
if (!file || !(runs > 0)) {
  console.error('usage: node bench/asyncified.js [-n RUNS] FILE.wasm');
  process.exit(2);
}

/** One `tabkernel run FILE` with TABKERNEL_CACHE=cache: its wall time in ms. */
function timed(cache) {
  const t = performance.now();
  const r = spawnSync(process.execPath, [path.join(root, 'bin/tabkernel.js'), 'run', file], {
    env: { ...process.env, TABKERNEL_CACHE: cache }, encoding: 'utf8',
  });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`tabkernel run ${file}: status ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const warm = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-bench-asyncified-'));
timed(warm);   // the entry the warm runs read
const first = [], later = [];
for (let i = 0; i < runs; i++) {
  const cold = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-bench-asyncified-'));
  first.push(timed(cold));
  fs.rmSync(cold, { recursive: true });
  later.push(timed(warm));
}
fs.rmSync(warm, { recursive: true });
const fmt = (xs) => `median ${median(xs).toFixed(0)} ms (${xs.map((x) => x.toFixed(0)).join(', ')})`;
console.log(`${file}: ${fs.statSync(file).size} bytes`);
console.log(`first run (the pass):   ${fmt(first)}`);
console.log(`later run (kept entry): ${fmt(later)}`);
