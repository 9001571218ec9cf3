// WASI fd operations and the fd table, through the CLI: read/write/seek,
// pread/pwrite, append, rights, preopens, renumber, close.
// Expectations: docs/WASI-CONFORMANCE.md §2.1-2.2, 2.5, 2.7.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectAllOk, passed, prog, run, scratch } from './wasi-cli.js';

describe('fd operations on regular files (fd_basic)', () => {
  it('reads, writes, seeks, preads and pwrites; honours append, nonblock and rights', () => {
    const dir = scratch('fd');
    const r = run(prog('fd_basic'), ['scratch'], { dirs: [`${dir}::scratch`] });
    expectAllOk(r, 80);
  });

  it('writes through to the host directory', () => {
    const dir = scratch('fd-host');
    run(prog('fd_basic'), ['scratch'], { dirs: [`${dir}::scratch`] });
    expect(fs.readFileSync(path.join(dir, 'rw.txt')).subarray(0, 6).toString()).toBe('abcdef');
    expect(fs.statSync(path.join(dir, 'rw.txt')).size).toBe(101);
    expect(fs.statSync(path.join(dir, 'size.txt')).size).toBe(3);
  });

  it('refuses seek, tell, read and write on a directory fd with EBADF', () => {
    const dir = scratch('fd-dir');
    const r = run(prog('fd_basic'), ['scratch'], { dirs: [`${dir}::scratch`] });
    for (const name of ['dir.seek', 'dir.tell', 'dir.read', 'dir.write', 'dir.no-seek-right']) {
      expect(passed(r), name).toContain(name);
    }
  });
});

describe('the fd table (fd_table)', () => {
  it('numbers preopens from 3 in --dir order and reports their names and rights', () => {
    const a = scratch('tab-a');
    const b = scratch('tab-b');
    const r = run(prog('fd_table'), ['scratch', 'other.dir'], { dirs: [`${a}::scratch`, `${b}::other.dir`] });
    expectAllOk(r, 40);
  });

  it('treats --dir HOST as HOST::HOST', () => {
    const a = scratch('tab-same');
    const r = run(prog('fd_table'), [a], { dirs: [a] });
    expectAllOk(r, 30);
  });

  it('accepts a preopen named "/" (the conformance runner\'s root style)', () => {
    const a = scratch('tab-root');
    const r = run(prog('fd_table'), ['/'], { dirs: [`${a}::/`] });
    expectAllOk(r, 30);
  });

  it('runs fd_basic in a directory preopened as "/"', () => {
    const a = scratch('fd-root');
    const r = run(prog('fd_basic'), ['/'], { dirs: [`${a}::/`] });
    expectAllOk(r, 80);
  });

  it('renumbering stdio onto a file closes the stdio fd', () => {
    const a = scratch('tab-stdio');
    const r = run(prog('fd_table'), ['scratch'], { dirs: [`${a}::scratch`] });
    for (const name of ['renumber.stdin-closed', 'renumber.stderr-closed', 'renumber.to-closed-fd', 'close.preopen-gone']) {
      expect(passed(r), name).toContain(name);
    }
  });
});

describe('bad --dir arguments', () => {
  it('refuses a host directory that does not exist, before running anything', () => {
    const r = run(prog('proc'), ['exit', '0'], { dirs: ['/nonexistent/tabkernel-dir::x'] });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('/nonexistent/tabkernel-dir');
  });

  it('refuses a host path that is a file', () => {
    const dir = scratch('dir-file');
    const file = path.join(dir, 'plain');
    fs.writeFileSync(file, '');
    const r = run(prog('proc'), ['exit', '0'], { dirs: [`${file}::x`] });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe('');
  });
});
