// The in-memory file system: directories as ordered maps, regular files as
// growable byte arrays, symlinks as strings. It backs `/`, `/tmp` and every
// directory not served by another file system.
//
// Space: a file's bytes, kept in 64 KiB chunks, are charged in blocks to its file system's capacity
// (tmpfs's size=) and to the kernel's memory budget (mm/budget.ts) before they
// are allocated, so a write that does not fit fails with ENOSPC and nothing is
// half-written. A file's space comes back when its last link is gone and the
// last open description of it is closed, as on any Unix. A file copied up
// from an image layer by an overlay (overlay.ts) borrows the layer's chunks
// and pays for a chunk only when it first changes it.
// While processes read and write a file themselves (fs/filetable.ts), its
// chunks are whole pages of the shared data arena, listed in a page table
// there, and the kernel's own reads and writes of it follow the inode entry's
// lock and sequence counter as the processes' do (ipc/filetable.ts).
// Spec: POSIX write(2) ENOSPC, statvfs(3); tmpfs(5).
import { Errno, err, isErr, type Err } from '../abi/errno.js';
import { Filetype } from '../abi/wasi.js';
import { Use, type MemoryBudget } from '../mm/budget.js';
import { DirInode, FileInode, Inode, SymlinkInode, allocDev, type FsStat, type OpenMode, type Stat } from './inode.js';
import { Meta, type ChangeCounter } from './meta.js';
import { IB, PT_ENTRIES, type FileTableViews } from '../ipc/filetable.js';
import { DirHandle } from './dirhandle.js';
import { RegularFileHandle, type FileData } from './regular.js';
import type { OpenFile } from './file.js';
import { SocketInode } from './socketnode.js';

/** The unit space is counted in (statvfs f_frsize). */
export const BLOCK = 4096;

export class MemFs implements ChangeCounter {
  readonly dev = allocDev();
  /**
   * Bumped by every change of the tree or of an inode in it (each one sets
   * a ctim, meta.ts): a writer of snapshots (fs/snapshot.ts) compares it with
   * the count its last snapshot saw.
   */
  get changes(): number {
    return this.count + this.sharedWrites();
  }
  set changes(v: number) {
    this.count = v - this.sharedWrites();
  }
  private count = 0;
  /** Files whose bytes processes write themselves: their writes count as changes too. */
  readonly sharedFiles = new Set<MemFile>();
  private nextIno = 1n;
  readonly root: MemDir;
  /** Bytes of file data held, in whole blocks. */
  used = 0;
  /** Inodes that exist (statvfs f_files - f_ffree). */
  inodes = 0;
  private budget: MemoryBudget | null = null;

  /** `capacity`: the most bytes of file data it holds (Infinity: only the budget bounds it). */
  constructor(public capacity = Infinity) {
    this.root = new MemDir(this, null);
  }

  private sharedWrites(): number {
    let n = 0;
    for (const f of this.sharedFiles) n += f.processWrites();
    return n;
  }

  /** A shared file is shared no longer: its writes so far stay counted. */
  unshared(f: MemFile, writes: number): void {
    this.count += writes;
    this.sharedFiles.delete(f);
  }

  /** The metadata of a new inode of this file system. */
  meta(filetype: Filetype): Meta {
    this.inodes++;
    return new Meta(this.dev, this.nextIno++, filetype, this);
  }

  /** Charge this file system's data to `budget` from now on (what it holds already included). */
  useBudget(budget: MemoryBudget): void {
    if (this.budget) return;
    this.budget = budget;
    budget.charge(Use.FILES, this.used, true);
  }

  /** Take `bytes` (whole blocks) for file data; false when the capacity or the budget has no room. */
  take(bytes: number, force = false): boolean {
    if (!force && this.used + bytes > this.capacity) return false;
    if (this.budget && !this.budget.charge(Use.FILES, bytes, force)) return false;
    this.used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.used -= bytes;
    this.budget?.release(Use.FILES, bytes);
  }

  /** Free bytes (statvfs f_bfree): the capacity left, or the budget's, whichever is less. */
  free(): number {
    const left = Math.max(0, this.capacity - this.used);
    return this.budget ? Math.min(left, this.budget.available()) : left;
  }

  /**
   * statvfs: the size is the capacity, or what is used plus what the budget
   * has left when only the budget bounds it (so a df of it adds up). Inodes
   * cost no space of their own; each takes a block's worth in the count.
   */
  fsStat(): FsStat {
    const free = Math.floor(this.free() / BLOCK);
    const size = this.capacity !== Infinity ? Math.floor(this.capacity / BLOCK) : this.used / BLOCK + free;
    return { bsize: BLOCK, blocks: size, bfree: free, bavail: free, files: this.inodes + free, ffree: free, namemax: 255 };
  }
}

export class MemDir extends DirInode {
  override readonly meta: Meta;
  private readonly entries = new Map<string, Inode>();

  constructor(readonly fs: MemFs, public parent: MemDir | null) {
    super();
    this.meta = fs.meta(this.filetype);
    this.meta.nlink = 2n;
  }

  stat(): Stat {
    return this.meta.stat(BigInt(this.entries.size));
  }
  override fsStat(): FsStat {
    return this.fs.fsStat();
  }
  open(mode: OpenMode): OpenFile | Err {
    if (mode.write) return err(Errno.ISDIR);
    return new DirHandle(this, this.parent ?? this);
  }

  lookup(name: string): Inode | Err {
    return this.entries.get(name) ?? err(Errno.NOENT);
  }
  list(): Array<[string, Inode]> {
    return [...this.entries];
  }
  get empty(): boolean {
    return this.entries.size === 0;
  }

  /** Attach an inode under `name` (used to build trees, e.g. /dev). */
  add(name: string, node: Inode): void {
    this.entries.set(name, node);
    if (node instanceof MemDir) node.parent = this;
    this.meta.touchModified();
  }

  createFile(name: string): Inode | Err {
    if (this.entries.has(name)) return err(Errno.EXIST);
    const file = new MemFile(this.fs);
    this.add(name, file);
    return file;
  }
  mkdir(name: string): Errno {
    if (this.entries.has(name)) return Errno.EXIST;
    this.add(name, new MemDir(this.fs, this));
    this.meta.nlink++;
    return Errno.SUCCESS;
  }
  symlink(name: string, target: string): Errno {
    if (this.entries.has(name)) return Errno.EXIST;
    this.add(name, new MemSymlink(this.fs, target));
    return Errno.SUCCESS;
  }
  override mksock(name: string, filetype: Filetype.SOCKET_STREAM | Filetype.SOCKET_DGRAM): Inode | Err {
    if (this.entries.has(name)) return err(Errno.ADDRINUSE);
    const node = new SocketInode(this.fs.meta(filetype), filetype);
    this.add(name, node);
    return node;
  }
  link(name: string, target: Inode): Errno {
    if (this.entries.has(name)) return Errno.EXIST;
    if (!(target instanceof MemFile || target instanceof MemSymlink) || target.fs !== this.fs) {
      return target instanceof MemDir ? Errno.PERM : Errno.XDEV;
    }
    target.meta.nlink++;
    target.meta.touchChanged();
    this.add(name, target);
    return Errno.SUCCESS;
  }
  unlink(name: string): Errno {
    const node = this.entries.get(name);
    if (!node) return Errno.NOENT;
    if (node instanceof DirInode) return Errno.ISDIR;
    this.entries.delete(name);
    if (node instanceof MemFile || node instanceof MemSymlink) unlinked(node);
    else if (node instanceof SocketInode) this.fs.inodes--;
    this.meta.touchModified();
    return Errno.SUCCESS;
  }
  rmdir(name: string): Errno {
    const node = this.entries.get(name);
    if (!node) return Errno.NOENT;
    if (!(node instanceof DirInode)) return Errno.NOTDIR;
    if (node instanceof MemDir && !node.empty) return Errno.NOTEMPTY;
    if (!(node instanceof MemDir)) return Errno.BUSY; // a mount point's host directory
    this.entries.delete(name);
    node.meta.nlink = 0n;
    this.fs.inodes--;
    this.meta.nlink--;
    this.meta.touchModified();
    return Errno.SUCCESS;
  }
  rename(name: string, to: DirInode, toName: string): Errno {
    const node = this.entries.get(name);
    if (!node) return Errno.NOENT;
    if (!(to instanceof MemDir) || to.fs !== this.fs) return Errno.XDEV;
    if (to === this && name === toName) return Errno.SUCCESS;
    if (node instanceof MemDir && isAncestor(node, to)) return Errno.INVAL;
    const existing = to.entries.get(toName);
    if (existing) {
      if (existing === node) return Errno.SUCCESS;
      if (node instanceof DirInode) {
        if (!(existing instanceof DirInode)) return Errno.NOTDIR;
        if (existing instanceof MemDir && !existing.empty) return Errno.NOTEMPTY;
        to.meta.nlink--;
        this.fs.inodes--;
      } else if (existing instanceof DirInode) {
        return Errno.ISDIR;
      } else if (existing instanceof MemFile || existing instanceof MemSymlink) {
        unlinked(existing);
      }
    }
    this.entries.delete(name);
    to.entries.set(toName, node);
    if (node instanceof MemDir) {
      node.parent = to;
      this.meta.nlink--;
      if (!existing) to.meta.nlink++;
    }
    this.meta.touchModified();
    to.meta.touchModified();
    return Errno.SUCCESS;
  }
}

/** A link to a file or symlink is gone: the last one takes the inode (and, once closed, a file's space). */
function unlinked(node: MemFile | MemSymlink): void {
  node.meta.nlink--;
  node.meta.touchChanged();
  if (node.meta.nlink > 0n) return;
  node.fs.inodes--;
  if (node instanceof MemFile) node.dropIfUnused();
}

function isAncestor(dir: MemDir, of: MemDir): boolean {
  for (let d: MemDir | null = of; d; d = d.parent) if (d === dir) return true;
  return false;
}

/** Pages of the shared data arena (fs/filetable.ts). */
export interface ArenaPages {
  /** A zeroed page; null when the arena is full. */
  alloc(): number | null;
  free(page: number): void;
  /** Page `page`'s bytes. */
  bytesOf(page: number): Uint8Array;
  /** Whether `pages` more pages can be had. */
  room(pages: number): boolean;
}

/** A shared file's place in the open file table: its inode entry and page table. */
export interface SharedPages extends ArenaPages {
  views: FileTableViews;
  /** The inode's entry. */
  index: number;
  /** The page holding the file's page table. */
  pt: number;
  /** Take the inode's lock (a dead holder's is taken over); let it go. */
  lock(): void;
  unlock(): void;
  /** The file is gone (no link, no description): its entry goes now, not when the table needs it (fs/filetable.ts). */
  gone(): void;
}

export class MemFile extends FileInode implements FileData {
  override readonly meta: Meta;
  /**
   * The bytes, in chunks of up to CHUNK bytes: chunk i holds [i*CHUNK, …).
   * A chunk not in the map is a hole (reads as zeros, takes no space). A chunk may be shorter
   * than CHUNK (a small file's only one, an image file's last); it is
   * reallocated when a write reaches past it. Bytes past `size` are zero.
   */
  private chunks = new Map<number, Uint8Array>();
  private bytes = 0;
  /**
   * The data arena, once the bytes have moved there: from then on every
   * chunk is a whole page of it (even when no process shares the file any
   * more: moving them back would hold the bytes twice), until freed.
   */
  private arena: ArenaPages | null = null;
  /** The inode entry and page table, while processes read and write the bytes too. */
  private pages: SharedPages | null = null;
  /** The page of each chunk, in the arena. */
  private pageOf = new Map<number, number>();
  /** The file's size; kept in the open file table's entry as well while the inode is shared (meta.ts), where processes may grow it. */
  get size(): number {
    const s = this.meta.shared;
    return s && this.pages ? Number(s.views.readField(s.index, 'size')) : this.bytes;
  }
  set size(n: number) {
    this.bytes = n;
    const s = this.meta.shared;
    if (s) s.views.writeField(s.index, 'size', BigInt(n));
  }

  /** Writes processes made to the shared bytes (MemFs.changes). */
  processWrites(): number {
    const p = this.pages;
    return p ? p.views.get32i(p.index, IB.WRITES) : 0;
  }

  /**
   * Move the bytes into whole pages of the data arena (charged as whole
   * chunks), listed in `pages`' page table, so that processes can read and
   * write them; false (nothing changed) when the arena has no room or the
   * file is larger than a page table reaches.
   */
  shareBytes(pages: SharedPages): boolean {
    if ([...this.chunks.keys()].some((i) => i >= ARENA_FILE_CHUNKS)) return false;
    if (!this.arena) {
      if (!pages.room(this.chunks.size)) return false;
      let cost = 0;
      for (const [i, c] of this.chunks) cost += CHUNK - (this.borrowed?.has(i) ? 0 : blocks(c.length));
      this.fs.take(cost, true);
      this.charged += cost;
      for (const [i, c] of this.chunks) {
        const page = pages.alloc()!;
        const bytes = pages.bytesOf(page);
        bytes.set(c);
        this.chunks.set(i, bytes);
        this.pageOf.set(i, page);
      }
      this.borrowed = null;
      this.arena = pages;
    }
    pages.lock();
    for (const [i, page] of this.pageOf) pages.views.setPage(pages.pt, i, page);
    this.pages = pages;
    pages.views.set32i(pages.index, IB.PT, pages.pt);
    this.fs.sharedFiles.add(this);
    pages.unlock();
    return true;
  }

  /**
   * The bytes back into chunks of the kernel's own, the pages to the arena;
   * processes sharing the file read and write it through the kernel from now on.
   */
  private leaveArena(): void {
    const a = this.arena!, p = this.pages;
    if (p) {
      this.bytes = this.size;
      p.views.set32i(p.index, IB.PT, 0);
    }
    for (const [i, c] of this.chunks) {
      this.chunks.set(i, c.slice());
      a.free(this.pageOf.get(i)!);
    }
    this.pageOf.clear();
    this.arena = null;
  }

  /** No process shares the bytes any more (they stay in the arena's pages); the size as processes left it. */
  unshareBytes(): void {
    const p = this.pages;
    if (!p) return;
    p.lock();
    this.bytes = Number(p.views.readField(p.index, 'size'));
    p.views.set32i(p.index, IB.PT, 0);
    this.fs.unshared(this, p.views.get32i(p.index, IB.WRITES));
    this.pages = null;
    p.unlock();
  }
  /** Bytes charged to the file system: each chunk's length in whole blocks. */
  private charged = 0;
  /** Open descriptions of this file: an unlinked file keeps its bytes while any is open. */
  private opens = 0;
  /**
   * Chunks still shared with an immutable image layer (fs/layer.ts), by
   * index: never written in place and not charged here; a write or truncate
   * that changes one copies it first (and charges the copy).
   */
  private borrowed: Set<number> | null = null;

  constructor(readonly fs: MemFs, content?: Uint8Array) {
    super();
    this.meta = fs.meta(this.filetype);
    if (content) {
      // An image's file: views of the bytes already in memory, no copy.
      for (let at = 0; at < content.length; at += CHUNK) {
        const c = content.subarray(at, Math.min(content.length, at + CHUNK));
        this.chunks.set(at / CHUNK, c);
        this.charged += blocks(c.length);
      }
      this.size = content.length;
      fs.take(this.charged, true);
    }
  }

  /**
   * A file whose bytes are a layer file's `chunks` (chunk i holds [i*CHUNK, …)),
   * shared copy-on-write: an overlay's copy-up (fs/overlay.ts) copies and
   * charges nothing until a chunk is changed.
   */
  static borrowing(fs: MemFs, chunks: readonly Uint8Array[], size: number): MemFile {
    const f = new MemFile(fs);
    const borrowed = new Set<number>();
    chunks.forEach((c, i) => {
      if (c.length === 0) return;
      f.chunks.set(i, c);
      borrowed.add(i);
    });
    f.borrowed = borrowed;
    f.size = size;
    return f;
  }

  stat(): Stat {
    return this.meta.stat(BigInt(this.size));
  }
  open(mode: OpenMode): OpenFile | Err {
    return new RegularFileHandle(this, this, mode.read, mode.write);
  }

  opened(): void {
    this.opens++;
  }
  closed(): void {
    this.opens--;
    this.dropIfUnused();
  }

  /** With no link and no open description left, the bytes go back to the file system. */
  dropIfUnused(): void {
    if (this.opens > 0 || this.meta.nlink > 0n) return;
    this.pages?.gone();
    for (const page of this.pageOf.values()) this.arena!.free(page);
    this.pageOf.clear();
    this.chunks.clear();
    this.borrowed = null;
    this.size = 0;
    this.fs.give(this.charged);
    this.charged = 0;
  }

  fileSize(): number {
    return this.size;
  }
  readAt(pos: number, max: number, into?: Uint8Array): Uint8Array {
    const p = this.pages;
    if (!p) return this.readChunks(pos, max, into);
    // Processes may be writing: read until a copy sees no change under way (ipc/filetable.ts).
    for (;;) {
      const seq = p.views.seq(p.index);
      if (seq & 1) continue;
      const out = this.readChunks(pos, max, into);
      if (p.views.seq(p.index) === seq) return out;
    }
  }
  private readChunks(pos: number, max: number, into?: Uint8Array): Uint8Array {
    if (pos >= this.size) return new Uint8Array(0);
    const end = Math.min(this.size, pos + max);
    const out = into ? into.subarray(0, end - pos) : new Uint8Array(end - pos);
    for (let at = pos; at < end;) {
      const i = Math.floor(at / CHUNK), off = at - i * CHUNK;
      const n = Math.min(end - at, CHUNK - off);
      const c = this.chunks.get(i);
      const have = c && off < c.length ? Math.min(c.length - off, n) : 0;
      if (have > 0) out.set(c!.subarray(off, off + have), at - pos);
      // A hole, or a chunk shorter than the file: zeros (a fresh array has them already).
      if (into && have < n) out.fill(0, at - pos + have, at - pos + n);
      at += n;
    }
    return out;
  }
  writeAt(pos: number, data: Uint8Array): number | Err {
    return this.locked(() => this.writeChunks(pos, data));
  }
  append(data: Uint8Array): number | Err {
    return this.locked(() => {
      const at = this.size;
      const n = this.writeChunks(at, data);
      return isErr(n) ? n : at + n;
    });
  }
  /** Run `change` holding the inode's lock, when processes share the bytes. */
  private locked<T>(change: () => T): T {
    const p = this.pages;
    if (!p) return change();
    p.lock();
    try {
      return change();
    } finally {
      p.unlock();
    }
  }
  private writeChunks(pos: number, data: Uint8Array): number | Err {
    const end = pos + data.length;
    if (end > MAX_FILE) return err(Errno.FBIG);
    if (data.length === 0) return 0;
    const first = Math.floor(pos / CHUNK), last = Math.floor((end - 1) / CHUNK);
    // A file growing past what the arena keeps of one file leaves it (the arena never gives memory back).
    if (this.arena && last >= ARENA_FILE_CHUNKS) this.leaveArena();
    // All the space first, so a write that does not fit changes nothing.
    let extra = 0;
    for (let i = first; i <= last; i++) extra += this.growthOf(i, Math.min(CHUNK, end - i * CHUNK));
    if (extra > 0 && !this.fs.take(extra)) return err(Errno.NOSPC);
    if (this.arena && !this.arena.room(extra / CHUNK)) {
      this.fs.give(extra);
      return err(Errno.NOSPC);
    }
    this.charged += extra;
    for (let i = first; i <= last; i++) {
      const c = this.ensure(i, Math.min(CHUNK, end - i * CHUNK));
      const from = Math.max(pos, i * CHUNK);
      const to = Math.min(end, (i + 1) * CHUNK);
      c.set(data.subarray(from - pos, to - pos), from - i * CHUNK);
    }
    if (end > this.size) this.size = end;
    this.meta.touchModified();
    return data.length;
  }
  /** ftruncate: growing leaves a hole (no space taken, as tmpfs does); shrinking frees whole chunks. */
  truncate(size: number): Errno {
    return this.locked(() => this.truncateChunks(size));
  }
  private truncateChunks(size: number): Errno {
    if (size > MAX_FILE) return Errno.FBIG;
    if (this.arena) return this.truncatePages(size);
    if (size < this.size) {
      const keep = Math.ceil(size / CHUNK);
      let freed = 0;
      for (const [i, c] of this.chunks) {
        if (i < keep) continue;
        if (!this.borrowed?.delete(i)) freed += blocks(c.length);
        this.chunks.delete(i);
      }
      // The kept part of the last chunk: zero past the new end (reads past it see zeros later).
      const c = keep > 0 ? this.chunks.get(keep - 1) : undefined;
      if (c) {
        const off = size - (keep - 1) * CHUNK;
        // A file cut to less than a chunk keeps only the blocks it needs.
        const len = keep === 1 ? Math.min(c.length, blocks(off)) : c.length;
        if (off < c.length) {
          const mine = new Uint8Array(len); // a fresh copy: never write into an image's bytes
          mine.set(c.subarray(0, off));
          this.chunks.set(keep - 1, mine);
          // A borrowed chunk cost nothing; its copy is charged (shrinking never fails, so forced).
          freed += (this.borrowed?.delete(keep - 1) ? 0 : blocks(c.length)) - blocks(len);
        }
      }
      this.charged -= freed;
      if (freed >= 0) this.fs.give(freed);
      else this.fs.take(-freed, true);
    }
    this.size = size;
    this.meta.touchModified();
    return Errno.SUCCESS;
  }

  /** truncate of a file in the arena: whole pages go back to it, the kept part of the last is zeroed in place. */
  private truncatePages(size: number): Errno {
    const a = this.arena!, p = this.pages;
    if (size < this.size) {
      const keep = Math.ceil(size / CHUNK);
      let freed = 0;
      for (const i of [...this.chunks.keys()]) {
        if (i < keep) continue;
        p?.views.setPage(p.pt, i, 0);
        a.free(this.pageOf.get(i)!);
        this.pageOf.delete(i);
        this.chunks.delete(i);
        freed += CHUNK;
      }
      const last = keep > 0 ? this.chunks.get(keep - 1) : undefined;
      last?.fill(0, size - (keep - 1) * CHUNK);
      this.charged -= freed;
      this.fs.give(freed);
    }
    this.size = size;
    this.meta.touchModified();
    return Errno.SUCCESS;
  }

  /** The file's bytes (a copy). */
  contents(): Uint8Array {
    return this.readAt(0, this.size);
  }

  /** The bytes chunk `i` must grow by to hold `len` bytes (0 when it does). */
  private growthOf(i: number, len: number): number {
    const c = this.chunks.get(i);
    if (this.arena) return c ? 0 : CHUNK; // chunks in the arena are whole pages
    // A borrowed chunk is copied whole (or grown) before the write: all of the copy is new.
    if (c && this.borrowed?.has(i)) return blocks(len <= c.length ? c.length : this.roomFor(i, len));
    const have = c?.length ?? 0;
    return len <= have ? 0 : blocks(this.roomFor(i, len)) - blocks(have);
  }

  /** The length chunk `i` takes to hold `len`: a whole chunk unless it is the file's only one. */
  private roomFor(i: number, len: number): number {
    return i === 0 && this.size <= CHUNK && len < CHUNK ? Math.min(CHUNK, blocks(len)) : CHUNK;
  }

  /** Chunk `i`, at least `len` long (its space already charged by growthOf). */
  private ensure(i: number, len: number): Uint8Array {
    const c = this.chunks.get(i);
    if (this.arena) return c ?? this.newPage(i);
    const mine = !this.borrowed?.delete(i);
    if (c && c.length >= len && c.buffer.byteLength === c.length && mine) return c;
    // Long enough but a view of an image's buffer: copied at its length, so the charge holds.
    const next = new Uint8Array(c && c.length >= len ? c.length : Math.max(this.roomFor(i, len), c?.length ?? 0));
    if (c) next.set(c);
    this.chunks.set(i, next);
    return next;
  }

  /** A new page for chunk `i` of a file in the arena (room checked by writeChunks). */
  private newPage(i: number): Uint8Array {
    const a = this.arena!, p = this.pages;
    const page = a.alloc()!;
    const bytes = a.bytesOf(page);
    this.chunks.set(i, bytes);
    this.pageOf.set(i, page);
    if (p && i < PT_ENTRIES) p.views.setPage(p.pt, i, page);
    return bytes;
  }
}

/** The largest file: where offsets stop being exact (the capacity and the budget bound what it holds). */
const MAX_FILE = Number.MAX_SAFE_INTEGER;
/** The unit a file's bytes are kept in: appends never copy more than one (a layer's files use it too). */
export const CHUNK = 64 * 1024;
/**
 * The most of one file the data arena holds (64 MiB): processes copy the bytes
 * of files up to this size themselves; a larger one is the kernel's (as the
 * arena, a SharedArrayBuffer, keeps its high-water mark of memory for good).
 */
const ARENA_FILE_CHUNKS = Math.min(1024, PT_ENTRIES);

/** `n` bytes in whole blocks. */
function blocks(n: number): number {
  return Math.ceil(n / BLOCK) * BLOCK;
}

export class MemSymlink extends SymlinkInode {
  override readonly meta: Meta;

  constructor(readonly fs: MemFs, readonly target: string) {
    super();
    this.meta = fs.meta(this.filetype);
  }

  stat(): Stat {
    return this.meta.stat(BigInt(new TextEncoder().encode(this.target).length));
  }
  readlink(): string {
    return this.target;
  }
}

export { isErr };
