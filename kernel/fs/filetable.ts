// The kernel's side of the open file table in shared memory (layout and
// access: ipc/filetable.ts). A regular file of an in-memory file system (memfs,
// a tmpfs, an overlay's upper layer) open through a description gets entries
// here when a process first asks about the fd (fd_info): the description's
// offset and status flags move into its entry, the inode's metadata into an
// inode entry (fs/meta.ts share), and from then on the process answers lseek,
// fstat, fcntl(F_GETFL/F_SETFL) and fdstat for that fd itself (runtime/files.ts),
// while the kernel's own reads, writes and seeks use the same entries. The
// entries go back when the description is released (its last fd closed) and
// the inode's when its last shared description is.
// Host files (--dir) are not shared: the host may change them behind our back.
// Spec: POSIX open(2), lseek(2), fcntl(2), fstat(2).
import { Access, D, DESC_ENTRIES, FileTableViews, INODE_ENTRIES, TABLE_SIZE } from '../ipc/filetable.js';
import { isErr } from '../abi/errno.js';
import { MemFile } from './memfs.js';
import type { RegularFileHandle } from './regular.js';

/** A description's entry: its index and the generation that names this use of it. */
export interface DescEntry {
  table: FileTable;
  views: FileTableViews;
  slot: number;
  gen: number;
  /** The inode's entry. */
  inode: number;
}

export class FileTable {
  readonly views = new FileTableViews(new SharedArrayBuffer(TABLE_SIZE));
  private readonly freeDescs: number[] = Array.from({ length: DESC_ENTRIES }, (_, i) => DESC_ENTRIES - 1 - i);
  private readonly freeInodes: number[] = Array.from({ length: INODE_ENTRIES }, (_, i) => INODE_ENTRIES - 1 - i);
  /** Inode entries in use: the file, and how many shared descriptions are open on it. */
  private readonly inodes = new Map<MemFile, { index: number; refs: number }>();
  private nextGen = 1;

  get sab(): SharedArrayBuffer {
    return this.views.sab;
  }

  /** Descriptions and inodes with entries (Kernel.census). */
  get inUse(): { descriptions: number; inodes: number } {
    return { descriptions: DESC_ENTRIES - this.freeDescs.length, inodes: this.inodes.size };
  }

  /**
   * Give `h` entries, if it can have them and does not yet: its entry, or
   * null (not an in-memory file, or the table is full: the kernel serves it).
   */
  share(h: RegularFileHandle): DescEntry | null {
    if (h.shared) return h.shared;
    const file = h.node;
    if (!(file instanceof MemFile)) return null;
    if (this.freeDescs.length === 0) return null;
    let inode = this.inodes.get(file);
    if (!inode) {
      const index = this.freeInodes.pop();
      if (index === undefined) return null;
      const st = h.file.stat();
      if (isErr(st)) {
        this.freeInodes.push(index);
        return null;
      }
      file.meta.share({ views: this.views, index }, { dev: st.dev, ino: st.ino, size: BigInt(file.size), mode: h.file.getMode() });
      inode = { index, refs: 0 };
      this.inodes.set(file, inode);
    }
    inode.refs++;
    const slot = this.freeDescs.pop()!;
    const gen = this.nextGen++ & 0x7fffffff || (this.nextGen++ & 0x7fffffff);
    const entry: DescEntry = { table: this, views: this.views, slot, gen, inode: inode.index };
    this.views.set32(slot, D.INODE, inode.index);
    this.views.set32(slot, D.ACCESS, (h.readable ? Access.READ : 0) | (h.writable ? Access.WRITE : 0));
    h.moveInto(entry);
    this.views.set32(slot, D.GEN, gen);
    return entry;
  }

  /** `h`, which has entries, is released: they go back (the inode's with its last description). */
  unshare(h: RegularFileHandle, entry: DescEntry): void {
    this.views.set32(entry.slot, D.GEN, 0);
    this.freeDescs.push(entry.slot);
    const file = h.node as MemFile;
    const inode = this.inodes.get(file);
    if (!inode || --inode.refs > 0) return;
    file.meta.unshare();
    this.inodes.delete(file);
    this.freeInodes.push(inode.index);
  }
}
