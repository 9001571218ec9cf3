// Which path lookups a process may remember (runtime/dentries.ts): those whose
// answer only a system call can change. The kernel bumps the tree's
// generation after every call that may change the tree or an inode's stat
// (syscall/dispatch.ts), so a remembered stat of an in-memory file, directory
// or symlink — memfs, a tmpfs, an overlay — holds exactly while the
// generation stands still. Not so for what the host or the kernel changes on
// its own: host files (--dir), /proc, device nodes, terminals.
// Spec: none (a cache; POSIX only asks that stat be current).
import type { Inode } from './inode.js';
import { MemDir, MemFile, MemSymlink } from './memfs.js';
import { OverlayDir } from './overlay.js';
import { OverlayFile, OverlaySymlink } from './copyup.js';

/** Whether stat of `node`, found in `parent`, may be remembered until the tree's generation moves. */
export function cacheable(node: Inode, parent: Inode): boolean {
  return stable(node) && stable(parent);
}

function stable(n: Inode): boolean {
  return n instanceof MemFile || n instanceof MemDir || n instanceof MemSymlink ||
    n instanceof OverlayFile || n instanceof OverlayDir || n instanceof OverlaySymlink;
}
