// The VFS: the in-memory root file system, the tmpfs on /tmp and the kernel's
// first mount namespace (namespace.ts), in which the root image, /proc, /tmp
// and host directories are mounted and every process starts.
import type { Errno } from '../abi/errno.js';
import type { MemoryBudget } from '../mm/budget.js';
import { DeviceInode } from './devices.js';
import type { DirInode } from './inode.js';
import { MemDir, MemFs } from './memfs.js';
import { MountNamespace, type Mount } from './namespace.js';

export type { Mount } from './namespace.js';

export interface VfsOptions {
  /** What in-memory files are charged to. */
  budget?: MemoryBudget;
  /** The size of the tmpfs on /tmp, in bytes (default: only the budget bounds it). */
  tmpSize?: number;
}

/** /dev's null, zero, random and urandom, in `dev`. */
export function addMemoryDevices(dev: MemDir): void {
  for (const kind of ['null', 'zero', 'random'] as const) dev.add(kind, new DeviceInode(dev.fs, kind));
  dev.add('urandom', new DeviceInode(dev.fs, 'random'));
}

export class Vfs {
  /** The root file system: in memory, bounded only by the budget. */
  readonly mem = new MemFs();
  /** The tmpfs mounted on /tmp. */
  readonly tmp: MemFs;
  /** The kernel's first mount namespace: the root image's (and the one every process starts in). */
  readonly init: MountNamespace;

  constructor(opts: VfsOptions = {}) {
    const root = this.mem.root;
    this.init = new MountNamespace(root);
    this.tmp = new MemFs(opts.tmpSize);
    if (opts.budget) {
      this.mem.useBudget(opts.budget);
      this.tmp.useBudget(opts.budget);
    }
    for (const d of ['dev', 'tmp', 'proc', 'bin', 'etc', 'home', 'root']) root.mkdir(d);
    addMemoryDevices(root.lookup('dev') as MemDir);
    this.tmp.root.setMode(0o1777);
    this.mount('/tmp', this.tmp.root, 'tmpfs', 'tmpfs');
  }

  /** The first namespace's root. */
  get root(): DirInode {
    return this.init.root;
  }

  /** Mount in the first namespace (MountNamespace.mount). */
  mount(path: string, fsRoot: DirInode, type = 'none', source = type, readOnly = false): Errno {
    return this.init.mount(path, fsRoot, type, source, readOnly);
  }

  /** The first namespace's mount table. */
  list(): readonly Mount[] {
    return this.init.list();
  }
}
