// Runs a test program under Node's built-in WASI (a rough cross-check only:
// Node's WASI differs from wasmtime in places; wasmtime is the reference).
// Usage: node test/programs/run/node-wasi.mjs FILE.wasm [--dir HOST[::GUEST]]... [--env K=V]... -- ARGS...
import { WASI } from 'node:wasi';
import { readFileSync } from 'node:fs';
const argv = process.argv.slice(2);
const file = argv.shift();
const preopens = {};
const env = {};
let args = [file];
while (argv.length) {
  const a = argv.shift();
  if (a === '--dir') { const [h, g] = argv.shift().split('::'); preopens[g ?? h] = h; }
  else if (a === '--env') { const s = argv.shift(); const i = s.indexOf('='); env[s.slice(0, i)] = s.slice(i + 1); }
  else if (a === '--') { args = args.concat(argv.splice(0)); }
  else args.push(a);
}
const wasi = new WASI({ version: 'preview1', args, env, preopens, returnOnExit: true });
const { instance } = await WebAssembly.instantiate(readFileSync(file), wasi.getImportObject());
process.exitCode = wasi.start(instance);
