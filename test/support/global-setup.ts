// Build the Node bundles (dist/) once before any test: tests start real
// process workers from dist/process-worker.js and run bin/tabkernel.js; and
// the toolchain image's clang layer, which git does not hold.
// Every scratch directory a test makes (os.tmpdir()) goes into one directory
// for the run, removed at the end, so runs leave nothing in the host's /tmp.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from '../../scripts/build.js';
import { ensureClangLayer } from '../../scripts/clang-layer.js';

export default function setup(): () => void {
  build();
  ensureClangLayer();   // the toolchain image's C compiler layer (not in git)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tabkernel-tests-'));
  process.env.TMPDIR = dir;
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
