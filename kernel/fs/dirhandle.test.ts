import { describe, expect, it } from 'vitest';
import { Errno, err, isErr } from '../abi/errno.js';
import { Whence } from '../abi/wasi.js';
import { DirHandle } from './dirhandle.js';
import type { DirEntry, OpenFile } from './file.js';
import { MemDir, MemFs } from './memfs.js';

/** A memfs directory of n files that counts how often it is listed. */
function counted(n: number): { dir: MemDir; lists: () => number } {
  const dir = new MemFs().root;
  for (let i = 0; i < n; i++) dir.createFile(`f${i}`);
  let calls = 0;
  const list = dir.list.bind(dir);
  dir.list = () => {
    calls++;
    return list();
  };
  return { dir, lists: () => calls };
}

/** Page through a handle 10 entries at a time, as fd_readdir does with a small buffer. */
function readAll(h: DirHandle): string[] {
  const names: string[] = [];
  for (let cookie = 0n; ; ) {
    const page = h.readdir(cookie);
    if (isErr(page)) throw new Error(`readdir: ${page.errno}`);
    if (page.length === 0) return names;
    const some = page.slice(0, 10) as DirEntry[];
    names.push(...some.map((e) => e.name));
    cookie += BigInt(some.length);
  }
}

describe('directory handles', () => {
  it('lists the directory once however many calls page through it', () => {
    const { dir, lists } = counted(1000);
    const h = new DirHandle(dir, dir);
    const names = readAll(h);
    expect(names.length).toBe(1002);
    expect(names.slice(0, 2)).toEqual(['.', '..']);
    expect(lists()).toBe(1);
  });

  it('shows entries made since the last rewind only after the next one (cookie 0)', () => {
    const { dir } = counted(3);
    const h = new DirHandle(dir, dir);
    expect(readAll(h).length).toBe(5);
    dir.createFile('late');
    expect(h.readdir(4n)).toHaveLength(1); // still the old listing
    expect(readAll(h)).toContain('late');
  });

  it('answers an empty page past the end', () => {
    const { dir } = counted(2);
    const h = new DirHandle(dir, dir);
    expect(h.readdir(100n)).toEqual([]);
  });

  it('answers the byte and offset calls with the errnos wasmtime gives for a directory fd', () => {
    const dir = new MemFs().root;
    const h: OpenFile = new DirHandle(dir, dir); // as the handlers see it
    expect(h.read(10)).toEqual(err(Errno.ISDIR));
    expect(h.pread(10, 0n)).toEqual(err(Errno.ISDIR));
    expect(h.write(new Uint8Array(1))).toEqual(err(Errno.BADF));
    expect(h.seek(0n, Whence.CUR)).toEqual(err(Errno.BADF));
    expect(h.seek(0n, 99)).toEqual(err(Errno.BADF)); // refused before its whence is looked at
    expect(h.setSize(0n)).toBe(Errno.BADF);
    expect(h.allocate(0n, 1n)).toBe(Errno.BADF);
    expect(h.advise()).toBe(Errno.BADF);
  });
});
