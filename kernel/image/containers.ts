// Containers: a fresh root for an image — its layers (unpacked once per
// digest, image/rootfs.ts) under a new writable upper — in a mount namespace
// of its own (fs/namespace.ts) with a /dev of its own and a /proc that shows
// only the container's processes. Nothing of the root image, nor of another
// container, is reachable from it. The first process of a CLI or page run
// (boot.ts) and the shell's `image run` (syscall/image.ts) both make theirs here.
import { errnoLabel, Errno } from '../abi/errno.js';
import type { DirInode } from '../fs/inode.js';
import { MountNamespace } from '../fs/namespace.js';
import type { Overlay } from '../fs/overlay.js';
import type { MemoryBudget } from '../mm/budget.js';
import type { Process } from '../proc/process.js';
import type { PullReport } from './progress.js';
import type { LayerRef } from './rootfs.js';
import { ImageLayers } from './rootfs.js';
import type { ImageService } from './service.js';

/** What a container's namespace mounts, made by the kernel. */
export interface ContainerMounts {
  /** A /proc that shows the processes `visible` lets through. */
  proc(visible: (p: Process) => boolean): DirInode;
  /** A new /dev (null, zero, random, urandom, tty, ptmx, pts). */
  dev(): DirInode;
}

export class Containers {
  private layers: ImageLayers | null = null;

  constructor(
    /** The host's images; undefined: this host runs none. */
    readonly images: ImageService | undefined,
    private readonly budget: MemoryBudget,
    private readonly mounts: ContainerMounts,
    /** Where the progress of the pulls processes ask for goes (the host's Host.pullProgress). */
    readonly reportPull: (r: PullReport) => void = () => {},
  ) {}

  /** A namespace rooted at `root` (an image's overlay) with its /dev and /proc. */
  namespace(root: DirInode, source: string): MountNamespace | Error {
    const ns = new MountNamespace(root, 'overlay', source);
    const proc = this.mounts.proc((p) => p.ns === ns);
    for (const [path, dir, type] of [['/dev', this.mounts.dev(), 'tmpfs'], ['/proc', proc, 'proc']] as const) {
      const e = ns.mount(path, dir, type, type);
      if (e !== Errno.SUCCESS) return new Error(`cannot mount ${path} in the container (E${errnoLabel(e)})`);
    }
    return ns;
  }

  /** A fresh container of the image whose layers are `layers` (bottom first). */
  async create(layers: readonly LayerRef[], reference: string): Promise<MountNamespace | Error> {
    const overlay = await this.overlay(layers);
    if (overlay instanceof Error) return overlay;
    const ns = this.namespace(overlay.root, reference);
    if (!(ns instanceof Error)) ns.image = reference;
    return ns;
  }

  /** `layers` (bottom first, each unpacked once) under a fresh upper: a container's root, or a build step's. */
  async overlay(layers: readonly LayerRef[]): Promise<Overlay | Error> {
    if (!this.images) return new Error('this host runs no images');
    this.layers ??= new ImageLayers(this.images.layers, this.budget);
    return this.layers.overlay(layers);
  }
}
