#!/usr/bin/env node
// The tabkernel command: loads the built bundle (dist/cli.js) and nothing else.
// `npm ci` builds dist/ (the prepare script); after changing the sources,
// `npm run build:node` rebuilds it. CommonJS (bin/package.json): Node sets up
// no ES module loader for it, and the first process's worker, which cli.js
// starts before anything else, is on its way ~5 ms sooner.
'use strict';

let cli;
try {
  cli = require('../dist/cli.js');
} catch (e) {
  if (e.code !== 'MODULE_NOT_FOUND' || !String(e.message).includes('dist/cli.js')) throw e;
  process.stderr.write('tabkernel: the CLI is not built (no dist/cli.js): run `npm run build:node` in the checkout (npm ci does it)\n');
  process.exit(1);
}
cli.main(process.argv.slice(2));
