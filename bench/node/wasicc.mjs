// `cc` for bench's toolchain.cc case under node:wasi: one Node process per
// tool, as a user of node:wasi would run npm's @yowasp/clang — read, compile
// (75 MB, every time: nothing is shared between processes) and start the
// module. `-c` runs it as clang; a link runs it as wasm-ld with what cc in
// the toolchain image adds (userland/ports/cc/cc.c): crt1-command.o, -lc,
// compiler-rt. WASICC_MODULE is the module, WASICC_USR the package's
// llvm-resources.tar unpacked (the sysroot and resource dir, /usr to clang).
import fs from 'node:fs';
import os from 'node:os';
import { WASI } from 'node:wasi';

const args = process.argv.slice(2);
let argv = ['clang', ...args];
if (!args.includes('-c')) {
  const out = args[args.indexOf('-o') + 1];
  const inputs = args.filter((a, i) => a !== '-o' && args[i - 1] !== '-o' && !a.startsWith('-O') && !a.startsWith('-W'));
  argv = ['wasm-ld', '-m', 'wasm32', '-L/usr/lib/wasm32-unknown-wasip1', '-L/usr/lib/wasm32-wasip1', '/usr/lib/wasm32-wasip1/crt1-command.o',
    ...inputs, '-lc', '/usr/lib/wasm32-unknown-wasip1/libclang_rt.builtins.a', '-o', out];
}
const wasi = new WASI({
  version: 'preview1', args: argv, env: {}, returnOnExit: true,
  preopens: { '/usr': process.env.WASICC_USR, '/tmp': os.tmpdir(), '.': process.cwd() },
});
const module = await WebAssembly.compile(fs.readFileSync(process.env.WASICC_MODULE));
process.exitCode = wasi.start(await WebAssembly.instantiate(module, wasi.getImportObject()));
