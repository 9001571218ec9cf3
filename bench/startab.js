// Start-up of two builds of the CLI side by side: `node bench/startab.js
// OTHER_CHECKOUT [ROUNDS]` runs a one-call program (one fd_write of "hi\n",
// as start.run's) under OTHER_CHECKOUT/bin/tabkernel.js, this checkout's
// bin/tabkernel.js and node:wasi, one of each per round, each a new Node
// process timed from spawn to exit, and prints the medians and their ratios
// to node:wasi. Beside them, the floor of any CLI that runs its process in a
// worker thread: a Node process that starts one worker, which posts one
// message, and then exits. Both checkouts must be built (`npm run build:node`).
// Rounds alternate, so a change in the machine's load hits all three alike.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [other, rounds = '15'] = process.argv.slice(2);
if (!other) {
  console.error('usage: node bench/startab.js OTHER_CHECKOUT [ROUNDS]');
  process.exit(2);
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-startab-'));
// (module (import "wasi_snapshot_preview1" "fd_write" …) (memory 1) (data (i32.const 16) "hi\n")
//  (func (export "_start") iovec {16, 3} at 0; fd_write(1, 0, 1, 8); drop))
const hello = path.join(dir, 'hello.wasm');
fs.writeFileSync(hello, Buffer.from('AGFzbQEAAAABDAJgBH9/f38Bf2AAAAIjARZ3YXNpX3NuYXBzaG90X3ByZXZpZXcxCGZkX3dyaXRlAAADAgEBBQMBAAEHEwIGbWVtb3J5AgAGX3N0YXJ0AAEKHQEbAEEAQRA2AgBBBEEDNgIAQQFBAEEBQQgQABoLCwkBAEEQCwNoaQo=', 'base64'));
const script = path.join(dir, 'node-wasi.mjs');
fs.writeFileSync(script, `import { WASI } from 'node:wasi';
import fs from 'node:fs';
const [file, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env: {}, returnOnExit: true });
const module = await WebAssembly.compile(fs.readFileSync(file));
process.exitCode = wasi.start(await WebAssembly.instantiate(module, wasi.getImportObject()));
`);
// The floor of any design that runs a process in a worker thread: Node
// starting one worker that posts one message, after which the process exits.
const oneWorker = path.join(dir, 'one-worker.cjs');
fs.writeFileSync(oneWorker, `const { Worker } = require('node:worker_threads');
new Worker('require("node:worker_threads").parentPort.postMessage(0)', { eval: true }).on('message', () => process.exit(0));
process.stdout.write('hi\\n');
`);
const subjects = {
  [path.basename(path.resolve(other))]: [path.join(path.resolve(other), 'bin/tabkernel.js'), 'run', hello],
  'this checkout': [path.join(here, 'bin/tabkernel.js'), 'run', hello],
  'node:wasi': ['--no-warnings', script, hello],
  'one empty worker': [oneWorker],
};
const times = Object.fromEntries(Object.keys(subjects).map((k) => [k, []]));
// One round more than counted: the first writes the code caches.
for (let i = 0; i <= Number(rounds); i++) {
  for (const [name, args] of Object.entries(subjects)) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
    const ms = performance.now() - t0;
    if (r.status !== 0 || r.stdout !== 'hi\n') throw new Error(`${name}: status ${r.status}, printed ${JSON.stringify(r.stdout)}: ${r.stderr}`);
    if (i > 0) times[name].push(ms);
  }
}
fs.rmSync(dir, { recursive: true, force: true });
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const ref = median(times['node:wasi']);
console.log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, ${rounds} rounds`);
for (const [name, t] of Object.entries(times)) console.log(`${name.padEnd(16)} ${median(t).toFixed(1).padStart(7)} ms  ${(median(t) / ref).toFixed(2)}×`);
