// WASI path operations through the CLI on a host directory (--dir):
// open/create/trunc, mkdir/rmdir/unlink, rename, link, symlink, readdir and
// file times. Expectations: docs/WASI-CONFORMANCE.md §2.3-2.7.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectAllOk, passed, prog, run, scratch } from './wasi-cli.js';

describe('path operations (path_ops)', () => {
  it('gives wasmtime\'s errno for every path edge case', () => {
    const dir = scratch('path');
    expectAllOk(run(prog('path_ops'), ['scratch'], { dirs: [`${dir}::scratch`] }), 100);
  });

  it('fails absolute paths and ".." escapes (from the preopen or any dir fd) with EPERM', () => {
    const dir = scratch('path-escape');
    const r = run(prog('path_ops'), ['scratch'], { dirs: [`${dir}::scratch`] });
    for (const name of ['open.absolute', 'open.dotdot-escape', 'open.dotdot-only', 'rename.escape', 'open.escape-through-link',
      'dirfd.dotdot-sibling', 'dirfd.dotdot', 'dirfd.dotdot-stat', 'dirfd.dotdot-mkdir', 'dirfd.dotdot-unlink', 'dirfd.follow-up']) {
      expect(passed(r), name).toContain(name);
    }
  });

  it('leaves the expected entries on the host, with real symlinks and hard links', () => {
    const dir = scratch('path-host');
    run(prog('path_ops'), ['scratch'], { dirs: [`${dir}::scratch`] });
    expect(fs.readlinkSync(path.join(dir, 'sym'))).toBe('target');
    expect(fs.readlinkSync(path.join(dir, 'loop'))).toBe('loop');
    expect(fs.lstatSync(path.join(dir, 'lsrc')).nlink).toBe(1);
    expect(fs.existsSync(path.join(dir, 'dst', 'moved'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'abs'))).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'd', 'nested', 'file'), 'utf8')).toBe('contents');
  });

  it('never touches anything outside the preopened directory', () => {
    const parent = scratch('path-jail');
    const dir = path.join(parent, 'inner');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(parent, 'x'), 'outside');
    run(prog('path_ops'), ['scratch'], { dirs: [`${dir}::scratch`] });
    expect(fs.readdirSync(parent).sort()).toEqual(['inner', 'x']);
    expect(fs.readFileSync(path.join(parent, 'x'), 'utf8')).toBe('outside');
  });
});

describe('fd_readdir (readdir)', () => {
  it('lists "." and "..", resumes from any cookie and pages through 300 entries', () => {
    const dir = scratch('readdir');
    expectAllOk(run(prog('readdir'), ['scratch'], { dirs: [`${dir}::scratch`] }), 25);
  });

  it('sees entries created on the host', () => {
    const dir = scratch('readdir-host');
    const r = run(prog('readdir'), ['scratch'], { dirs: [`${dir}::scratch`] });
    expect(passed(r)).toContain('paging.none-missing');
    expect(fs.readdirSync(path.join(dir, 'rd')).length).toBe(303);
  });
});

describe('file status and times (filestat)', () => {
  it('keeps nanosecond timestamps, changes only flagged times, and rejects X|X_NOW', () => {
    const dir = scratch('filestat');
    expectAllOk(run(prog('filestat'), ['scratch'], { dirs: [`${dir}::scratch`] }), 40);
  });

  it('sets the times of a symlink itself unless asked to follow it', () => {
    const dir = scratch('filestat-link');
    const r = run(prog('filestat'), ['scratch'], { dirs: [`${dir}::scratch`] });
    for (const name of ['symlink.own-mtim', 'symlink.target-untouched', 'symlink.follow-sets-target']) {
      expect(passed(r), name).toContain(name);
    }
    expect(fs.lstatSync(path.join(dir, 'glink')).isSymbolicLink()).toBe(true);
  });
});

describe('timestamps on host files', () => {
  // Within one run times are exact to the nanosecond (hostfs remembers them);
  // on disk Node can only store what a double of seconds holds (docs/SYSCALLS.md).
  it('keeps an mtim set in one run for the next run, to the microsecond', () => {
    const dir = scratch('filestat-persist');
    expectAllOk(run(prog('filestat'), ['scratch'], { dirs: [`${dir}::scratch`] }), 40);
    const r = run(prog('filestat'), ['scratch', '--mtim', 'g'], { dirs: [`${dir}::scratch`] });
    const mtim = BigInt(r.stdout.trim().replace('mtim=', ''));
    const want = 1500000000000000008n;
    expect(mtim > want - 1000n && mtim < want + 1000n).toBe(true);
  });
});
