// Copy-up: an overlay's files, symlinks and device nodes. Each is seen at one
// path of the merged tree and stands either for an upper inode (made in the
// writable layer) or for a lower one (in a read-only layer, layer.ts) until
// something changes it: opening for writing, truncating, chmod, utimes, a hard
// link or a rename first copies it into the upper layer, under its directory
// (made there too, by overlay.ts's ensureUpper), with its mode and times. A
// file's copy borrows the layer's chunks (MemFile.borrowing): no byte is
// copied until one changes.
// An open read-only description of a lower file keeps reading the lower bytes
// after a copy-up (as on Linux overlayfs: it holds the lower file), and one
// opened for writing was copied up at open, so it always writes the upper.
// A leaf keeps its inode number across copy-up; hard links of one lower file
// become separate files when one of them is copied up (overlayfs with
// index=off does the same).
// Spec: Linux Documentation/filesystems/overlayfs.rst ("Non-directories",
// "Multiple lower layers"); POSIX chmod(2), link(2) for what they change.
import { Errno, err, isErr, type Err } from '../abi/errno.js';
import { Filetype } from '../abi/wasi.js';
import type { OpenFile } from './file.js';
import { FileInode, Inode, SymlinkInode, type MetaStore, type OpenMode, type Stat } from './inode.js';
import { readBlobInto, readBlobRange, type StoredRange } from './blobfile.js';
import { readLayerFile, type LayerAttrs, type LayerDevice, type LayerFile, type LayerNode, type LayerSymlink } from './layer.js';
import { CHUNK, MemFile, MemSymlink, type MemDir, type MemFs } from './memfs.js';
import type { Meta } from './meta.js';
import { RegularFileHandle, type FileData } from './regular.js';

/** What the leaves need of their overlay (overlay.ts). */
export interface OverlayContext {
  readonly dev: bigint;
  readonly upperFs: MemFs;
  /** The inode number of the object standing for `key` (an upper inode or a lower node). */
  ino(key: object): bigint;
  /** `key` (a copy) is known by `ino` from now on. */
  keepIno(key: object, ino: bigint): void;
}

/** Where a leaf is: its directory in the merged tree and its name there (rename moves it). */
export interface Place {
  dir: { ensureUpper(): MemDir | Err };
  name: string;
}

/** The upper inodes a leaf can stand for. */
type UpperLeaf = MemFile | MemSymlink | UpperDevice;

abstract class Leaf<U extends UpperLeaf, L extends LayerNode> implements MetaStore {
  /** Removed from the tree (unlinked, renamed over): a copy-up has nowhere to go. */
  dead = false;

  constructor(
    readonly ov: OverlayContext,
    public place: Place,
    public upper: U | null,
    readonly lower: L | null,
    readonly ino: bigint,
  ) {}

  /** The upper inode, copied up first if it is not there yet. */
  copyUp(): U | Err {
    if (this.upper) return this.upper;
    if (this.dead || !this.lower) return err(Errno.NOENT);
    const dir = this.place.dir.ensureUpper();
    if (isErr(dir)) return dir;
    const node = this.makeUpper(this.ov.upperFs, this.lower);
    if (isErr(node)) return node;
    node.meta.mode = this.lower.mode;
    node.meta.atim = node.meta.mtim = this.lower.mtime;
    addKeepingTimes(dir, this.place.name, node);
    this.ov.keepIno(node, this.ino);
    this.upper = node;
    return node;
  }

  /** The upper copy of `lower`; EIO when its bytes cannot be read (a stored blob that went short). */
  protected abstract makeUpper(fs: MemFs, lower: L): U | Err;

  getMode(): number {
    return this.mode();
  }
  mode(): number {
    return this.upper?.getMode() ?? this.lower!.mode;
  }
  /** chmod(2): on the copy. */
  setMode(mode: number): Errno {
    const u = this.copyUp();
    return isErr(u) ? u.errno : u.setMode(mode);
  }
  /** utimensat(2): on the copy. */
  setTimes(atim: bigint | undefined, mtim: bigint | undefined): Errno {
    const u = this.copyUp();
    return isErr(u) ? u.errno : u.setTimes(atim, mtim);
  }
}

/** Add `node` to `dir` without changing the directory's times (a copy-up is no change to it; overlayfs restores them too). */
export function addKeepingTimes(dir: MemDir, name: string, node: Inode): void {
  const { atim, mtim } = dir.meta;
  dir.add(name, node);
  dir.meta.atim = atim;
  dir.meta.mtim = mtim;
}

/** stat of a lower node (its times are its mtime). */
function lowerStat(ov: OverlayContext, ino: bigint, n: LayerAttrs & { nlink: number }, filetype: Filetype, size: number): Stat {
  return { dev: ov.dev, ino, filetype, nlink: BigInt(n.nlink), size: BigInt(size), atim: n.mtime, mtim: n.mtime, ctim: n.mtime };
}

/** stat of an upper inode, as the overlay shows it. */
function upperStat(ov: OverlayContext, ino: bigint, u: Inode): Stat | Err {
  const st = u.stat();
  return isErr(st) ? st : { ...st, dev: ov.dev, ino };
}

export class OverlayFile extends FileInode {
  readonly leaf: FileLeaf;
  override readonly meta: MetaStore;

  constructor(ov: OverlayContext, place: Place, upper: MemFile | null, lower: LayerFile | null) {
    super();
    this.leaf = new FileLeaf(ov, place, upper, lower, ov.ino(upper ?? lower!));
    this.meta = this.leaf; // times and mode: the upper's once copied up, else the layer's
  }

  stat(): Stat | Err {
    const { ov, ino, upper, lower } = this.leaf;
    return upper ? upperStat(ov, ino, upper) : lowerStat(ov, ino, lower!, this.filetype, lower!.size);
  }
  /** Opening for writing copies up first (overlayfs does it at open, so a later truncate or write finds the copy). */
  open(mode: OpenMode): OpenFile | Err {
    if (mode.write) {
      const u = this.leaf.copyUp();
      if (isErr(u)) return u;
    }
    const data: FileData = this.leaf.upper ?? new LowerData(this.leaf.lower!);
    return new RegularFileHandle(this, data, mode.read, mode.write);
  }
  /** The layer's bytes while the file is not copied up. */
  override wholeView(): Uint8Array | null {
    return this.leaf.upper ? null : (this.leaf.lower!.whole ?? null);
  }
  /** The layer's place in its stored blob, while the file is not copied up. */
  override stored(): StoredRange | null {
    return this.leaf.upper ? null : (this.leaf.lower!.stored ?? null);
  }
}

class FileLeaf extends Leaf<MemFile, LayerFile> {
  protected makeUpper(fs: MemFs, lower: LayerFile): MemFile | Err {
    if (lower.stored) return storedCopy(fs, lower.stored);
    let chunks: readonly Uint8Array[];
    try {
      chunks = lower.chunks; // a stored file's are read here
    } catch {
      return err(Errno.IO);
    }
    return MemFile.borrowing(fs, chunks, lower.size);
  }
}

/**
 * The copy-up of a file left in its stored blob: nothing of it is in memory
 * to borrow, so its bytes are read and written a chunk at a time, each
 * charged to the budget (NOSPC past it, with nothing kept); EIO when the blob
 * is short.
 */
function storedCopy(fs: MemFs, stored: StoredRange): MemFile | Err {
  const f = MemFile.borrowing(fs, [], 0);
  const fail = (e: Err): Err => {
    f.truncate(0);
    return e;
  };
  for (let at = 0; at < stored.size; at += CHUNK) {
    let piece: Uint8Array;
    try {
      piece = readBlobRange(stored.blob, stored.at + at, Math.min(CHUNK, stored.size - at));
    } catch {
      return fail(err(Errno.IO));
    }
    const n = f.writeAt(at, piece);
    if (isErr(n)) return fail(n);
  }
  return f;
}

/** A lower file's bytes behind a read-only description. */
class LowerData implements FileData {
  constructor(private readonly file: LayerFile) {}
  fileSize(): number {
    return this.file.size;
  }
  /** A stored file's bytes go straight into `into` when given; EIO when the stored blob is short. */
  readAt(pos: number, max: number, into?: Uint8Array): Uint8Array | Err {
    const stored = this.file.stored;
    try {
      if (!stored || !into || pos >= this.file.size) return readLayerFile(this.file, pos, max);
      const out = into.subarray(0, Math.min(max, into.length, this.file.size - pos));
      readBlobInto(stored.blob, out, stored.at + pos);
      return out;
    } catch {
      return err(Errno.IO);
    }
  }
  writeAt(): number | Err {
    return err(Errno.BADF);
  }
  truncate(): Errno {
    return Errno.BADF;
  }
}

export class OverlaySymlink extends SymlinkInode {
  readonly leaf: SymlinkLeaf;
  override readonly meta: MetaStore;

  constructor(ov: OverlayContext, place: Place, upper: MemSymlink | null, lower: LayerSymlink | null) {
    super();
    this.leaf = new SymlinkLeaf(ov, place, upper, lower, ov.ino(upper ?? lower!));
    this.meta = this.leaf; // times and mode: the upper's once copied up, else the layer's
  }

  readlink(): string {
    return this.leaf.upper?.readlink() ?? this.leaf.lower!.target;
  }
  stat(): Stat | Err {
    const { ov, ino, upper, lower } = this.leaf;
    return upper ? upperStat(ov, ino, upper) : lowerStat(ov, ino, lower!, this.filetype, new TextEncoder().encode(lower!.target).length);
  }
}

class SymlinkLeaf extends Leaf<MemSymlink, LayerSymlink> {
  protected makeUpper(fs: MemFs, lower: LayerSymlink): MemSymlink {
    return new MemSymlink(fs, lower.target);
  }
}

const DEVICE_TYPES = { chardev: Filetype.CHARACTER_DEVICE, blockdev: Filetype.BLOCK_DEVICE, fifo: Filetype.UNKNOWN } as const;

/** A device node or FIFO from an image, copied up: it keeps its numbers, and has no driver. */
export class UpperDevice extends Inode {
  readonly filetype: Filetype;
  override readonly meta: Meta;

  constructor(fs: MemFs, readonly kind: LayerDevice['kind'], readonly major: number, readonly minor: number) {
    super();
    this.filetype = DEVICE_TYPES[kind];
    this.meta = fs.meta(this.filetype);
  }
  stat(): Stat {
    return this.meta.stat(0n);
  }
  open(): OpenFile | Err {
    return err(Errno.NXIO);
  }
}

/** An image's device node or FIFO: visible (stat, ls), but opening it is ENXIO (no driver behind it). */
export class OverlayDevice extends Inode {
  readonly filetype: Filetype;
  readonly leaf: DeviceLeaf;
  override readonly meta: MetaStore;

  constructor(ov: OverlayContext, place: Place, upper: UpperDevice | null, lower: LayerDevice | null) {
    super();
    this.leaf = new DeviceLeaf(ov, place, upper, lower, ov.ino(upper ?? lower!));
    this.meta = this.leaf; // times and mode: the upper's once copied up, else the layer's
    this.filetype = upper?.filetype ?? DEVICE_TYPES[lower!.kind];
  }
  stat(): Stat | Err {
    const { ov, ino, upper, lower } = this.leaf;
    return upper ? upperStat(ov, ino, upper) : lowerStat(ov, ino, lower!, this.filetype, 0);
  }
  open(): OpenFile | Err {
    return err(Errno.NXIO);
  }
}

class DeviceLeaf extends Leaf<UpperDevice, LayerDevice> {
  protected makeUpper(fs: MemFs, lower: LayerDevice): UpperDevice {
    return new UpperDevice(fs, lower.kind, lower.major, lower.minor);
  }
}

/** Any leaf of an overlay. */
export type OverlayLeaf = OverlayFile | OverlaySymlink | OverlayDevice;

export function isLeaf(node: Inode): node is OverlayLeaf {
  return node instanceof OverlayFile || node instanceof OverlaySymlink || node instanceof OverlayDevice;
}
