// Path resolution beneath a directory, as WASI requires of every path_* call:
// the walk starts at a directory fd and may never leave it — an absolute path,
// an absolute symlink or a `..` above the start fails with EPERM (wasmtime's
// answer), which also confines host directories mounted in the tree.
// `..` pops the chain of directories actually walked (like openat2's
// RESOLVE_BENEATH), so it is correct across mounts and through symlinks.
// Symlinks are expanded in place; more than 40 expansions is ELOOP.
// Spec: POSIX "Pathname Resolution" (trailing slashes, symlinks in the middle).
import { Errno, err, isErr, type Err } from '../abi/errno.js';
import { DirInode, SymlinkInode, type Inode } from './inode.js';
import type { MountNamespace } from './namespace.js';

export const SYMLOOP_MAX = 40;
export const PATH_MAX = 4096;

export interface Resolved {
  /** The directory that holds (or would hold) the final component. */
  parent: DirInode;
  /** The final component; '.' when the path names `parent` itself. */
  name: string;
  /** What the final component names; null when it does not exist. */
  node: Inode | null;
  /** The path ended in '/' (the final component must be a directory). */
  trailingSlash: boolean;
}

/**
 * Resolve `path` beneath `start`. A symlink as the final component is followed
 * only when `follow` is set or the path ends in '/'.
 */
export function resolve(ns: MountNamespace, start: DirInode, path: string, follow: boolean, unix = false): Resolved | Err {
  if (path.startsWith('/')) return err(Errno.PERM);
  return walk(ns, start, path, follow, !unix);
}

/**
 * Resolve a path the way the kernel itself does (exec, spawn, chdir): from the
 * namespace's root for an absolute path, else from `cwd`; `..` at the root
 * stays there.
 */
export function resolveAbsolute(ns: MountNamespace, cwd: string, path: string, follow: boolean): Resolved | Err {
  const full = path.startsWith('/') ? path : `${cwd}/${path}`;
  return walk(ns, ns.root, full.replace(/^\/+/, '') || '.', follow, false);
}

/**
 * beneath: WASI's confinement (escapes are EPERM). Without it (a process of the
 * root image, whose preopen is the whole tree), absolute symlinks restart from
 * the namespace's root and `..` at the start stays there, as on Unix.
 */
function walk(ns: MountNamespace, start: DirInode, path: string, follow: boolean, beneath: boolean): Resolved | Err {
  if (path.length === 0) return err(Errno.NOENT);
  if (path.length > PATH_MAX) return err(Errno.NAMETOOLONG);
  if (path.includes('\0')) return err(Errno.INVAL);
  const stack: DirInode[] = [start];
  // Components still to walk, last one first (so splicing a symlink is a push).
  const todo = path.split('/').reverse();
  let trailingSlash = path.endsWith('/');
  let expansions = 0;

  while (todo.length > 0) {
    const name = todo.pop()!;
    const isFinal = todo.every((c) => c === '' || c === '.');
    // "a/" and "a/." name a directory: the final component must be one.
    if (isFinal && todo.length > 0) trailingSlash = true;
    const cur = stack[stack.length - 1];
    if (name === '' || name === '.') {
      if (isFinal) return { parent: cur, name: '.', node: cur, trailingSlash };
      continue;
    }
    if (name === '..') {
      if (stack.length === 1 && beneath) return err(Errno.PERM);
      if (stack.length > 1) stack.pop();
      if (isFinal) {
        const dir = stack[stack.length - 1];
        return { parent: dir, name: '.', node: dir, trailingSlash };
      }
      continue;
    }
    if (name.length > 255) return err(Errno.NAMETOOLONG);
    const found = cur.lookup(name);
    if (isErr(found)) {
      if (found.errno === Errno.NOENT && isFinal) return { parent: cur, name, node: null, trailingSlash };
      return found;
    }
    const node = ns.cross(found);
    if (node instanceof SymlinkInode && (!isFinal || follow || trailingSlash)) {
      if (++expansions > SYMLOOP_MAX) return err(Errno.LOOP);
      const target = node.readlink();
      if (isErr(target)) return target;
      if (target.length === 0) return err(Errno.NOENT);
      if (target.startsWith('/')) {
        if (beneath) return err(Errno.PERM);
        stack.length = 0; // an absolute target starts again from the root
        stack.push(ns.root);
      }
      // The rest of the path follows the target: "a/link/b" with link → "x/y" is "a/x/y/b".
      if (target.endsWith('/') && isFinal) trailingSlash = true;
      todo.push(...target.split('/').reverse());
      continue;
    }
    if (isFinal) return { parent: cur, name, node, trailingSlash };
    if (!(node instanceof DirInode)) return err(Errno.NOTDIR);
    stack.push(node);
  }
  const dir = stack[stack.length - 1];
  return { parent: dir, name: '.', node: dir, trailingSlash };
}
