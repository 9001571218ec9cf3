import { describe, expect, it } from 'vitest';
import { isErr } from '../abi/errno.js';
import { D, DESC_ENTRIES, IB, PAGE } from '../ipc/filetable.js';
import { MemoryBudget, Use } from '../mm/budget.js';
import { FileTable } from './filetable.js';
import { MemFile, MemFs } from './memfs.js';
import { RegularFileHandle } from './regular.js';

const enc = new TextEncoder();

function fileIn(fs: MemFs, name: string): MemFile {
  return fs.root.createFile(name) as MemFile;
}
const open = (f: MemFile): RegularFileHandle => f.open({ read: true, write: true }) as RegularFileHandle;

describe('FileTable', () => {
  it('moves a description\'s offset and flags into its entry, and the inode\'s stat into one shared by its descriptions', () => {
    const table = new FileTable();
    const fs = new MemFs();
    const f = fileIn(fs, 'a');
    const h = open(f);
    h.write(enc.encode('hello'));
    h.fdflags = 1;
    const e = table.share(h)!;
    expect(e).not.toBeNull();
    expect(table.views.offset(e.slot)).toBe(5n);
    expect(table.views.get32(e.slot, D.FLAGS)).toBe(1);
    expect(table.views.readField(e.inode, 'size')).toBe(5n);
    // The kernel's changes land in the entries.
    h.write(enc.encode('!'));
    expect(table.views.offset(e.slot)).toBe(6n);
    expect(table.views.readField(e.inode, 'size')).toBe(6n);
    f.setMode(0o600);
    expect(table.views.readMode(e.inode)).toBe(0o600);
    // And the process's: an offset moved in shared memory is the kernel's too.
    table.views.setOffset(e.slot, 2n);
    expect(h.pos).toBe(2n);
    const h2 = open(f);
    const e2 = table.share(h2)!;
    expect(e2.inode).toBe(e.inode);
    expect(e2.slot).not.toBe(e.slot);
    expect(table.share(h)).toBe(e); // once
    expect(table.inUse).toEqual({ descriptions: 2, inodes: 1, idle: 0 });
  });

  it('gives entries back when descriptions are released, the inode\'s with the last, keeping its metadata', () => {
    const table = new FileTable();
    const fs = new MemFs();
    const f = fileIn(fs, 'a');
    const [h, h2] = [open(f), open(f)];
    const e = table.share(h)!;
    table.share(h2);
    h.write(enc.encode('abc'));
    f.setTimes(undefined, 7_000n);
    h.release();
    expect(table.views.get32(e.slot, D.GEN)).toBe(0);
    expect(table.inUse).toEqual({ descriptions: 1, inodes: 1, idle: 0 });
    h2.release();
    // The inode's entry idles (opened again, it is there), keeping what it holds.
    expect(table.inUse).toEqual({ descriptions: 0, inodes: 0, idle: 1 });
    let st = f.stat();
    expect(isErr(st) ? null : [st.size, st.mtim]).toEqual([3n, 7_000n]);
    const again = open(f);
    expect(table.share(again)!.inode).toBe(e.inode);
    expect(table.inUse).toEqual({ descriptions: 1, inodes: 1, idle: 0 });
    again.release();
    // Newer idle inodes push it out: its entry goes, its metadata stays the file's.
    const others = Array.from({ length: 64 }, (_, i) => fileIn(fs, `o${i}`));
    for (const o of others) open(o).release(); // not shared: no entry
    for (const o of others) {
      const h3 = open(o);
      table.share(h3);
      h3.release();
    }
    expect(table.inUse).toEqual({ descriptions: 0, inodes: 0, idle: 64 });
    expect(f.meta.shared).toBeNull();
    st = f.stat();
    expect(isErr(st) ? null : [st.size, st.mtim]).toEqual([3n, 7_000n]);
    // An idle inode whose file loses its last link goes at once.
    expect(fs.root.unlink('o63')).toBe(0);
    expect(table.inUse.idle).toBe(63);
    expect(others[63].meta.shared).toBeNull();
  });

  it('lets an unlinked file\'s inode go with its last description, not idle', () => {
    const table = new FileTable();
    const fs = new MemFs();
    const f = fileIn(fs, 'a');
    const h = open(f);
    h.write(enc.encode('abc'));
    table.share(h);
    expect(fs.root.unlink('a')).toBe(0);
    h.release();
    expect(table.inUse).toEqual({ descriptions: 0, inodes: 0, idle: 0 });
    expect(table.pagesInUse).toBe(0);
  });

  it('serves a description from the kernel when the table is full', () => {
    const table = new FileTable();
    const fs = new MemFs();
    const f = fileIn(fs, 'a');
    const handles = Array.from({ length: DESC_ENTRIES }, () => open(f));
    for (const h of handles) expect(table.share(h)).not.toBeNull();
    const extra = open(f);
    expect(table.share(extra)).toBeNull();
    extra.write(enc.encode('still works'));
    expect(extra.pos).toBe(11n);
    handles[0].release();
    expect(table.share(extra)).not.toBeNull();
  });

  it('moves a file\'s bytes into arena pages while shared, and back after, the kernel reading and writing them meanwhile', () => {
    const table = new FileTable(64 * PAGE);
    const fs = new MemFs();
    const f = fileIn(fs, 'a');
    const h = open(f);
    const data = new Uint8Array(PAGE + 10).map((_, i) => i % 251);
    h.write(data);
    const used = fs.used;
    const e = table.share(h)!;
    const v = table.views;
    const pt = v.get32i(e.inode, IB.PT);
    expect(pt).toBeGreaterThan(0);
    const page0 = v.page(e.inode, 0), page1 = v.page(e.inode, 1);
    expect(page0).toBeGreaterThan(0);
    expect(v.bytes!.subarray(page1 * PAGE, page1 * PAGE + 10)).toEqual(data.subarray(PAGE, PAGE + 10));
    expect(table.pagesInUse).toBe(3); // the page table and two pages
    // A process writes into a page and grows the file (as runtime/files.ts does, under the lock).
    v.lock(e.inode, 77);
    v.begin(e.inode);
    v.bytes![page1 * PAGE + 10] = 42;
    v.view.setBigUint64(v.at32(e.inode, IB.SIZE) * 4, BigInt(PAGE + 11), true);
    Atomics.add(v.i32, v.at32(e.inode, IB.WRITES), 1);
    v.end(e.inode);
    v.unlock(e.inode);
    const before = fs.changes;
    expect(f.size).toBe(PAGE + 11);
    expect(f.readAt(PAGE + 10, 1)).toEqual(new Uint8Array([42]));
    // The kernel's writes land in the pages, and a truncate frees whole ones.
    expect(f.writeAt(3, new Uint8Array([9]))).toBe(1);
    expect(v.bytes![page0 * PAGE + 3]).toBe(9);
    expect(f.truncate(5)).toBe(0);
    expect(v.page(e.inode, 1)).toBe(0);
    expect(table.pagesInUse).toBe(2);
    expect(fs.changes).toBeGreaterThan(before);
    h.release();
    // The inode idles with its page table; the bytes stay in their page.
    expect(table.pagesInUse).toBe(2);
    expect(v.get32i(e.inode, IB.PT)).toBe(pt);
    expect(f.size).toBe(5);
    expect(f.readAt(0, 10)).toEqual(new Uint8Array([0, 1, 2, 9, 4]));
    expect(fs.used).toBeLessThan(used + 1); // a shared file pays whole pages; cut to one, it pays one
    // The kernel goes on writing there (a new page for a new chunk, in the page table too), and the last link frees them all.
    expect(f.writeAt(PAGE * 2, new Uint8Array([7]))).toBe(1);
    expect(table.pagesInUse).toBe(3);
    expect(v.page(e.inode, 2)).toBeGreaterThan(0);
    expect(fs.root.unlink('a')).toBe(0);
    expect(table.pagesInUse).toBe(0);
    expect(v.get32i(e.inode, IB.PT)).toBe(0);
  });

  it('takes over the lock of a process that died holding it', () => {
    const table = new FileTable(16 * PAGE);
    const fs = new MemFs();
    const f = fileIn(fs, 'a');
    const h = open(f);
    h.write(enc.encode('abc'));
    const e = table.share(h)!;
    const v = table.views;
    v.alive = () => false;
    v.lock(e.inode, 5);
    v.begin(e.inode); // and never ends
    expect(f.writeAt(0, enc.encode('X'))).toBe(1);
    expect(v.seq(e.inode) % 2).toBe(0);
    expect(new TextDecoder().decode(f.readAt(0, 3))).toBe('Xbc');
  });

  it('keeps a file that grows past 64 MiB out of the arena, its bytes intact and read by the kernel', () => {
    const table = new FileTable(16 * PAGE);
    const fs = new MemFs();
    const f = fileIn(fs, 'a');
    const h = open(f);
    h.write(enc.encode('head'));
    const e = table.share(h)!;
    expect(table.views.get32i(e.inode, IB.PT)).toBeGreaterThan(0);
    expect(f.writeAt(64 * 1024 * 1024, enc.encode('tail'))).toBe(4);
    expect(table.views.get32i(e.inode, IB.PT)).toBe(0);
    expect(table.pagesInUse).toBe(1); // the page table, until the description goes
    expect(new TextDecoder().decode(f.readAt(0, 4))).toBe('head');
    expect(new TextDecoder().decode(f.readAt(64 * 1024 * 1024, 4))).toBe('tail');
    expect(table.views.readField(e.inode, 'size')).toBe(BigInt(64 * 1024 * 1024 + 4));
  });

  it('charges a shared file\'s page table to the memory budget, and shares no bytes when it has no room', () => {
    const budget = new MemoryBudget(4 * PAGE);
    const table = new FileTable(16 * PAGE, budget);
    const fs = new MemFs();
    const f = fileIn(fs, 'a');
    const h = open(f);
    h.write(enc.encode('abc'));
    table.share(h);
    expect(budget.used()).toBe(PAGE);
    h.release();
    expect(budget.used()).toBe(PAGE); // idle, its page table kept
    expect(fs.root.unlink('a')).toBe(0);
    expect(budget.used()).toBe(0);
    budget.charge(Use.PIPES, 4 * PAGE, true);
    const g = fileIn(fs, 'b');
    const h2 = open(g);
    h2.write(enc.encode('abc'));
    const e = table.share(h2)!;
    expect(e).not.toBeNull(); // the offset and stat are shared all the same
    expect(table.views.get32i(e.inode, IB.PT)).toBe(0);
  });
});
