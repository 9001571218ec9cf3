// The command lines the WASI conformance suite's runner builds for wasmtime,
// replayed against tabkernel (docs/WASI-CONFORMANCE.md §1): legacy "dirs"
// style (`--dir <json-dir>/fs-tests.dir::fs-tests.dir`, host path possibly
// relative to the runner's cwd) and the newer "root" style (`--dir ROOT::/`),
// with C programs that resolve relative paths through wasi-libc.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prog, root, scratch } from './wasi-cli.js';

const cli = path.join(root, 'bin/tabkernel.js');

/** The fixture tree the suite's C tests expect in fs-tests.dir. */
function fixture(tag: string): { parent: string; dir: string } {
  const parent = scratch(tag);
  const dir = path.join(parent, 'fs-tests.dir');
  fs.mkdirSync(path.join(dir, 'fopendir.dir'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'writeable'));
  fs.writeFileSync(path.join(dir, 'lseek.txt'), '01234567');
  fs.writeFileSync(path.join(dir, 'file'), '');
  fs.writeFileSync(path.join(dir, 'pread.txt'), 'abcd-t-xyz');
  fs.writeFileSync(path.join(dir, 'fopendir.dir', 'file-0'), '');
  fs.writeFileSync(path.join(dir, 'fopendir.dir', 'file-1'), '');
  return { parent, dir };
}

/** argv exactly as adapters/wasmtime.py builds it: env, dirs, module, args. */
function adapterRun(cwd: string, env: Record<string, string>, dirs: string[], wasm: string, args: string[]) {
  const argv = [cli, 'run'];
  for (const [k, v] of Object.entries(env)) argv.push('--env', `${k}=${v}`);
  for (const d of dirs) argv.push('--dir', d);
  argv.push(wasm, ...args);
  return spawnSync(process.execPath, argv, { cwd, input: '', timeout: 20_000, encoding: 'utf8' });
}

describe('conformance runner invocations', () => {
  it('legacy dirs style: relative host path, guest name fs-tests.dir, paths through wasi-libc', () => {
    const { parent } = fixture('adapter-legacy');
    const r = adapterRun(parent, {}, ['fs-tests.dir::fs-tests.dir'], prog('libc_paths'), ['fs-tests.dir/']);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('FAIL'))).toEqual([]);
    expect(r.status).toBe(0);
  });

  it('root style: the fixture mounted as "/", plain relative paths', () => {
    const { dir } = fixture('adapter-root');
    const r = adapterRun(root, {}, [`${dir}::/`], prog('libc_paths'), ['']);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('FAIL'))).toEqual([]);
    expect(r.status).toBe(0);
  });

  it('legacy style with the Rust tests\' argument: the preopen is found by name', () => {
    const { parent } = fixture('adapter-rust');
    const r = adapterRun(parent, { ERRNO_MODE_UNIX: '1' }, ['fs-tests.dir::fs-tests.dir'], prog('suite_flows'), ['fs-tests.dir']);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('FAIL'))).toEqual([]);
    expect(r.status).toBe(0);
  });

  it('leaves the fixture as the suite ships it once *.cleanup entries are removed', () => {
    const { dir } = fixture('adapter-clean');
    adapterRun(root, {}, [`${dir}::/`], prog('libc_paths'), ['']);
    expect(fs.readdirSync(path.join(dir, 'writeable'))).toEqual([]);
    expect(fs.readFileSync(path.join(dir, 'lseek.txt'), 'utf8')).toBe('01234567');
  });
});
