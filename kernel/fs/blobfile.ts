// A stored blob the kernel reads where it lies: an image layer stored as an
// uncompressed tar is indexed through it (image/tar.ts reads its headers only) and
// its files' bytes are read from it at each use (layer.ts), so a
// container of the toolchain image does not read the 75 MB compiler it may
// never run. Hosts whose store is a directory provide it (Node's store,
// kernel/host/node/blobstore.ts); a blob is immutable once stored, and an open
// file keeps its bytes even after the store deletes it.

export interface BlobFile {
  /** The blob's digest in its store ("sha256:…"): what its bytes are. */
  readonly digest: string;
  /** The blob's length in bytes. */
  readonly size: number;
  /** Read into `into` from byte `pos`: the bytes read, fewer only at the end of the blob. */
  read(into: Uint8Array, pos: number): number;
  /** Let the file go; no read may follow. */
  close(): void;
}

/** Where a file's bytes lie in a stored blob (fs/layer.ts LayerFile.stored, fs/inode.ts Inode.stored). */
export interface StoredRange {
  readonly blob: BlobFile;
  readonly at: number;
  readonly size: number;
}

/**
 * A name for the bytes of `r` that no other bytes have: the blob's digest and
 * their place in it. A program's loader files the compiled module under it
 * instead of hashing the program (proc/modules.ts).
 */
export function storedName(r: StoredRange): string {
  return `${r.blob.digest}@${r.at}+${r.size}`;
}

/** Fill `into` with the blob's bytes from `pos`; throws when the blob ends first (the read's contract: short only at the end). */
export function readBlobInto(f: BlobFile, into: Uint8Array, pos: number): void {
  const got = f.read(into, pos);
  if (got !== into.length) throw new Error(`the stored blob ends at byte ${pos + got}, inside a file that should end at byte ${pos + into.length}`);
}

/** Bytes [pos, pos+n) of `f` into a new array, `room` bytes into a buffer of room+n. Throws on a short read. */
export function readBlobRange(f: BlobFile, pos: number, n: number, room = 0): Uint8Array {
  const out = new Uint8Array(new ArrayBuffer(room + n), room, n);
  readBlobInto(f, out, pos);
  return out;
}
