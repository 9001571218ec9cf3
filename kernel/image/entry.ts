// One entry of an image layer, as the tar reader (tar.ts) yields it and the
// unpacker (unpack.ts) applies it to a layer's tree. Whiteouts are entries
// like any other here (a file named `.wh.NAME`, or `.wh..wh..opq` in a
// directory): what they mean is the unpacker's and the overlay's business.
// Spec: OCI image-spec layer.md ("Changesets", "Whiteouts"); POSIX pax
// "ustar Interchange Format" for the kinds.

export type EntryKind = 'file' | 'dir' | 'symlink' | 'hardlink' | 'chardev' | 'blockdev' | 'fifo';

export interface LayerEntry {
  /**
   * The path inside the layer, normalized: relative, no `./` prefix and no
   * trailing `/`, no empty, `.` or `..` component (the reader refuses an entry
   * that would land outside the root).
   */
  path: string;
  kind: EntryKind;
  /** Permission bits (0o7777). */
  mode: number;
  /** Modification time, nanoseconds since the epoch. */
  mtime: bigint;
  uid: number;
  gid: number;
  /** A symlink's target as written; a hardlink's target path, normalized as `path` is. */
  linkname: string;
  /** A file's size in bytes (0 for other kinds). */
  size: number;
  /**
   * A file's bytes, in pieces whose lengths add up to `size` (views into the
   * decompressed stream: the unpacker copies them into the layer's file and
   * drops them, so a large file is never held twice). Empty for other kinds.
   */
  data: Uint8Array[];
  /**
   * Where a file's bytes start in the stored blob, when the reader read the
   * headers of a stored tar (tar.ts) and left the bytes there: `data` is
   * empty then.
   */
  at?: number;
  /** For devices: major and minor numbers. */
  devmajor: number;
  devminor: number;
}
