// The changes an overlay's upper layer holds, as a list of paths: what a
// snapshot stores (notes/IMAGES.md §6: `{mode, mtime, data | target |
// whiteout | opaque}` per path) and what a new image layer is made of (§7:
// the layer *is* the upper). Parents come before their children, names sorted
// within a directory, so two walks of one upper give the same list.
// A file's bytes are read only when asked for (`data()`), one file at a time,
// so a large file is never held twice by making the list; a second name of a
// file or symlink is a `hardlink` to the first path, as tar records it.
// Spec: OCI image-spec layer.md ("Changesets"); pax hard links.
import { isErr } from '../abi/errno.js';
import { UpperDevice } from './copyup.js';
import type { Inode } from './inode.js';
import { MemDir, MemFile, MemSymlink, type MemFs } from './memfs.js';
import { OPAQUE, WHITEOUT, isOpaque } from './whiteout.js';

interface Attrs {
  /** Relative, '/'-separated; '' is the root. */
  path: string;
  /** Permission bits. */
  mode: number;
  /** ns since the epoch. */
  mtime: bigint;
}

export type UpperChange =
  | (Attrs & { kind: 'dir'; opaque: boolean })
  | (Attrs & { kind: 'file'; size: number; data: () => Uint8Array })
  | (Attrs & { kind: 'symlink'; target: string })
  | (Attrs & { kind: 'chardev' | 'blockdev' | 'fifo'; major: number; minor: number })
  | { path: string; kind: 'hardlink'; linkname: string }
  | { path: string; kind: 'whiteout' };

/** Every entry of `upper`, parents first; an entry `skip` names is left out with all below it. */
export function upperChanges(upper: MemFs, skip?: (node: Inode) => boolean): UpperChange[] {
  const out: UpperChange[] = [];
  const seen = new Map<Inode, string>();
  const walk = (dir: MemDir, path: string): void => {
    out.push({ ...attrs(dir, path), kind: 'dir', opaque: isOpaque(dir) });
    const entries = dir.list().sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [name, node] of entries) {
      const p = path === '' ? name : `${path}/${name}`;
      if (node === OPAQUE || skip?.(node)) continue;
      if (node === WHITEOUT) {
        out.push({ path: p, kind: 'whiteout' });
        continue;
      }
      if (node instanceof MemDir) {
        walk(node, p);
        continue;
      }
      const first = seen.get(node);
      if (first !== undefined) {
        out.push({ path: p, kind: 'hardlink', linkname: first });
        continue;
      }
      seen.set(node, p);
      const change = leafChange(node, p);
      if (change) out.push(change);
    }
  };
  walk(upper.root, '');
  return out;
}

function leafChange(node: Inode, path: string): UpperChange | null {
  if (node instanceof MemFile) return { ...attrs(node, path), kind: 'file', size: node.size, data: () => node.contents() };
  if (node instanceof MemSymlink) return { ...attrs(node, path), kind: 'symlink', target: node.target };
  if (node instanceof UpperDevice) return { ...attrs(node, path), kind: node.kind, major: node.major, minor: node.minor };
  return null; // nothing else is made in an upper layer
}

function attrs(node: Inode, path: string): Attrs {
  const st = node.stat();
  return { path, mode: node.getMode(), mtime: isErr(st) ? 0n : st.mtim };
}
