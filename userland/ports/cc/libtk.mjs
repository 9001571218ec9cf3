// The libc extension (userland/libc) built for the toolchain image's own
// compiler: `cc -ltk` links programs against the image's sysroot (npm's
// @yowasp/clang, a 2025 wasi-libc), which differs from Debian's wasi-libc
// that userland/build.sh builds libtk.a against (names, clock ids), so the
// image gets a libtk.a of its own, compiled by that very clang. It runs here
// under node:wasi, the module compiled once and instantiated per file.
// Flags as userland/build.sh's for the libc (CFLAGS, LIBC_INC), paths fixed
// (/src, /out), so the objects are the same bytes on every machine.
// setjmp.c is built for the invoke lowering of setjmp (-enable-emscripten-sjlj),
// the one cc gives -ltk programs (they may fork, and asyncify cannot transform
// exception handling); a program without -ltk gets the sysroot's libsetjmp.a.
//
// Usage: node userland/ports/cc/libtk.mjs OUT    → OUT/libtk.a, OUT/cwd.o
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WASI } from 'node:wasi';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const gen = path.join(root, 'node_modules/@yowasp/clang/gen');
const out = path.resolve(process.argv[2] ?? '');
if (!process.argv[2]) {
  console.error('usage: node userland/ports/cc/libtk.mjs OUT');
  process.exit(2);
}
fs.mkdirSync(out, { recursive: true });

// The package's sysroot and resource dir, which this clang finds at /usr.
const usr = fs.mkdtempSync(path.join(os.tmpdir(), 'tabkernel-libtk-'));
execFileSync('tar', ['-xf', path.join(gen, 'llvm-resources.tar'), '-C', usr]);
const module = await WebAssembly.compile(fs.readFileSync(path.join(gen, 'llvm.core.wasm')));

/** Run the module as argv[0] with `args`; throws on a non-zero status. */
async function tool(args) {
  const wasi = new WASI({
    version: 'preview1', args, env: {}, returnOnExit: true,
    preopens: { '/usr': usr, '/src': path.join(root, 'userland/libc'), '/out': out },
  });
  const status = wasi.start(await WebAssembly.instantiate(module, wasi.getImportObject()));
  if (status !== 0) throw new Error(`${args.join(' ')}: exit ${status}`);
}

const CFLAGS = ['-O2', '-std=gnu11', '-fno-ident', '-Wall', '-Wextra', '-Werror', '-Wno-unused-parameter', '-I/src/include', '-mmutable-globals'];
const SJLJ = ['-mllvm', '-enable-emscripten-sjlj'];
const sources = fs.readdirSync(path.join(root, 'userland/libc')).filter((f) => f.endsWith('.c')).sort();
try {
  for (const src of sources) {
    const flags = src === 'setjmp.c' ? [...CFLAGS, ...SJLJ] : CFLAGS;
    await tool(['clang', ...flags, '-c', `/src/${src}`, '-o', `/out/${src.replace(/\.c$/, '.o')}`]);
  }
  // cwd.o is linked into every program on its own (its constructor); the rest is the archive.
  const members = sources.filter((s) => s !== 'cwd.c').map((s) => `/out/${s.replace(/\.c$/, '.o')}`);
  fs.rmSync(path.join(out, 'libtk.a'), { force: true });
  await tool(['llvm-ar', 'rcsD', '/out/libtk.a', ...members]);
  for (const s of sources) if (s !== 'cwd.c') fs.rmSync(path.join(out, s.replace(/\.c$/, '.o')));
} finally {
  fs.rmSync(usr, { recursive: true, force: true });
}
