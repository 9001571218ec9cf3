// Mount namespaces: a root directory and the mounts made beneath it. Every
// process has one (Process.ns), inherited by the children it forks and spawns
// and kept across exec. The kernel's first namespace (Vfs.init) holds the root
// image; a container's is rooted at its image's overlay, so its processes
// cannot name a file of the root image, nor the root image's processes one of
// the container's. Path resolution (path.ts) starts absolute paths and
// absolute symlinks at the namespace's root and crosses its mount points.
// A mount point is a directory inode: the same inode may be a mount point in
// one namespace and a plain directory in another.
// Spec: Linux mount_namespaces(7) (a mount table per namespace, inherited on
// clone without CLONE_NEWNS), mount(2) for the over-mounting rule, proc(5)
// for the /proc/PID/mounts format.
import { Errno, isErr } from '../abi/errno.js';
import { DirInode, type FsStat, type Inode } from './inode.js';

/** One line of /proc/mounts. */
export interface Mount {
  /** Where it is mounted (absolute). */
  path: string;
  root: DirInode;
  /** The file system's kind (tmpfs, proc, hostfs, overlay…) and what it was made from. */
  type: string;
  source: string;
  readOnly: boolean;
}

export class MountNamespace {
  private rootDir: DirInode;
  /** Mount point (a directory of this namespace's tree) → the root mounted over it. */
  private readonly mounts = new Map<Inode, DirInode>();
  private readonly table: Mount[];
  /**
   * The image whose container this namespace is (its reference), or null:
   * what the network policy is asked about for its processes (kernel/net/outbound.ts).
   */
  image: string | null = null;

  constructor(root: DirInode, type = 'rootfs', source = type, readOnly = false) {
    this.rootDir = root;
    this.table = [{ path: '/', root, type, source, readOnly }];
  }

  get root(): DirInode {
    return this.rootDir;
  }

  /** What a lookup that found `node` continues with: the mounted root, if any. */
  cross(node: Inode): Inode {
    return this.mounts.get(node) ?? node;
  }

  /** Whether `node` is a mount point of this namespace (what is under it belongs to another file system). */
  isMountPoint(node: Inode): boolean {
    return this.mounts.has(node);
  }

  /** Mount `fsRoot` on `path` (absolute), creating the directories on the way. */
  mount(path: string, fsRoot: DirInode, type = 'none', source = type, readOnly = false): Errno {
    const names = path.split('/').filter((c) => c !== '' && c !== '.');
    if (names.includes('..')) return Errno.INVAL;
    const entry: Mount = { path: '/' + names.join('/'), root: fsRoot, type, source, readOnly };
    if (names.length === 0) {
      this.rootDir = fsRoot;
      this.table.splice(0, this.table.length, entry);
      return Errno.SUCCESS;
    }
    let dir: DirInode = this.rootDir;
    for (const name of names) {
      let next = dir.lookup(name);
      if (isErr(next)) {
        const e = dir.mkdir(name);
        if (e !== Errno.SUCCESS) return e;
        next = dir.lookup(name);
        if (isErr(next)) return next.errno;
      }
      next = this.cross(next);
      if (!(next instanceof DirInode)) return Errno.NOTDIR;
      dir = next;
    }
    this.mounts.set(dir, fsRoot);
    // A mount over a mount point hides the one below (Linux lists both).
    this.table.push(entry);
    return Errno.SUCCESS;
  }

  /** The mount table, in mount order. */
  list(): readonly Mount[] {
    return this.table;
  }

  /**
   * statvfs of the file system `node` is on: the last mount whose root is on
   * the same device (a file system's inodes share its device number).
   */
  statfs(node: Inode): { mount: Mount; stat: FsStat } | null {
    const dev = node.stat();
    if (isErr(dev)) return null;
    for (let i = this.table.length - 1; i >= 0; i--) {
      const m = this.table[i];
      const st = m.root.stat();
      if (isErr(st) || st.dev !== dev.dev) continue;
      return { mount: m, stat: m.root.fsStat() };
    }
    return null;
  }
}
