// Write userland/libc/include/tabkernel_abi.h from kernel/abi/tabkernel.ts
// (abi/cheader.ts renders it). Run after changing an ABI constant or struct;
// kernel/abi/cheader.test.ts fails while the committed header is stale.
import { buildSync } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { outputFiles } = buildSync({
  entryPoints: [path.join(root, 'kernel/abi/cheader.ts')],
  bundle: true, format: 'esm', platform: 'neutral', write: false, logLevel: 'warning',
});
const mod = await import('data:text/javascript;base64,' + Buffer.from(outputFiles[0].text).toString('base64'));
const file = path.join(root, mod.ABI_HEADER_PATH);
fs.writeFileSync(file, mod.abiHeader());
console.log(`wrote ${path.relative(root, file)}`);
