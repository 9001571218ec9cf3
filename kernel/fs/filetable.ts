// The kernel's side of the open file table in shared memory (layout and
// access: ipc/filetable.ts). A regular file of an in-memory file system (memfs,
// a tmpfs, an overlay's upper layer) open through a description gets entries
// here when a process first asks about the fd (fd_info): the description's
// offset and status flags move into its entry, the inode's metadata into an
// inode entry (fs/meta.ts share), and from then on the process answers lseek,
// fstat, fcntl(F_GETFL/F_SETFL) and fdstat for that fd itself (runtime/files.ts),
// while the kernel's own reads, writes and seeks use the same entries. A
// description's entry goes back when it is released (its last fd closed).
// An inode's stays a while after its last shared description (the IDLE most
// recent ones), so that opening the file again — a loop over one file, every
// open of a program's headers — costs only a description's entry, not the
// inode's set-up (its stat written, a page table made and filled); it goes
// when the file loses its last link, or when newer ones push it out.
// The file's bytes move into pages of the data arena as well (MemFile.shareBytes),
// so processes read and write them too (a write that needs a new page comes
// to the kernel); a browser without growable SharedArrayBuffers gets no arena,
// and then only the state above is shared.
// Host files (--dir) are not shared: the host may change them behind our back.
// Spec: POSIX open(2), lseek(2), fcntl(2), fstat(2).
import { Access, D, DESC_ENTRIES, FileTableViews, INODE_ENTRIES, KERNEL_LOCK, PAGE, TABLE_SIZE } from '../ipc/filetable.js';
import { isErr } from '../abi/errno.js';
import { Use, type MemoryBudget } from '../mm/budget.js';
import { MemFile, type SharedPages } from './memfs.js';
import type { RegularFileHandle } from './regular.js';

/** Inodes kept in the table with no shared description open (see the header). */
const IDLE = 64;

/** A description's entry: its index and the generation that names this use of it. */
export interface DescEntry {
  table: FileTable;
  views: FileTableViews;
  slot: number;
  gen: number;
  /** The inode's entry. */
  inode: number;
}

/** A page of zeros, copied over a page that is used again. */
const ZEROS = new Uint8Array(PAGE);

/** The data arena's pages: a growable SharedArrayBuffer, grown by doubling up to its limit. */
class DataArena {
  readonly sab: SharedArrayBuffer;
  private readonly free: number[] = [];
  /** The next page never used (page 0 never is). */
  private next = 1;
  readonly maxPages: number;

  constructor(maxBytes: number) {
    this.maxPages = Math.floor(maxBytes / PAGE);
    this.sab = new SharedArrayBuffer(PAGE * 16, { maxByteLength: this.maxPages * PAGE });
  }

  get inUse(): number {
    return this.next - 1 - this.free.length;
  }
  room(pages: number): boolean {
    return this.free.length + (this.maxPages - this.next) >= pages;
  }
  alloc(): number | null {
    const reused = this.free.pop();
    if (reused !== undefined) {
      // Zeroed by copying: fill() on shared memory stores byte by byte (~20 µs a page, against ~3).
      new Uint8Array(this.sab, reused * PAGE, PAGE).set(ZEROS);
      return reused;
    }
    if (this.next >= this.maxPages) return null;
    const page = this.next++;
    const need = (page + 1) * PAGE;
    if (need > this.sab.byteLength) this.sab.grow(Math.min(this.maxPages * PAGE, Math.max(need, this.sab.byteLength * 2)));
    return page;
  }
  release(page: number): void {
    this.free.push(page);
  }
}

/** Whether this JavaScript engine has growable SharedArrayBuffers (the data arena needs them). */
function growable(): boolean {
  try {
    return new SharedArrayBuffer(8, { maxByteLength: 16 }).growable;
  } catch {
    return false;
  }
}

export class FileTable {
  readonly views: FileTableViews;
  /** Shared files' pages; null: only offsets and metadata are shared. */
  private readonly arena: DataArena | null;
  private readonly freeDescs: number[] = Array.from({ length: DESC_ENTRIES }, (_, i) => DESC_ENTRIES - 1 - i);
  private readonly freeInodes: number[] = Array.from({ length: INODE_ENTRIES }, (_, i) => INODE_ENTRIES - 1 - i);
  /** Inode entries in use: the file, and how many shared descriptions are open on it. */
  private readonly inodes = new Map<MemFile, { index: number; refs: number; pages: SharedPages | null }>();
  /** Inodes with no shared description left, oldest first (see the header). */
  private readonly idle = new Set<MemFile>();
  private nextGen = 1;

  /**
   * `maxData`: the most bytes the data arena may grow to (the memory
   * budget's). `budget`: what page tables are charged to (a file's own
   * pages are charged by its file system, memfs.ts).
   */
  constructor(maxData = 1 << 30, private readonly budget: MemoryBudget | null = null) {
    this.arena = growable() ? new DataArena(Math.min(maxData, 2 ** 31)) : null;
    this.views = new FileTableViews(new SharedArrayBuffer(TABLE_SIZE), this.arena?.sab ?? null);
  }

  /** The data arena (for the process workers), if there is one. */
  get dataSab(): SharedArrayBuffer | null {
    return this.arena?.sab ?? null;
  }

  get sab(): SharedArrayBuffer {
    return this.views.sab;
  }

  /** Descriptions and inodes with entries (Kernel.census). */
  get inUse(): { descriptions: number; inodes: number; idle: number } {
    return { descriptions: DESC_ENTRIES - this.freeDescs.length, inodes: this.inodes.size - this.idle.size, idle: this.idle.size };
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
    if (inode && inode.refs === 0) this.idle.delete(file);
    if (!inode) {
      if (this.freeInodes.length === 0) this.evictOldest();
      const index = this.freeInodes.pop();
      if (index === undefined) return null;
      const st = h.file.stat();
      if (isErr(st)) {
        this.freeInodes.push(index);
        return null;
      }
      file.meta.share({ views: this.views, index }, { dev: st.dev, ino: st.ino, size: BigInt(file.size), mode: h.file.getMode() });
      inode = { index, refs: 0, pages: this.shareBytes(file, index) };
      this.inodes.set(file, inode);
    }
    inode.refs++;
    const slot = this.freeDescs.pop()!;
    const gen = this.nextGen;
    this.nextGen = gen === 0x7fffffff ? 1 : gen + 1; // never 0: a free entry's
    const entry: DescEntry = { table: this, views: this.views, slot, gen, inode: inode.index };
    this.views.set32(slot, D.INODE, inode.index);
    this.views.set32(slot, D.ACCESS, accessOf(h));
    h.moveInto(entry);
    this.views.set32(slot, D.GEN, gen);
    return entry;
  }

  /** `h`, which has entries, is released: they go back (the inode's idle with its last description, or gone if unlinked). */
  unshare(h: RegularFileHandle, entry: DescEntry): void {
    this.views.set32(entry.slot, D.GEN, 0);
    this.freeDescs.push(entry.slot);
    const file = h.node as MemFile;
    const inode = this.inodes.get(file);
    if (!inode || --inode.refs > 0) return;
    if (file.meta.nlink === 0n) return this.drop(file);
    this.idle.add(file);
    if (this.idle.size > IDLE) this.evictOldest();
  }

  /** The idle inode that waited longest gives its entry back. */
  private evictOldest(): void {
    for (const file of this.idle) return this.drop(file);
  }

  /** `file`'s inode entry goes back (no shared description is open on it), its bytes to the kernel's alone. */
  private drop(file: MemFile): void {
    const inode = this.inodes.get(file);
    if (!inode || inode.refs > 0) return;
    this.idle.delete(file);
    if (inode.pages) {
      file.unshareBytes();
      this.arena!.release(inode.pages.pt);
      this.budget?.release(Use.FILES, PAGE);
    }
    file.meta.unshare();
    this.inodes.delete(file);
    this.freeInodes.push(inode.index);
  }

  /** Move `file`'s bytes into the arena, under inode entry `index`; its pages, or null (no arena, no room, too large). */
  private shareBytes(file: MemFile, index: number): SharedPages | null {
    const arena = this.arena;
    if (!arena || (this.budget && !this.budget.charge(Use.FILES, PAGE))) return null;
    const pt = arena.alloc();
    if (!pt) {
      this.budget?.release(Use.FILES, PAGE);
      return null;
    }
    const views = this.views;
    const pages: SharedPages = {
      views, index, pt,
      alloc: () => arena.alloc(),
      free: (page) => arena.release(page),
      bytesOf: (page) => new Uint8Array(arena.sab, page * PAGE, PAGE),
      room: (n) => arena.room(n),
      lock: () => {
        views.lock(index, KERNEL_LOCK);
        views.held.add(index);
        views.begin(index);
      },
      unlock: () => {
        views.end(index);
        views.held.delete(index);
        views.unlock(index);
      },
      gone: () => this.drop(file),
    };
    if (file.shareBytes(pages)) return pages;
    arena.release(pt);
    this.budget?.release(Use.FILES, PAGE);
    return null;
  }

  /** Pages of the data arena in use (Kernel.census). */
  get pagesInUse(): number {
    return this.arena?.inUse ?? 0;
  }

  /** A description's access changed (its first write decided whether it makes a module executable). */
  accessChanged(h: RegularFileHandle): void {
    if (h.shared) this.views.set32(h.shared.slot, D.ACCESS, accessOf(h));
  }
}

/**
 * What processes may do with a description themselves: read if it was opened
 * for reading; write if for writing, unless its first write is still to
 * decide whether the file is a module to make executable (regular.ts).
 */
function accessOf(h: RegularFileHandle): number {
  return (h.readable ? Access.READ : 0) | (h.writable && h.execIfWasm === null ? Access.WRITE : 0);
}
