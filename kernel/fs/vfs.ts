// The VFS: the root file system, the /dev and the tmpfs on /tmp, and the
// kernel's first mount namespace (namespace.ts), in which the root image,
// /proc, /tmp and host directories are mounted and every process starts.
// The root file system is in memory (`mem`). A host whose root image is a
// layer tree (the page's: host/browser/image.ts) stacks it under `mem` with
// stackOn(): the root becomes an overlay (overlay.ts) whose upper layer is
// `mem`, so every change a process makes — under /root, /bin or anywhere — is
// in `mem`, and a snapshot of `mem` (snapshot.ts) is the whole machine's
// state over the image. A host whose root image is a set of host directories
// (Node's) mounts them read-only instead (boot.ts).
import { Errno } from '../abi/errno.js';
import type { MemoryBudget } from '../mm/budget.js';
import { DeviceInode } from './devices.js';
import type { DirInode, Inode } from './inode.js';
import type { LayerTree } from './layer.js';
import { MemDir, MemFs } from './memfs.js';
import { MountNamespace, type Mount } from './namespace.js';
import { Overlay, OverlayDir } from './overlay.js';

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
  /** The root file system (the upper layer, once stackOn() put an image under it): in memory, bounded only by the budget. */
  readonly mem = new MemFs();
  /** The file system mounted on /dev: device nodes (the kernel adds the terminal's). */
  readonly dev = new MemFs();
  /** The tmpfs mounted on /tmp. */
  readonly tmp: MemFs;
  /** The kernel's first mount namespace: the root image's (and the one every process starts in). */
  readonly init: MountNamespace;
  /** The root image's overlay, once stackOn() made it. */
  private overlay: Overlay | null = null;

  constructor(opts: VfsOptions = {}) {
    const root = this.mem.root;
    this.init = new MountNamespace(root);
    this.tmp = new MemFs(opts.tmpSize);
    if (opts.budget) {
      for (const fs of [this.mem, this.dev, this.tmp]) fs.useBudget(opts.budget);
    }
    for (const d of ['home', 'root']) root.mkdir(d);
    addMemoryDevices(this.dev.root);
    this.tmp.root.setMode(0o1777);
    this.mount('/dev', this.dev.root, 'devtmpfs', 'devtmpfs');
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

  /**
   * Put `image` under the root file system: the first namespace's root
   * becomes the overlay of `image` with `mem` as its upper layer, and what
   * was mounted stays mounted at the same paths. Before any process runs
   * (a process's cwd and fds would still be in the old tree); once only.
   */
  stackOn(image: LayerTree, source: string): Errno {
    if (this.overlay) return Errno.BUSY;
    const mounts = this.init.list().slice(1);
    const overlay = new Overlay([image], this.mem);
    const e = this.init.mount('/', overlay.root, 'overlay', source);
    if (e !== Errno.SUCCESS) return e;
    this.overlay = overlay;
    for (const m of mounts) {
      const again = this.init.mount(m.path, m.root, m.type, m.source, m.readOnly);
      if (again !== Errno.SUCCESS) return again;
    }
    return Errno.SUCCESS;
  }

  /**
   * Whether `node`, an inode of `mem`, is where something is mounted in the
   * first namespace (what is under it belongs to another file system, and a
   * snapshot of `mem` leaves it out).
   */
  isMountPoint(node: Inode): boolean {
    const ov = this.overlay;
    if (!ov) return this.init.isMountPoint(node);
    return this.init.list().slice(1).some((m) => upperAt(ov, m.path) === node);
  }
}

/** The upper directory of the overlay's directory at `path` (absolute), if it is one and has one. */
function upperAt(ov: Overlay, path: string): MemDir | null {
  let dir: OverlayDir = ov.root;
  for (const name of path.split('/').filter((n) => n !== '')) {
    const next = dir.lookup(name);
    if (!(next instanceof OverlayDir)) return null;
    dir = next;
  }
  return dir === ov.root ? null : dir.upper;
}
