import { describe, expect, it } from 'vitest';
import { Errno, isErr } from '../abi/errno.js';
import { Whence } from '../abi/wasi.js';
import { MemoryBudget, Use } from '../mm/budget.js';
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

describe('memfs space (capacity and the memory budget)', () => {
  const open = (f: MemFile): RegularFileHandle => f.open({ read: true, write: true }) as RegularFileHandle;

  it('fails a write that does not fit the capacity with NOSPC, writing nothing of it', () => {
    const fs = new MemFs(64 * 1024);
    const h = open(fs.root.createFile('f') as MemFile);
    expect(h.write(new Uint8Array(60 * 1024))).toBe(60 * 1024);
    const e = h.write(new Uint8Array(8 * 1024));
    expect(isErr(e) && e.errno).toBe(Errno.NOSPC);
    expect(h.node.fileSize()).toBe(60 * 1024);
    // What is left still fits, to the last block.
    expect(h.write(new Uint8Array(4 * 1024))).toBe(4 * 1024);
    expect(fs.free()).toBe(0);
    // Growing by truncation leaves a hole, which takes no space (as on tmpfs); writing into it does.
    expect(h.setSize(1n << 20n)).toBe(Errno.SUCCESS);
    expect(fs.used).toBe(64 * 1024);
    expect(h.pread(4, 500_000n)).toEqual(new Uint8Array(4));
    const e2 = h.pwrite(new Uint8Array([1]), 500_000n);
    expect(isErr(e2) && e2.errno).toBe(Errno.NOSPC);
  });

  it('gives space back when the last link goes, or at the last close of an unlinked file', () => {
    const fs = new MemFs(1 << 20);
    const f = fs.root.createFile('f') as MemFile;
    const h = open(f);
    h.write(new Uint8Array(100_000));
    const used = fs.used;
    expect(used).toBeGreaterThanOrEqual(100_000);
    expect(fs.root.link('g', f)).toBe(Errno.SUCCESS);
    fs.root.unlink('f');
    expect(fs.used).toBe(used);
    fs.root.unlink('g');
    expect(fs.used).toBe(used); // still open
    expect(h.read(10)).toEqual(new Uint8Array(0)); // the offset is at the end; the data is still there
    expect(h.pread(3, 0n)).toEqual(new Uint8Array(3));
    h.release();
    expect(fs.used).toBe(0);
    expect(fs.inodes).toBe(1); // the root
  });

  it('gives space back when a file is truncated well below its size, and on rename over it', () => {
    const fs = new MemFs(1 << 20);
    const h = open(fs.root.createFile('f') as MemFile);
    h.write(new Uint8Array(500_000));
    expect(h.setSize(1000n)).toBe(Errno.SUCCESS);
    expect(fs.used).toBe(4096);
    h.release();
    const g = open(fs.root.createFile('g') as MemFile);
    g.write(new Uint8Array(10_000));
    g.release();
    expect(fs.root.rename('g', fs.root, 'f')).toBe(Errno.SUCCESS);
    expect(fs.used).toBe(12_288);
  });

  it('charges the kernel budget too, and says so in statvfs', () => {
    const budget = new MemoryBudget(256 * 1024);
    const fs = new MemFs();
    fs.useBudget(budget);
    const h = open(fs.root.createFile('f') as MemFile);
    expect(h.write(new Uint8Array(200 * 1024))).toBe(200 * 1024);
    expect(budget.heldFor(Use.FILES)).toBe(fs.used);
    const e = h.write(new Uint8Array(100 * 1024));
    expect(isErr(e) && e.errno).toBe(Errno.NOSPC);
    const st = fs.fsStat();
    expect(st.bsize).toBe(4096);
    expect(st.blocks * 4096).toBe(256 * 1024);
    expect(st.bfree).toBe((256 * 1024 - fs.used) / 4096);
    h.release();
    fs.root.unlink('f');
    expect(budget.used()).toBe(0);
  });
});

describe('memfs file chunks', () => {
  it('reads back writes that cross chunk boundaries, with holes as zeros', () => {
    const fs = new MemFs();
    const h = (fs.root.createFile('f') as MemFile).open({ read: true, write: true }) as RegularFileHandle;
    const data = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7) & 0xff);
    expect(h.pwrite(data, 10_000n)).toBe(200_000);
    expect(h.pread(200_000, 10_000n)).toEqual(data);
    expect(h.pread(10, 0n)).toEqual(new Uint8Array(10));
    expect(h.setSize(1_000_000n)).toBe(Errno.SUCCESS);
    expect(h.pread(8, 600_000n)).toEqual(new Uint8Array(8));
    expect(fs.used).toBe(4 * 64 * 1024); // chunks 0..3; the hole past 210,000 takes nothing
    expect(h.setSize(70_000n)).toBe(Errno.SUCCESS);
    expect(h.pread(10, 69_995n)).toEqual(Uint8Array.from(data.subarray(59_995, 60_000)));
    expect(h.setSize(200_000n)).toBe(Errno.SUCCESS);
    expect(h.pread(10, 70_000n)).toEqual(new Uint8Array(10)); // cut bytes do not come back
  });

  it('reads into a caller\'s buffer (the data window): holes and short chunks as zeros over what was there', () => {
    const fs = new MemFs();
    const h = (fs.root.createFile('f') as MemFile).open({ read: true, write: true }) as RegularFileHandle;
    expect(h.pwrite(Uint8Array.of(1, 2, 3), 70_000n)).toBe(3); // chunk 0 a hole, chunk 1 three bytes long
    expect(h.setSize(140_000n)).toBe(Errno.SUCCESS); // and a hole after them
    const into = new Uint8Array(200_000).fill(0xee);
    const got = h.pread(140_000, 0n, into);
    if (isErr(got)) throw new Error('pread failed');
    expect(got.buffer).toBe(into.buffer);
    expect(got.length).toBe(140_000);
    const want = new Uint8Array(140_000);
    want.set([1, 2, 3], 70_000);
    expect(got).toEqual(want);
    expect(into[140_000]).toBe(0xee); // nothing past what was read
  });

  it('keeps an image file\'s bytes as given and never writes into them', () => {
    const fs = new MemFs();
    const image = Uint8Array.from({ length: 100_000 }, (_, i) => i & 0xff);
    const copy = image.slice();
    const f = new MemFile(fs, image);
    fs.root.add('f', f);
    const h = f.open({ read: true, write: true }) as RegularFileHandle;
    expect(h.pread(100_000, 0n)).toEqual(copy);
    expect(h.pwrite(new Uint8Array([9, 9]), 70_000n)).toBe(2);
    expect(h.setSize(50_000n)).toBe(Errno.SUCCESS);
    expect(image).toEqual(copy);
    expect(h.pread(3, 49_998n)).toEqual(Uint8Array.from(copy.subarray(49_998, 50_000)));
  });

  it('borrows a layer\'s chunks without charging them, and charges only the chunks a write copies', () => {
    const fs = new MemFs();
    const CH = 64 * 1024;
    const chunks = [new Uint8Array(CH).fill(1), new Uint8Array(CH).fill(2), new Uint8Array(100).fill(3)];
    const f = MemFile.borrowing(fs, chunks, 2 * CH + 100);
    fs.root.add('f', f);
    expect(fs.used).toBe(0);
    const h = f.open({ read: true, write: true }) as RegularFileHandle;
    expect(h.pread(2, BigInt(CH - 1))).toEqual(Uint8Array.from([1, 2]));
    expect(h.pwrite(new Uint8Array([9]), BigInt(CH + 5))).toBe(1);
    expect(fs.used).toBe(CH);                  // only chunk 1 was copied
    expect(chunks[1][5]).toBe(2);              // the layer's bytes are untouched
    expect(h.pread(1, BigInt(CH + 5))).toEqual(Uint8Array.from([9]));
    expect(h.setSize(BigInt(CH + 10))).toBe(Errno.SUCCESS);
    expect(fs.used).toBe(CH);                  // the borrowed last chunk went without a refund
    expect(h.setSize(10n)).toBe(Errno.SUCCESS);
    expect(fs.used).toBe(4096);                // chunk 0 cut: a copy of the kept part, charged
    expect(chunks[0][5]).toBe(1);
    expect(h.pread(20, 0n)).toEqual(new Uint8Array(10).fill(1));
    h.release();
    fs.root.unlink('f');
    expect(fs.used).toBe(0);
  });
});
