// An in-memory inode's metadata: identity (device, inode number), link count,
// the three times and the permission bits. MemDir, MemFile and MemSymlink
// (memfs.ts) and the device nodes (devices.ts) each hold one and delegate to
// it; the inode itself supplies only what differs by kind, its size.
// The host's inodes keep theirs in the host file (kernel/host/node/hostmeta.ts).
// Spec: POSIX <sys/stat.h> (st_atim, st_mtim, st_ctim: which calls touch which).
import { Errno } from '../abi/errno.js';
import type { Filetype } from '../abi/wasi.js';
import { realtimeNs } from '../lib/time.js';
import type { MetaStore, Stat } from './inode.js';

/** What counts a file system's changes (MemFs.changes): a snapshot is due when it moves. */
export interface ChangeCounter {
  changes: number;
}

export class Meta implements MetaStore {
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
  nlink = 1n;
  /** Permission bits; null: the kind's default. */
  mode: number | null = null;

  /** `counter`, if given, counts every change of this inode (each one sets ctim). */
  constructor(
    readonly dev: bigint, readonly ino: bigint, readonly filetype: Filetype,
    private readonly counter: ChangeCounter | null = null,
  ) {
    this.atim = this.mtim = this.ctim = realtimeNs();
  }

  /** The contents changed (write, truncate, an entry added or removed). */
  touchModified(): void {
    this.mtim = this.touchChanged();
  }

  /** Only the inode changed (a link, chmod); the new ctim. */
  touchChanged(): bigint {
    if (this.counter) this.counter.changes++;
    return (this.ctim = realtimeNs());
  }

  getMode(): number | null {
    return this.mode;
  }

  setMode(mode: number): Errno {
    this.mode = mode;
    this.touchChanged();
    return Errno.SUCCESS;
  }

  setTimes(atim: bigint | undefined, mtim: bigint | undefined): Errno {
    if (atim !== undefined) this.atim = atim;
    if (mtim !== undefined) this.mtim = mtim;
    this.touchChanged();
    return Errno.SUCCESS;
  }

  /** stat(2) of the inode, whose size in bytes is `size`. */
  stat(size: bigint): Stat {
    return {
      dev: this.dev, ino: this.ino, filetype: this.filetype, nlink: this.nlink, size,
      atim: this.atim, mtim: this.mtim, ctim: this.ctim,
    };
  }
}
