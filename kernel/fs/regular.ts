// Open regular files: an offset over a byte store. The store is the inode
// (memfs.ts keeps bytes in memory; the host file system reads and writes the
// host file), so one handle class serves every file system.
import { Errno, err, isErr, type Err } from '../abi/errno.js';
import { Filetype, type Whence } from '../abi/wasi.js';
import { D } from '../ipc/filetable.js';
import { OpenFile, seekTarget } from './file.js';
import type { DescEntry } from './filetable.js';
import type { Inode } from './inode.js';

/** The bytes behind an open regular file: the inode's in memory, a host fd in Node. */
export interface FileData {
  fileSize(): number;
  /** Up to `max` bytes at `pos`; into `into` when given and the bytes must be copied anyway (File.read). */
  readAt(pos: number, max: number, into?: Uint8Array): Uint8Array | Err;
  writeAt(pos: number, data: Uint8Array): number | Err;
  /**
   * O_APPEND: write at the end as it is when the write happens (processes
   * may be appending at the same time: memfs.ts); the end after it.
   */
  append?(data: Uint8Array): number | Err;
  truncate(size: number): Errno;
  /** An open description of the data was made / released (memfs frees an unlinked file's bytes at the last). */
  opened?(): void;
  closed?(): void;
}

/** The first bytes of a WebAssembly module. */
const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** Offsets beyond 2^53 are not representable as a JS number: EFBIG/EINVAL there. */
const MAX_OFFSET = BigInt(Number.MAX_SAFE_INTEGER);

export class RegularFileHandle extends OpenFile {
  readonly filetype = Filetype.REGULAR_FILE;
  private ownPos = 0n;
  /**
   * The open file table's entry (fs/filetable.ts), once processes use this
   * description without the kernel: then the offset and the status flags
   * live there, and every change of the offset is one compare-and-swap.
   */
  shared: DescEntry | null = null;
  /**
   * For a file this description created through WASI's path_open (fs/open.ts
   * wasmMode): the mode it takes if the first write at offset 0 starts with
   * the WebAssembly magic; null once decided.
   */
  execIfWasm: number | null = null;

  constructor(readonly file: Inode, readonly node: FileData, readable: boolean, writable: boolean) {
    super(readable, writable);
    node.opened?.();
  }

  override release(): void {
    if (this.shared) this.shared.table.unshare(this, this.shared);
    this.shared = null;
    this.node.closed?.();
  }

  /** The file offset. */
  get pos(): bigint {
    const s = this.shared;
    return s ? s.views.offset(s.slot) : this.ownPos;
  }
  set pos(v: bigint) {
    const s = this.shared;
    if (s) s.views.setOffset(s.slot, v);
    else this.ownPos = v;
  }
  override get fdflags(): number {
    const s = this.shared;
    return s ? s.views.get32(s.slot, D.FLAGS) : super.fdflags;
  }
  override set fdflags(v: number) {
    const s = this.shared;
    if (s) s.views.set32(s.slot, D.FLAGS, v);
    else super.fdflags = v;
  }

  /** Keep the offset and the flags in `entry` from now on (FileTable.share). */
  moveInto(entry: DescEntry): void {
    const [pos, flags] = [this.pos, this.fdflags];
    entry.views.setOffset(entry.slot, pos);
    entry.views.set32(entry.slot, D.FLAGS, flags);
    this.shared = entry;
  }

  override get inode(): Inode {
    return this.file;
  }

  /** Where the next write(2) goes: the offset, or the end under O_APPEND. */
  get writeOffset(): bigint {
    return this.append ? BigInt(this.node.fileSize()) : this.pos;
  }

  override read(max: number, into?: Uint8Array): Uint8Array | Err {
    if (!this.readable) return err(Errno.BADF);
    const data = this.node.readAt(Number(this.pos), max, into);
    if (isErr(data)) return data;
    this.pos += BigInt(data.length);
    return data;
  }
  override write(data: Uint8Array): number | Err {
    if (!this.writable) return err(Errno.BADF);
    if (this.append && this.node.append) {
      if (this.execIfWasm !== null) this.markIfWasm(this.node.fileSize(), data);
      const end = this.node.append(data);
      if (isErr(end)) return end;
      this.pos = BigInt(end);
      return data.length;
    }
    if (this.append) this.pos = BigInt(this.node.fileSize());
    if (this.execIfWasm !== null) this.markIfWasm(Number(this.pos), data);
    const n = this.node.writeAt(Number(this.pos), data);
    if (isErr(n)) return n;
    this.pos += BigInt(n);
    return n;
  }
  override pread(max: number, pos: bigint, into?: Uint8Array): Uint8Array | Err {
    if (!this.readable) return err(Errno.BADF);
    if (pos < 0n || pos > MAX_OFFSET) return err(Errno.INVAL);
    return this.node.readAt(Number(pos), max, into);
  }
  override pwrite(data: Uint8Array, pos: bigint): number | Err {
    if (!this.writable) return err(Errno.BADF);
    if (pos < 0n || pos > MAX_OFFSET) return err(Errno.INVAL);
    // Linux ignores the offset of pwrite on an O_APPEND file and appends; so do we.
    if (this.append && this.node.append) {
      if (this.execIfWasm !== null) this.markIfWasm(this.node.fileSize(), data);
      const end = this.node.append(data);
      return isErr(end) ? end : data.length;
    }
    const at = this.append ? this.node.fileSize() : Number(pos);
    if (this.execIfWasm !== null) this.markIfWasm(at, data);
    return this.node.writeAt(at, data);
  }
  /** The first write at offset 0 decides: a WebAssembly module becomes executable. */
  private markIfWasm(at: number, data: Uint8Array): void {
    if (at !== 0 || data.length === 0) return;
    if (data.length >= 4 && WASM_MAGIC.every((b, i) => data[i] === b)) this.file.setMode(this.execIfWasm!);
    this.execIfWasm = null;
    this.shared?.table.accessChanged(this);
  }

  protected override seekTo(offset: bigint, whence: Whence): bigint | Err {
    const next = seekTarget(this.pos, () => BigInt(this.node.fileSize()), offset, whence);
    if (isErr(next)) return next;
    if (next > MAX_OFFSET) return err(Errno.INVAL);
    this.pos = next;
    return next;
  }
  override setSize(size: bigint): Errno {
    if (!this.writable) return Errno.BADF;
    if (size < 0n) return Errno.INVAL;
    if (size > MAX_OFFSET) return Errno.FBIG;
    return this.node.truncate(Number(size));
  }
  override allocate(offset: bigint, len: bigint): Errno {
    if (!this.writable) return Errno.BADF;
    if (offset < 0n || len <= 0n) return Errno.INVAL;
    const end = offset + len;
    if (end > MAX_OFFSET) return Errno.FBIG;
    if (end > BigInt(this.node.fileSize())) return this.node.truncate(Number(end));
    return Errno.SUCCESS;
  }
  /** Files live in memory (or the host's cache): there is nothing to prepare. */
  override advise(): Errno {
    return Errno.SUCCESS;
  }
  override readableBytes(): bigint {
    const left = BigInt(this.node.fileSize()) - this.pos;
    return left > 0n ? left : 0n;
  }
}
