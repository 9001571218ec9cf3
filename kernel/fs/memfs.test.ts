import { describe, expect, it } from 'vitest';
import { Errno, isErr } from '../abi/errno.js';
import { Whence } from '../abi/wasi.js';
import { MemDir, MemFile, MemFs } from './memfs.js';
import type { RegularFileHandle } from './regular.js';

function fresh(): MemDir {
  return new MemFs().root;
}

describe('memfs directories', () => {
  it('refuses to create a name twice with EXIST', () => {
    const d = fresh();
    expect(d.mkdir('x')).toBe(Errno.SUCCESS);
    expect(d.mkdir('x')).toBe(Errno.EXIST);
    expect(isErr(d.createFile('x'))).toBe(true);
  });

  it('removes only empty directories (NOTEMPTY) and only with rmdir (ISDIR from unlink)', () => {
    const d = fresh();
    d.mkdir('x');
    (d.lookup('x') as MemDir).createFile('f');
    expect(d.rmdir('x')).toBe(Errno.NOTEMPTY);
    expect(d.unlink('x')).toBe(Errno.ISDIR);
    expect((d.lookup('x') as MemDir).unlink('f')).toBe(Errno.SUCCESS);
    expect(d.rmdir('x')).toBe(Errno.SUCCESS);
  });

  it('counts hard links in nlink', () => {
    const d = fresh();
    const f = d.createFile('f') as MemFile;
    expect(d.link('g', f)).toBe(Errno.SUCCESS);
    expect(f.stat().nlink).toBe(2n);
    d.unlink('f');
    expect(f.stat().nlink).toBe(1n);
  });

  it('renames over an empty directory but not a non-empty one', () => {
    const d = fresh();
    d.mkdir('a');
    d.mkdir('b');
    expect(d.rename('a', d, 'b')).toBe(Errno.SUCCESS);
    d.mkdir('c');
    (d.lookup('b') as MemDir).createFile('f');
    expect(d.rename('c', d, 'b')).toBe(Errno.NOTEMPTY);
  });

  it('refuses to move a directory into itself with EINVAL', () => {
    const d = fresh();
    d.mkdir('a');
    const a = d.lookup('a') as MemDir;
    a.mkdir('b');
    expect(d.rename('a', a.lookup('b') as MemDir, 'a')).toBe(Errno.INVAL);
  });

  it('refuses a file over a directory (ISDIR) and a directory over a file (NOTDIR)', () => {
    const d = fresh();
    d.mkdir('dir');
    d.createFile('file');
    expect(d.rename('file', d, 'dir')).toBe(Errno.ISDIR);
    expect(d.rename('dir', d, 'file')).toBe(Errno.NOTDIR);
  });
});

describe('memfs regular files', () => {
  function open(): RegularFileHandle {
    const f = fresh().createFile('f') as MemFile;
    return f.open({ read: true, write: true }) as RegularFileHandle;
  }

  it('zero-fills a gap left by seeking past the end', () => {
    const h = open();
    h.seek(4n, Whence.SET);
    h.write(new Uint8Array([9]));
    expect(Array.from(h.pread(10, 0n) as Uint8Array)).toEqual([0, 0, 0, 0, 9]);
  });

  it('appends at the end under APPEND whatever the offset', () => {
    const h = open();
    h.write(new Uint8Array([1, 2]));
    h.fdflags = 1;
    h.seek(0n, Whence.SET);
    h.write(new Uint8Array([3]));
    expect(Array.from(h.pread(10, 0n) as Uint8Array)).toEqual([1, 2, 3]);
  });

  it('fails a seek to a negative offset with EINVAL', () => {
    const h = open();
    const r = h.seek(-1n, Whence.CUR);
    expect(isErr(r) && r.errno).toBe(Errno.INVAL);
  });

  it('reads 0 bytes at the end of the file', () => {
    const h = open();
    expect((h.read(10) as Uint8Array).length).toBe(0);
  });

  it('shrinks and grows with setSize, zero-filling the growth', () => {
    const h = open();
    h.write(new Uint8Array([1, 2, 3]));
    h.setSize(1n);
    h.setSize(3n);
    expect(Array.from(h.pread(10, 0n) as Uint8Array)).toEqual([1, 0, 0]);
  });
});
