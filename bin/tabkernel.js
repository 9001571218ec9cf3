#!/usr/bin/env node
// The tabkernel command: loads the built bundle (dist/cli.js) and nothing else.
// `npm ci` builds dist/ (the prepare script); after changing the sources,
// `npm run build:node` rebuilds it. CommonJS (bin/package.json): Node sets up
// no ES module loader for it.
'use strict';

const argv = process.argv.slice(2);

// A run's first process needs a worker, whose boot (~25 ms of Node's) is the
// longest step of a start: it is started before anything else is loaded, and
// handed to the CLI (kernel/host/node/cli.ts). Every other command has none,
// and neither may a .wasm file: a plain WASI program runs in this thread
// (cli.ts reads its imports first: kernel/host/node/inline.ts).
let worker;
if (argv[0] !== 'image' && argv.length > 0 && !/^-(h|V|-help|-version)$/.test(argv[0]) && !argv.some((a) => a.endsWith('.wasm'))) {
  const { Worker } = require('node:worker_threads');
  worker = new Worker(require('node:path').join(__dirname, '../dist/process-worker.js'));
  worker.on('error', () => {}); // no dist/: reported below
}

let cli;
try {
  cli = require('../dist/cli.js');
} catch (e) {
  if (e.code !== 'MODULE_NOT_FOUND' || !String(e.message).includes('dist/cli.js')) throw e;
  process.stderr.write('tabkernel: the CLI is not built (no dist/cli.js): run `npm run build:node` in the checkout (npm ci does it)\n');
  process.exit(1);
}
cli.main(argv, worker);
