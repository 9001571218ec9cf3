// The VFS: the root directory and the mount table. A mount attaches the root of
// another file system (a host directory, /proc, the tmpfs on /tmp, later an
// image overlay) on a directory of the tree; path resolution (path.ts) crosses
// into it on lookup. The table also answers /proc/mounts and statvfs.
// Spec: POSIX "Pathname Resolution", statvfs(3); Linux mount(2) for the
// over-mounting rule, proc(5) for /proc/mounts.
import { Errno, isErr } from '../abi/errno.js';
import type { MemoryBudget } from '../mm/budget.js';
import { DeviceInode } from './devices.js';
import { DirInode, type FsStat, type Inode } from './inode.js';
import { MemDir, MemFs } from './memfs.js';

/** One line of /proc/mounts. */
export interface Mount {
  /** Where it is mounted (absolute). */
  path: string;
  root: DirInode;
  /** The file system's kind (tmpfs, proc, hostfs…) and what it was made from. */
  type: string;
  source: string;
  readOnly: boolean;
}

export interface VfsOptions {
  /** What in-memory files are charged to. */
  budget?: MemoryBudget;
  /** The size of the tmpfs on /tmp, in bytes (default: only the budget bounds it). */
  tmpSize?: number;
}

export class Vfs {
  /** The root file system: in memory, bounded only by the budget. */
  readonly mem = new MemFs();
  /** The tmpfs mounted on /tmp. */
  readonly tmp: MemFs;
  private rootDir: DirInode;
  /** Mount point (a directory of the tree) → the root mounted over it. */
  private readonly mounts = new Map<Inode, DirInode>();
  private readonly table: Mount[] = [];

  constructor(opts: VfsOptions = {}) {
    const root = this.mem.root;
    this.rootDir = root;
    this.tmp = new MemFs(opts.tmpSize);
    if (opts.budget) {
      this.mem.useBudget(opts.budget);
      this.tmp.useBudget(opts.budget);
    }
    this.table.push({ path: '/', root, type: 'rootfs', source: 'rootfs', readOnly: false });
    for (const d of ['dev', 'tmp', 'proc', 'bin', 'etc', 'home', 'root']) root.mkdir(d);
    const dev = root.lookup('dev') as MemDir;
    for (const kind of ['null', 'zero'] as const) dev.add(kind, new DeviceInode(this.mem, kind));
    dev.add('random', new DeviceInode(this.mem, 'random'));
    dev.add('urandom', new DeviceInode(this.mem, 'random'));
    this.tmp.root.setMode(0o1777);
    this.mount('/tmp', this.tmp.root, 'tmpfs', 'tmpfs');
  }

  get root(): DirInode {
    return this.rootDir;
  }

  /** What a lookup that found `node` continues with: the mounted root, if any. */
  cross(node: Inode): Inode {
    return this.mounts.get(node) ?? node;
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
