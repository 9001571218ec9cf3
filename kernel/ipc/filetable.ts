// The open file table in shared memory: the state of open regular files that
// a process can use without a kernel round trip (DESIGN §2). The kernel owns
// the table (fs/filetable.ts allocates its entries and keeps them current);
// the process runtime (runtime/files.ts) reads them, and moves offsets, itself.
//
// Two arrays in one SharedArrayBuffer:
//   descriptions  one per shared open file description (what dup and fork
//                 share): its offset, its status flags (O_APPEND, O_NONBLOCK…)
//                 and the inode it is open on.
//     GEN      bumped each time the entry is given to a description (0: free);
//              a runtime that learnt an fd's entry checks it is still the same
//     FLAGS    WASI fdflags; changed by fcntl(F_SETFL) in a runtime (CAS) or by the kernel
//     INODE    index of the inode's entry
//     OFFSET   (i64) the file offset; every change is one compare-and-swap, so
//              lseek from two processes sharing the description, or from a
//              process and the kernel, never loses one (each wins whole)
//   inodes        one per inode that a shared description is open on: what
//                 fstat reports, and where its bytes are. Changed under a
//                 sequence counter: SEQ is odd while a change is under way; a
//                 reader copies what it needs and retries if SEQ was odd or
//                 moved meanwhile (a seqlock: readers never block a writer).
//                 Whoever changes more than one field, or the bytes, holds
//                 WLOCK (the kernel's -1, or a process's pid) meanwhile.
//     SEQ, WLOCK; then, from byte 8, a WASI filestat exactly as
//     fd_filestat_get writes it (dev, ino, filetype, nlink, size, atim, mtim,
//     ctim), so a runtime copies it to the guest as it is; then the
//     permission bits (u32), PT (the page of the data arena holding the
//     file's page table, 0: its bytes are the kernel's alone) and WRITES (a
//     count of the writes processes made, for snapshots: fs/memfs.ts).
// The data arena is a second SharedArrayBuffer, growable, of PAGE-sized pages
// (page 0 unused): a shared file's bytes, page i of the file in the page its
// page table's entry i names (0: a hole, zeros). A process reads any byte
// below SIZE and writes into pages that exist; the kernel makes pages
// (a write past them, or into a hole, goes to the kernel) and frees them.
// Both arrays are fixed-size; a description that finds no free entry is served
// by the kernel as before. After them, GENERATION: bumped by the kernel after
// every call that may change what a path names or what stat says of it (and
// by a runtime after each write it makes): a runtime's cache of path lookups
// (runtime/dentries.ts) holds while it stands still. Then LOCKED: how many
// files have advisory locks or lock waiters (fs/locks.ts); while it is 0 a
// runtime may put off telling the kernel of a close (abi/page.ts Slot.CLOSES),
// since no lock can be let go by it. Then FLAGS_GENERATION: bumped by the
// kernel whenever it changes the status flags of a description
// (fd_fdstat_set_flags); a runtime's memory of the fdstat of fds the kernel
// serves (runtime/fdinfo.ts) holds while it stands still, since their file
// type never changes and their rights only by the process itself.
// Spec: POSIX open(2)/lseek(2)/fcntl(2) (what an open file description holds,
// shared by dup and fork).

export const DESC_ENTRIES = 4096;
export const INODE_ENTRIES = 4096;

/** Description entry fields, in Int32 units from the entry's start (OFFSET: BigInt64 index = (start >> 3) + 1). */
export const enum D { GEN = 0, FLAGS = 1, INODE = 2, ACCESS = 3 }
export const DESC_STRIDE = 32;
const DESC_OFFSET_BYTE = 16;

/** Bits of D.ACCESS. */
export const enum Access { READ = 1, WRITE = 2 }

export const INODE_STRIDE = 96;
/** Byte offsets of an inode entry's fields: 8 + abi/wasi.ts FILESTAT's (the filestat starts at DEV), then MODE, PT, WRITES. */
export const enum IB { WLOCK = 4, DEV = 8, INO = 16, FILETYPE = 24, NLINK = 32, SIZE = 40, ATIM = 48, MTIM = 56, CTIM = 64, MODE = 72, PT = 76, WRITES = 80 }
/** WLOCK's value while the kernel holds it. */
export const KERNEL_LOCK = -1;
/** A data arena page: a file's bytes in pages of memfs's CHUNK. */
export const PAGE = 65536;
/** Entries of a page table (one page of u32): files up to 1 GiB share their bytes. */
export const PT_ENTRIES = PAGE / 4;
/** Bytes of the filestat in an entry (abi/wasi.ts FILESTAT.SIZE). */
export const STAT_BYTES = 64;
export type InodeField = 'dev' | 'ino' | 'nlink' | 'size' | 'atim' | 'mtim' | 'ctim';
const FIELD_BYTE: Record<InodeField, number> = {
  dev: IB.DEV, ino: IB.INO, nlink: IB.NLINK, size: IB.SIZE, atim: IB.ATIM, mtim: IB.MTIM, ctim: IB.CTIM,
};

const INODES_BYTE = DESC_ENTRIES * DESC_STRIDE;
const GENERATION_BYTE = INODES_BYTE + INODE_ENTRIES * INODE_STRIDE;
export const TABLE_SIZE = GENERATION_BYTE + 64;

/** What an inode entry holds (fstat's fields, and the permission bits). */
export interface InodeStat {
  dev: bigint;
  ino: bigint;
  nlink: bigint;
  size: bigint;
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
  mode: number;
  filetype: number;
}

/** Typed views of one table, for the kernel and for a runtime alike. */
export class FileTableViews {
  readonly i32: Int32Array;
  readonly i64: BigInt64Array;
  readonly view: DataView;
  /** The data arena's bytes, and as page numbers (both track its length as it grows); null: no arena. */
  readonly bytes: Uint8Array | null;
  readonly words: Uint32Array | null;

  constructor(readonly sab: SharedArrayBuffer, readonly data: SharedArrayBuffer | null = null) {
    this.i32 = new Int32Array(sab);
    this.i64 = new BigInt64Array(sab);
    this.view = new DataView(sab);
    this.bytes = data ? new Uint8Array(data) : null;
    this.words = data ? new Uint32Array(data) : null;
  }

  /** The tree's generation (see the header). */
  generation(): number {
    return Atomics.load(this.i32, GENERATION_BYTE >> 2);
  }
  bumpGeneration(): void {
    Atomics.add(this.i32, GENERATION_BYTE >> 2, 1);
  }
  /** Files with advisory locks or waiters for them (see the header). */
  lockedFiles(): number {
    return Atomics.load(this.i32, (GENERATION_BYTE >> 2) + 1);
  }
  setLockedFiles(n: number): void {
    Atomics.store(this.i32, (GENERATION_BYTE >> 2) + 1, n);
  }
  /** Bumped by the kernel whenever it changes a description's status flags (see the header). */
  flagsGeneration(): number {
    return Atomics.load(this.i32, (GENERATION_BYTE >> 2) + 2);
  }
  bumpFlagsGeneration(): void {
    Atomics.add(this.i32, (GENERATION_BYTE >> 2) + 2, 1);
  }

  // --- descriptions -----------------------------------------------------------

  /** Int32 index of field `f` of description `d`. */
  d(d: number, f: D): number {
    return (d * DESC_STRIDE >> 2) + f;
  }
  /** BigInt64 index of description `d`'s offset. */
  private off(d: number): number {
    return (d * DESC_STRIDE + DESC_OFFSET_BYTE) >> 3;
  }
  offset(d: number): bigint {
    return Atomics.load(this.i64, this.off(d));
  }
  setOffset(d: number, v: bigint): void {
    Atomics.store(this.i64, this.off(d), v);
  }
  /** Move the offset from `seen` to `next`; false if it moved meanwhile. */
  swapOffset(d: number, seen: bigint, next: bigint): boolean {
    return Atomics.compareExchange(this.i64, this.off(d), seen, next) === seen;
  }
  get32(d: number, f: D): number {
    return Atomics.load(this.i32, this.d(d, f));
  }
  set32(d: number, f: D, v: number): void {
    Atomics.store(this.i32, this.d(d, f), v);
  }
  /** Replace the bits `mask` of the description's flags with those of `bits`; the old flags. */
  swapFlags(d: number, mask: number, bits: number): number {
    const at = this.d(d, D.FLAGS);
    for (;;) {
      const old = Atomics.load(this.i32, at);
      if (Atomics.compareExchange(this.i32, at, old, (old & ~mask) | (bits & mask)) === old) return old;
    }
  }

  // --- inodes -----------------------------------------------------------------

  private ib(i: number): number {
    return INODES_BYTE + i * INODE_STRIDE;
  }
  private seqAt(i: number): number {
    return this.ib(i) >> 2;
  }

  /** Int32 index of an inode entry's i32 field at byte `b` (IB). */
  at32(i: number, b: IB | 0): number {
    return (this.ib(i) + b) >> 2;
  }
  get32i(i: number, b: IB): number {
    return Atomics.load(this.i32, this.at32(i, b));
  }
  set32i(i: number, b: IB, v: number): void {
    Atomics.store(this.i32, this.at32(i, b), v);
  }
  /** The sequence counter of inode entry `i` (odd: a change is under way). */
  seq(i: number): number {
    return Atomics.load(this.i32, this.seqAt(i));
  }
  /** Mark a change of inode entry `i` begun / done (the caller holds WLOCK). */
  begin(i: number): void {
    Atomics.add(this.i32, this.seqAt(i), 1);
  }
  end(i: number): void {
    Atomics.add(this.i32, this.seqAt(i), 1);
  }
  /** Take WLOCK of inode entry `i` for `owner` if it is free; whether it was. */
  tryLock(i: number, owner: number): boolean {
    return Atomics.compareExchange(this.i32, this.at32(i, IB.WLOCK), 0, owner) === 0;
  }
  unlock(i: number): void {
    Atomics.store(this.i32, this.at32(i, IB.WLOCK), 0);
    Atomics.notify(this.i32, this.at32(i, IB.WLOCK));
  }
  /**
   * Kernel: whether the process `pid` still runs (set by the kernel): a lock
   * whose holder died mid-copy (its worker ended) is taken over.
   */
  alive: ((pid: number) => boolean) | null = null;

  /** Take WLOCK, waiting for its holder (whose critical sections are a copy long). */
  lock(i: number, owner: number): void {
    const at = this.at32(i, IB.WLOCK);
    for (let spins = 0; ; spins++) {
      const held = Atomics.compareExchange(this.i32, at, 0, owner);
      if (held === 0) return;
      if (spins < 1000) continue;
      if (held > 0 && this.alive && !this.alive(held) && Atomics.compareExchange(this.i32, at, held, owner) === held) {
        // Its change never ended: end it, so the sequence counter is even again.
        if (this.seq(i) & 1) this.end(i);
        return;
      }
      Atomics.wait(this.i32, at, held, 1);
    }
  }
  /** Page `n` of inode entry `i`'s file (0: a hole, or no page table). */
  page(i: number, n: number): number {
    const pt = this.get32i(i, IB.PT);
    if (pt === 0 || n >= PT_ENTRIES || !this.words) return 0;
    return Atomics.load(this.words, pt * PT_ENTRIES + n);
  }
  setPage(pt: number, n: number, page: number): void {
    Atomics.store(this.words!, pt * PT_ENTRIES + n, page);
  }

  /** Inode entries whose WLOCK the kernel holds now (its changes inside need no bracket of their own). */
  readonly held = new Set<number>();

  /** Kernel: write one field of inode entry `i` (readers retry across it). */
  writeField(i: number, f: InodeField | 'mode' | 'filetype', v: bigint | number): void {
    if (this.held.has(i)) return this.put(i, f, v);
    this.lock(i, KERNEL_LOCK);
    this.begin(i);
    this.put(i, f, v);
    this.end(i);
    this.unlock(i);
  }
  private put(i: number, f: InodeField | 'mode' | 'filetype', v: bigint | number): void {
    if (f === 'mode') this.view.setUint32(this.ib(i) + IB.MODE, Number(v), true);
    else if (f === 'filetype') this.view.setBigUint64(this.ib(i) + IB.FILETYPE, BigInt(v), true);
    else this.view.setBigUint64(this.ib(i) + FIELD_BYTE[f], BigInt(v), true);
  }

  /** Kernel: write the whole entry (a new one: nobody reads it yet). */
  writeAll(i: number, st: InodeStat): void {
    const seq = this.seqAt(i), at = this.ib(i), v = this.view;
    Atomics.add(this.i32, seq, 1);
    Atomics.store(this.i32, this.at32(i, IB.PT), 0);
    Atomics.store(this.i32, this.at32(i, IB.WRITES), 0);
    for (const f of Object.keys(FIELD_BYTE) as InodeField[]) v.setBigUint64(at + FIELD_BYTE[f], st[f], true);
    v.setUint32(at + IB.MODE, st.mode, true);
    v.setBigUint64(at + IB.FILETYPE, BigInt(st.filetype), true); // a u8 and padding, as in a filestat
    Atomics.add(this.i32, seq, 1);
  }

  /** One field, read alone (a u64 written under the seqlock cannot tear: retried until stable). */
  readField(i: number, f: InodeField): bigint {
    const seq = this.seqAt(i), at = this.ib(i) + FIELD_BYTE[f];
    // The kernel in the middle of its own change reads what it has written.
    if (this.held.has(i)) return this.view.getBigUint64(at, true);
    for (;;) {
      const s0 = Atomics.load(this.i32, seq);
      const v = this.view.getBigUint64(at, true);
      if ((s0 & 1) === 0 && Atomics.load(this.i32, seq) === s0) return v;
    }
  }

  /** The mode, read alone. */
  readMode(i: number): number {
    const seq = this.seqAt(i), at = this.ib(i) + IB.MODE;
    if (this.held.has(i)) return this.view.getUint32(at, true);
    for (;;) {
      const s0 = Atomics.load(this.i32, seq);
      const v = this.view.getUint32(at, true);
      if ((s0 & 1) === 0 && Atomics.load(this.i32, seq) === s0) return v;
    }
  }

  /**
   * Copy inode entry `i`'s filestat (STAT_BYTES) to `into` at `to`,
   * consistent: retried while the kernel writes.
   */
  copyStat(i: number, into: Uint8Array, to: number): void {
    const seq = this.seqAt(i), from = this.ib(i) + IB.DEV;
    const src = new Uint8Array(this.sab, from, STAT_BYTES);
    for (;;) {
      const s0 = Atomics.load(this.i32, seq);
      if ((s0 & 1) !== 0) continue;
      into.set(src, to);
      if (Atomics.load(this.i32, seq) === s0) return;
    }
  }
}
