// Bundle the Node entry points into dist/: the CLI in two parts — cli.js
// (the arguments; it starts the first process worker) and runner.js (the
// kernel, the host, the images; cli.js loads it while that worker boots) —
// and the process worker (process-worker.js, which compiles its body,
// process-main.js, from a code cache as cli.js compiles runner.js). Run by `npm ci` (prepare), `npm run build:node`,
// `npm test` and the test setup; bin/tabkernel.js only loads the result.
// The bundles are CommonJS (dist/package.json says so): Node boots a worker
// whose entry is CommonJS 10–20 ms sooner than one whose entry is an ES
// module (no ES module loader to set up), and the CLI loads its bundle with
// require, without the CommonJS export scan an ES import of it would do.
import { buildSync } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureClangLayer } from './clang-layer.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist');

export function build() {
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'package.json'), '{ "type": "commonjs" }\n');
  buildSync({
    entryPoints: {
      cli: path.join(root, 'kernel/host/node/cli.ts'),
      runner: path.join(root, 'kernel/host/node/runner.ts'),
      'process-worker': path.join(root, 'kernel/host/node/process-worker.ts'),
      'process-main': path.join(root, 'kernel/host/node/process-main.ts'),
      'asyncify-worker': path.join(root, 'kernel/host/node/asyncify-worker.ts'),
    },
    outdir: out,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    // cli.js loads runner.js at run time rather than containing it (see above).
    // The decompressors are imported where first used (pulls, builds): left out
    // of the bundles (~90 KB), required then. Dynamic imports become requires,
    // so that cli.js can compile runner.js with a code cache (vm.Script).
    // Binaryen (15 MB, an ES module with top-level await, which no require can
    // load) is imported natively by asyncify-worker.js, by a path resolved at
    // run time; listed so that no bundle ever holds it.
    external: ['./runner.js', 'fflate', 'fzstd', 'binaryen'],
    supported: { 'dynamic-import': false },
    // CommonJS has no import.meta: the sources' import.meta.url is the bundle's own URL.
    define: { 'import.meta.url': '__bundle_url' },
    banner: { js: 'const __bundle_url = require("node:url").pathToFileURL(__filename).href;' },
  });
  // ASCII only, so that the CLI decodes runner.js as Latin-1 (codecache.ts):
  // esbuild escapes what lies outside ASCII in strings, regular expressions and
  // names, but keeps the doc comments as written. There a character outside
  // printable ASCII, tabs and line ends becomes one '?' per UTF-16 unit,
  // which keeps every column the source map names.
  for (const name of ['cli.js', 'runner.js', 'process-worker.js', 'process-main.js', 'asyncify-worker.js']) {
    const file = path.join(out, name);
    const text = fs.readFileSync(file, 'utf8');
    const ascii = text.replace(/[^\t\n\r -~]/g, '?');
    if (ascii !== text) fs.writeFileSync(file, ascii);
  }
  // A kernel worker bundle of an older build would only mislead; a code cache is for the last build's bundles only.
  for (const old of ['kernel-worker.js', 'kernel-worker.js.map', 'runner.js.v8cache', 'process-main.js.v8cache']) fs.rmSync(path.join(out, old), { force: true });
  fs.writeFileSync(path.join(out, '.stamp'), String(Date.now()));
}

/** True when a kernel source is newer than the last build (bench/run.js rebuilds then). */
export function stale() {
  let built;
  try {
    built = fs.statSync(path.join(out, '.stamp')).mtimeMs;
  } catch {
    return true;
  }
  const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true }).some((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return walk(p);
    return e.name.endsWith('.ts') && fs.statSync(p).mtimeMs > built;
  });
  return walk(path.join(root, 'kernel'));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  build();
  // The toolchain image's C compiler layer, which git does not hold (scripts/clang-layer.js):
  // without it only that image is unusable, so the build goes on and says why.
  try {
    ensureClangLayer();
  } catch (e) {
    console.error(`build: the toolchain image has no C compiler layer: ${e instanceof Error ? e.message : String(e)}`);
  }
}
