// Bundle the Node entry points (CLI, kernel worker, process worker) into dist/.
// Run by `npm ci` (prepare), by `npm test`, and by bin/tabkernel.js when stale.
import { buildSync } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist');

export function build() {
  buildSync({
    entryPoints: {
      cli: path.join(root, 'kernel/host/node/cli.ts'),
      'kernel-worker': path.join(root, 'kernel/host/node/kernel-worker.ts'),
      'process-worker': path.join(root, 'kernel/host/node/process-worker.ts'),
    },
    outdir: out,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  fs.writeFileSync(path.join(out, '.stamp'), String(Date.now()));
}

/** True when a kernel source is newer than the last build. */
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

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) build();
