// Whiteouts and opaque markers as an overlay's writable upper layer (a plain
// MemFs) holds them: a deleted lower entry NAME is an entry NAME whose inode is
// WHITEOUT (Linux overlayfs uses a 0/0 character device the same way), and a
// directory that hides all lower contents holds an entry OPAQUE_NAME whose
// inode is OPAQUE (overlayfs uses the trusted.overlay.opaque xattr; a MemDir
// has none). overlay.ts makes and reads them; changeset.ts reports them; a
// snapshot restore writes them back with the helpers here. Names starting with
// `.wh.` are reserved, as in OCI layers, so the marker cannot collide with a file.
// Spec: OCI image-spec layer.md ("Whiteouts"); Linux Documentation/filesystems/overlayfs.rst.
import { Errno, err, isErr, type Err } from '../abi/errno.js';
import { Filetype } from '../abi/wasi.js';
import type { OpenFile } from './file.js';
import { Inode, type DirInode, type Stat } from './inode.js';
import type { MemDir } from './memfs.js';

/** OCI's prefix for deletions: no real entry may start with it. */
export const WH_PREFIX = '.wh.';
/** The opaque marker's name, as in an OCI layer. */
export const OPAQUE_NAME = '.wh..wh..opq';

class Marker extends Inode {
  readonly filetype = Filetype.CHARACTER_DEVICE;
  stat(): Stat {
    return { dev: 0n, ino: 0n, filetype: this.filetype, nlink: 1n, size: 0n, atim: 0n, mtim: 0n, ctim: 0n };
  }
  open(): OpenFile | Err {
    return err(Errno.NXIO);
  }
}

/** The inode of every whiteout entry (one object: it has no state). */
export const WHITEOUT: Inode = new Marker();
/** The inode of every opaque marker. */
export const OPAQUE: Inode = new Marker();

/** Whether `name` is one of OCI's reserved names. */
export function isReserved(name: string): boolean {
  return name.startsWith(WH_PREFIX);
}

export function isWhiteout(dir: DirInode, name: string): boolean {
  return dir.lookup(name) === WHITEOUT;
}

export function isOpaque(dir: DirInode): boolean {
  return dir.lookup(OPAQUE_NAME) === OPAQUE;
}

/** Whether `dir` holds nothing but markers. */
export function onlyMarkers(dir: DirInode): boolean {
  const all = dir.list();
  return !isErr(all) && all.every(([, n]) => n === WHITEOUT || n === OPAQUE);
}

/** Hide lower entry `name` of `dir` (replacing whatever upper entry `name` had). */
export function addWhiteout(dir: MemDir, name: string): void {
  if (!isErr(dir.lookup(name))) dir.unlink(name);
  dir.add(name, WHITEOUT);
}

/** Remove a whiteout `name` of `dir`, if there is one (a new entry takes the name). */
export function dropWhiteout(dir: MemDir, name: string): void {
  if (isWhiteout(dir, name)) dir.unlink(name);
}

/** Make `dir` hide every lower entry. */
export function markOpaque(dir: MemDir): void {
  if (!isOpaque(dir)) dir.add(OPAQUE_NAME, OPAQUE);
}

/** Remove every marker of `dir` (before it is removed or replaced: it is empty as merged). */
export function clearMarkers(dir: MemDir): void {
  for (const [name, node] of dir.list()) if (node === WHITEOUT || node === OPAQUE) dir.unlink(name);
}
