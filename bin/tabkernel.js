#!/usr/bin/env node
// The tabkernel command: loads the built bundle (dist/cli.js) and nothing else.
// `npm ci` builds dist/ (the prepare script); after changing the sources,
// `npm run build:node` rebuilds it. CommonJS (bin/package.json): Node sets up
// no ES module loader for it.
'use strict';

const argv = process.argv.slice(2);

// A run's first process needs a worker, whose boot (~25 ms of Node's) is the
// longest step of a start: it is started before anything else is loaded, and
// handed to the CLI (kernel/host/node/cli.ts). Every other command has none.
let worker;
if (argv[0] !== 'image' && argv.length > 0 && !/^-(h|V|-help|-version)$/.test(argv[0])) {
  const { Worker } = require('node:worker_threads');
  worker = new Worker(require('node:path').join(__dirname, '../dist/process-worker.js'));
  worker.on('error', () => {}); // no dist/: reported below
}

// V8 compiles a program's functions with Liftoff as they are first called and
// recompiles the hot ones with TurboFan on background threads once a function
// has run through its tiering budget. On two cores that recompiling competes
// with the programs themselves, and it rarely pays within a run: a budget ten
// times V8's default (1,800,000) took the toolchain demo's cold `make -j2`
// from 6.4 s to 5.3 s and its warm rebuild from 1.07 s to 0.88 s, a 1e8-step
// Lua loop from 4.9 s to 3.1 s, and left gzip of 31 MB (2.5 s) and flite as
// they were (docs/BENCHMARKS.md (10d)). Set before any module is compiled,
// after the worker is started (loading node:v8 takes ~3 ms).
require('node:v8').setFlagsFromString('--wasm-tiering-budget=18000000');

let cli;
try {
  cli = require('../dist/cli.js');
} catch (e) {
  if (e.code !== 'MODULE_NOT_FOUND' || !String(e.message).includes('dist/cli.js')) throw e;
  process.stderr.write('tabkernel: the CLI is not built (no dist/cli.js): run `npm run build:node` in the checkout (npm ci does it)\n');
  process.exit(1);
}
cli.main(argv, worker);
