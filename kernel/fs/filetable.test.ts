import { describe, expect, it } from 'vitest';
import { isErr } from '../abi/errno.js';
import { D, DESC_ENTRIES } from '../ipc/filetable.js';
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
    expect(table.inUse).toEqual({ descriptions: 2, inodes: 1 });
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
    expect(table.inUse).toEqual({ descriptions: 1, inodes: 1 });
    h2.release();
    expect(table.inUse).toEqual({ descriptions: 0, inodes: 0 });
    expect(f.meta.shared).toBeNull();
    const st = f.stat();
    expect(isErr(st) ? null : [st.size, st.mtim]).toEqual([3n, 7_000n]);
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
});
