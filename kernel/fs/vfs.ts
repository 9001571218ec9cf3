// The VFS: the root directory and the mount table. A mount attaches the root of
// another file system (a host directory, later an image overlay) on a directory
// of the in-memory tree; path resolution (path.ts) crosses into it on lookup.
// Spec: POSIX "Pathname Resolution"; Linux mount(2) for the over-mounting rule.
import { Errno, isErr } from '../abi/errno.js';
import { DeviceInode } from './devices.js';
import { DirInode, type Inode } from './inode.js';
import { MemDir, MemFs } from './memfs.js';

export class Vfs {
  readonly mem = new MemFs();
  private rootDir: DirInode;
  /** Mount point (a directory of the tree) → the root mounted over it. */
  private readonly mounts = new Map<Inode, DirInode>();

  constructor() {
    const root = this.mem.root;
    this.rootDir = root;
    for (const d of ['dev', 'tmp', 'proc', 'bin', 'etc', 'home', 'root']) root.mkdir(d);
    const dev = root.lookup('dev') as MemDir;
    for (const kind of ['null', 'zero'] as const) dev.add(kind, new DeviceInode(this.mem, kind));
    dev.add('random', new DeviceInode(this.mem, 'random'));
    dev.add('urandom', new DeviceInode(this.mem, 'random'));
  }

  get root(): DirInode {
    return this.rootDir;
  }

  /** What a lookup that found `node` continues with: the mounted root, if any. */
  cross(node: Inode): Inode {
    return this.mounts.get(node) ?? node;
  }

  /** Mount `fsRoot` on `path` (absolute), creating the directories on the way. */
  mount(path: string, fsRoot: DirInode): Errno {
    const names = path.split('/').filter((c) => c !== '' && c !== '.');
    if (names.includes('..')) return Errno.INVAL;
    if (names.length === 0) {
      this.rootDir = fsRoot;
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
    return Errno.SUCCESS;
  }
}
