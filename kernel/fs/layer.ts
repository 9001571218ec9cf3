// An image layer's tree: what one OCI layer adds, changes and deletes, unpacked
// once (kernel/image/unpack.ts turns a tar stream into LayerBuilder calls) and
// then read-only, shared by every overlay (overlay.ts) whose image has it.
// Deletions are kept as such, not as files: a directory's `whiteouts` are the
// names it hides in the layers below, `opaque` says it hides all of them. A
// name may be both an entry and a whiteout (OCI: a whiteout hides only what is
// below its own layer).
// File bytes live in CHUNK-sized arrays (memfs.ts's unit), so a copy-up can
// borrow them instead of copying (MemFile.borrowing). A layer read whole into
// one buffer (an uncompressed tar: image/rootfs.ts) is not copied at all: its
// files' chunks are views of that buffer, and such a file's `whole` is all of
// its bytes in one view, which a program's loader compiles from as it is
// (every fresh MiB costs page faults: clang's 75 MB copied twice was ~0.5 s
// of every container's start). A layer stored as an
// uncompressed tar in a host's store (blobfile.ts) is not read at all:
// its files' bytes stay in the stored blob, read from there at each use
// (`stored`), and are not charged to the memory budget, which counts memory. They are charged to the
// memory budget given to the builder, once for every container that uses them;
// LayerTree.release gives them back when the layer store drops the layer.
// Device nodes and FIFOs are kept (so they hide what is below, as extracting
// would) but have no driver: opening one is ENXIO (overlay.ts).
// Spec: OCI image-spec layer.md ("Changesets", "Whiteouts", "Opaque Whiteout");
// POSIX pax (hard links name an earlier entry of the same archive).
import { Errno } from '../abi/errno.js';
import { Use, type MemoryBudget } from '../mm/budget.js';
import { readBlobRange, type BlobFile, type StoredRange } from './blobfile.js';
import { BLOCK, CHUNK } from './memfs.js';

export interface LayerAttrs {
  /** Permission bits (0o7777). */
  readonly mode: number;
  /** Modification time, ns since the epoch. */
  readonly mtime: bigint;
}

export interface LayerDir extends LayerAttrs {
  readonly kind: 'dir';
  readonly entries: ReadonlyMap<string, LayerNode>;
  /** Names of the layers below that this directory hides (`.wh.NAME`). */
  readonly whiteouts: ReadonlySet<string>;
  /** Hides everything of the layers below (`.wh..wh..opq`). */
  readonly opaque: boolean;
  /** Made only because an entry beneath it was: its attributes are defaults, not the layer's. */
  readonly implicit: boolean;
}

export interface LayerFile extends LayerAttrs {
  readonly kind: 'file';
  readonly size: number;
  /** Chunk i holds bytes [i*CHUNK, …); every chunk but the last is CHUNK long. */
  readonly chunks: readonly Uint8Array[];
  /** All the bytes in one view, when the layer's buffer holds them so (never written to). */
  readonly whole?: Uint8Array;
  /** Where the bytes are when they stay in the stored blob; `chunks` reads them afresh then. */
  readonly stored?: StoredRange;
  /** Paths naming it in this layer (hard links). */
  readonly nlink: number;
}

export interface LayerSymlink extends LayerAttrs {
  readonly kind: 'symlink';
  readonly target: string;
  readonly nlink: number;
}

export interface LayerDevice extends LayerAttrs {
  readonly kind: 'chardev' | 'blockdev' | 'fifo';
  readonly major: number;
  readonly minor: number;
  readonly nlink: number;
}

export type LayerNode = LayerDir | LayerFile | LayerSymlink | LayerDevice;

/** One unpacked layer. Immutable: nothing may change a node once built. */
export class LayerTree {
  constructor(
    readonly root: LayerDir,
    /** Bytes of file data held (in whole blocks), charged to `budget`. */
    readonly bytes: number,
    private budget: MemoryBudget | null,
    /** The stored blob its files' bytes are read from, if they stayed there. */
    private blob: BlobFile | null = null,
  ) {}

  /** The layer is no longer used by anyone: its bytes go back to the budget, its stored blob is let go. */
  release(): void {
    this.budget?.release(Use.FILES, this.bytes);
    this.budget = null;
    this.blob?.close();
    this.blob = null;
  }
}

/** Bytes [pos, pos+max) of a layer file (a copy). */
export function readLayerFile(f: LayerFile, pos: number, max: number): Uint8Array {
  if (pos >= f.size) return new Uint8Array(0);
  if (f.stored) return readBlobRange(f.stored.blob, f.stored.at + pos, Math.min(f.size - pos, max));
  const end = Math.min(f.size, pos + max);
  const out = new Uint8Array(end - pos);
  for (let at = pos; at < end;) {
    const i = Math.floor(at / CHUNK), off = at - i * CHUNK;
    const n = Math.min(end - at, CHUNK - off);
    out.set(f.chunks[i].subarray(off, off + n), at - pos);
    at += n;
  }
  return out;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Dir = Omit<Mutable<LayerDir>, 'entries' | 'whiteouts'> & { entries: Map<string, Node>; whiteouts: Set<string> };
type Node = Dir | Mutable<LayerFile> | Mutable<LayerSymlink> | Mutable<LayerDevice>;

/**
 * Builds one layer, entry by entry, as extracting its tar would: a later entry
 * at a path replaces the earlier one (a directory over a directory only
 * updates its attributes and keeps its contents); missing parents are made.
 * Paths are relative and normalized ('' is the root).
 */
export class LayerBuilder {
  private readonly root: Dir = newDir(0o755, 0n, true);
  private bytes = 0;

  /**
   * `keep`: the pieces `file` is given are views of one buffer the layer may
   * keep (the whole blob, read for it alone), so a file in one piece becomes
   * views of it rather than a copy.
   */
  constructor(private readonly budget: MemoryBudget | null = null, private readonly keep = false, private readonly blob: BlobFile | null = null) {}

  dir(path: string, mode: number, mtime: bigint): void {
    const found = this.find(path);
    if (found?.kind === 'dir') Object.assign(found, { mode, mtime, implicit: false });
    else this.put(path, newDir(mode, mtime, false));
  }

  /**
   * A regular file: `pieces` (adding up to `size`) are copied into the
   * layer's own chunks, or kept as they are (`keep`, one piece). NOSPC past
   * the budget.
   */
  file(path: string, mode: number, mtime: bigint, size: number, pieces: readonly Uint8Array[], blobAt?: number): Errno {
    if (this.blob && blobAt !== undefined) {
      this.put(path, storedFile(this.blob, blobAt, size, mode, mtime));
      return Errno.SUCCESS;
    }
    const chunks: Uint8Array[] = [];
    const cost = chunkCost(size);
    if (this.budget && !this.budget.charge(Use.FILES, cost)) return Errno.NOSPC;
    this.bytes += cost;
    if (this.keep && pieces.length === 1 && pieces[0].length >= size) {
      const whole = pieces[0].subarray(0, size);
      for (let at = 0; at < size; at += CHUNK) chunks.push(whole.subarray(at, Math.min(size, at + CHUNK)));
      this.put(path, { kind: 'file', mode, mtime, size, chunks, whole, nlink: 1 });
      return Errno.SUCCESS;
    }
    for (let at = 0; at < size; at += CHUNK) chunks.push(new Uint8Array(Math.min(CHUNK, size - at)));
    let at = 0;
    for (const p of pieces) {
      for (let off = 0; off < p.length && at < size;) {
        const i = Math.floor(at / CHUNK), inChunk = at - i * CHUNK;
        const n = Math.min(p.length - off, CHUNK - inChunk, size - at);
        chunks[i].set(p.subarray(off, off + n), inChunk);
        off += n;
        at += n;
      }
    }
    this.put(path, { kind: 'file', mode, mtime, size, chunks, nlink: 1 });
    return Errno.SUCCESS;
  }

  symlink(path: string, mode: number, mtime: bigint, target: string): void {
    this.put(path, { kind: 'symlink', mode, mtime, target, nlink: 1 });
  }

  device(path: string, kind: LayerDevice['kind'], mode: number, mtime: bigint, major: number, minor: number): void {
    this.put(path, { kind, mode, mtime, major, minor, nlink: 1 });
  }

  /** A hard link to `target`, an earlier non-directory entry of this layer (NOENT if none, PERM for a directory). */
  hardlink(path: string, target: string): Errno {
    const node = this.find(target);
    if (!node) return Errno.NOENT;
    if (node.kind === 'dir') return Errno.PERM;
    if (path === target) return Errno.SUCCESS;
    node.nlink++;
    this.put(path, node);
    return Errno.SUCCESS;
  }

  /** `.wh.NAME` in `path`'s directory: hide `path` in the layers below. */
  whiteout(path: string): void {
    const { dir, name } = this.parentOf(path);
    if (name !== '') dir.whiteouts.add(name);
  }

  /** `.wh..wh..opq` in directory `path`: hide all of its lower contents. */
  opaque(path: string): void {
    let dir = this.find(path);
    if (dir?.kind !== 'dir') {
      dir = newDir(0o755, 0n, true);
      this.put(path, dir);
    }
    dir.opaque = true;
  }

  /** The finished layer; the builder must not be used after. */
  finish(): LayerTree {
    return new LayerTree(this.root, this.bytes, this.budget, this.blob);
  }

  /** Give back what was charged (an unpack that failed halfway), and the stored blob. */
  abandon(): void {
    this.budget?.release(Use.FILES, this.bytes);
    this.bytes = 0;
    this.blob?.close();
  }

  private find(path: string): Node | undefined {
    if (path === '') return this.root;
    let node: Node | undefined = this.root;
    for (const name of path.split('/')) {
      if (node?.kind !== 'dir') return undefined;
      node = node.entries.get(name);
    }
    return node;
  }

  /** The directory that holds `path` (made, implicitly, where missing or not a directory). */
  private parentOf(path: string): { dir: Dir; name: string } {
    const names = path === '' ? [] : path.split('/');
    let dir = this.root;
    for (const name of names.slice(0, -1)) {
      let next = dir.entries.get(name);
      if (next?.kind !== 'dir') {
        if (next) this.dropped(next);
        next = newDir(0o755, 0n, true);
        dir.entries.set(name, next);
      }
      dir = next;
    }
    return { dir, name: names[names.length - 1] ?? '' };
  }

  private put(path: string, node: Node): void {
    const { dir, name } = this.parentOf(path);
    if (name === '') return; // the root is only ever updated (dir())
    const old = dir.entries.get(name);
    if (old && old !== node) this.dropped(old);
    dir.entries.set(name, node);
  }

  /** An entry was replaced: a file whose last link it was gives its bytes back. */
  private dropped(node: Node): void {
    if (node.kind === 'dir') {
      for (const child of node.entries.values()) this.dropped(child);
      return;
    }
    if (--node.nlink > 0 || node.kind !== 'file' || node.stored) return;
    const cost = chunkCost(node.size);
    this.budget?.release(Use.FILES, cost);
    this.bytes -= cost;
  }
}

/** A file whose bytes stay in the stored blob: its chunks are read afresh each time they are asked for. */
function storedFile(blob: BlobFile, at: number, size: number, mode: number, mtime: bigint): Mutable<LayerFile> {
  return {
    kind: 'file', mode, mtime, size, nlink: 1, stored: { blob, at, size },
    get chunks(): Uint8Array[] {
      const bytes = readBlobRange(blob, at, size);
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < size; i += CHUNK) chunks.push(bytes.subarray(i, Math.min(size, i + CHUNK)));
      return chunks;
    },
  };
}

function newDir(mode: number, mtime: bigint, implicit: boolean): Dir {
  return { kind: 'dir', mode, mtime, implicit, opaque: false, entries: new Map(), whiteouts: new Set() };
}

/** What a file of `size` bytes costs: each chunk in whole blocks (memfs.ts counts the same way). */
function chunkCost(size: number): number {
  const full = Math.floor(size / CHUNK);
  return full * CHUNK + Math.ceil((size - full * CHUNK) / BLOCK) * BLOCK;
}
