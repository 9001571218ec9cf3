// Snapshots of an in-memory file system: its whole tree as a list of plain
// records (structured-clonable, so IndexedDB stores them as they are:
// kernel/host/browser/persist.ts) and back. The list is the changeset walk
// (changeset.ts upperChanges): parents before children, names sorted, a
// second name of a file or symlink a `hardlink` to the first path. When the
// file system is an overlay's upper layer (the page's root over its image,
// vfs.ts stackOn), its markers are records too: a `whiteout` for a name
// removed from the image, `opaque` on a directory that replaced one. Entries
// the caller skips (mount points: what is under them belongs to another file
// system) are left out with everything below them, and so are device nodes
// (/dev's are made by the kernel at boot, not saved).
// A snapshot is taken in one synchronous walk, so it is the tree at one
// instant: nothing else runs in the kernel's thread meanwhile. Restoring
// charges every file's bytes to the file system (and its budget) as a write
// does; a record that does not fit, or whose parent is missing, is skipped
// and named in the result.
// Spec: POSIX <sys/stat.h> (what a tree keeps: types, modes, mtimes, links).
import { Errno, isErr } from '../abi/errno.js';
import { upperChanges } from './changeset.js';
import type { Inode } from './inode.js';
import { MemDir, MemFile, MemSymlink, type MemFs } from './memfs.js';
import { addWhiteout, markOpaque } from './whiteout.js';

interface Attrs {
  /** Relative to the file system's root, '/'-separated; '' is the root. */
  path: string;
  /** Permission bits. */
  mode: number;
  /** ns since the epoch. */
  mtime: bigint;
}

export type SnapshotRecord =
  | (Attrs & { kind: 'dir'; opaque?: boolean })
  | (Attrs & { kind: 'file'; data: Uint8Array })
  | (Attrs & { kind: 'symlink'; target: string })
  | { path: string; kind: 'hardlink'; linkname: string }
  | { path: string; kind: 'whiteout' };

/** The tree of `fs` as records, parents first; entries `skip` names are left out with all below them. */
export function takeSnapshot(fs: MemFs, skip?: (node: Inode) => boolean): SnapshotRecord[] {
  const out: SnapshotRecord[] = [];
  for (const c of upperChanges(fs, skip)) {
    switch (c.kind) {
      case 'dir': out.push({ path: c.path, kind: 'dir', mode: c.mode, mtime: c.mtime, ...(c.opaque ? { opaque: true } : {}) }); break;
      case 'file': out.push({ path: c.path, kind: 'file', mode: c.mode, mtime: c.mtime, data: c.data() }); break;
      case 'symlink': out.push({ path: c.path, kind: 'symlink', mode: c.mode, mtime: c.mtime, target: c.target }); break;
      case 'hardlink': out.push({ path: c.path, kind: 'hardlink', linkname: c.linkname }); break;
      case 'whiteout': out.push({ path: c.path, kind: 'whiteout' }); break;
      default: break; // device nodes
    }
  }
  return out;
}

/**
 * Rebuild `records` into `fs`, merging with what it holds: a directory that
 * exists is kept (and takes the record's mode and mtime). First, the root's
 * empty directories the snapshot does not name are removed (unless `keep`
 * says so: mount points), so a top-level directory removed before the
 * snapshot stays removed. The paths that could not be restored, with why.
 */
export function restoreSnapshot(fs: MemFs, records: readonly SnapshotRecord[], keep?: (node: Inode) => boolean): string[] {
  const failed: string[] = [];
  pruneRoot(fs.root, records, keep);
  const nodes = new Map<string, Inode>([['', fs.root]]);
  const times: Array<[MemDir | MemFile | MemSymlink, bigint]> = [];
  for (const r of records) {
    const node = restoreOne(fs, nodes, r);
    if (typeof node === 'string') {
      failed.push(`${r.path}: ${node}`);
      continue;
    }
    if (r.kind === 'whiteout') continue;
    nodes.set(r.path, node);
    if (r.kind === 'hardlink') continue;
    if (node instanceof MemDir || node instanceof MemFile || node instanceof MemSymlink) {
      node.meta.mode = r.mode;
      times.push([node, r.mtime]);
    }
  }
  // Last, since adding an entry touches its directory's mtime.
  for (const [node, mtime] of times) node.meta.atim = node.meta.mtim = mtime;
  return failed;
}

/** Make one record's inode (or reuse a directory there); the inode, or why not. */
function restoreOne(fs: MemFs, nodes: Map<string, Inode>, r: SnapshotRecord): Inode | string {
  if (r.path === '') {
    if (r.kind !== 'dir') return 'the root is not a directory';
    if (r.opaque) markOpaque(fs.root);
    return fs.root;
  }
  const slash = r.path.lastIndexOf('/');
  const parent = nodes.get(slash < 0 ? '' : r.path.slice(0, slash));
  const name = r.path.slice(slash + 1);
  if (!(parent instanceof MemDir)) return 'no parent directory';
  if (r.kind === 'whiteout') {
    // A name the snapshot removed from the image: an empty directory the
    // kernel made there at boot gives way, anything else is a conflict.
    const there = parent.lookup(name);
    if (there instanceof MemDir && there.empty) parent.rmdir(name);
    else if (!isErr(there)) return 'a whiteout over an entry';
    addWhiteout(parent, name);
    return parent;
  }
  const made = make(fs, parent, name, r, nodes);
  if (made !== Errno.SUCCESS) return `errno ${made}`;
  const node = parent.lookup(name);
  return isErr(node) ? `errno ${node.errno}` : node;
}

function make(fs: MemFs, parent: MemDir, name: string, r: Exclude<SnapshotRecord, { kind: 'whiteout' }>, nodes: Map<string, Inode>): Errno {
  switch (r.kind) {
    case 'dir': {
      const there = parent.lookup(name);
      const e = there instanceof MemDir ? Errno.SUCCESS : parent.mkdir(name);
      const made = parent.lookup(name);
      if (e === Errno.SUCCESS && r.opaque && made instanceof MemDir) markOpaque(made);
      return e;
    }
    case 'symlink': return parent.symlink(name, r.target);
    case 'hardlink': {
      const target = nodes.get(r.linkname);
      return target ? parent.link(name, target) : Errno.NOENT;
    }
    case 'file': {
      const file = parent.createFile(name);
      if (isErr(file)) return file.errno;
      const n = (file as MemFile).writeAt(0, r.data);
      if (!isErr(n)) return Errno.SUCCESS;
      parent.unlink(name); // no half file: its space comes back
      return n.errno;
    }
  }
}

/** Remove the root's empty directories that `records` does not name (and `keep` does not keep). */
function pruneRoot(root: MemDir, records: readonly SnapshotRecord[], keep?: (node: Inode) => boolean): void {
  const named = new Set(records.map((r) => r.path));
  for (const [name, node] of root.list()) {
    if (node instanceof MemDir && node.empty && !named.has(name) && !keep?.(node)) root.rmdir(name);
  }
}
