// An in-memory inode's metadata: identity (device, inode number), link count,
// the three times and the permission bits. MemDir, MemFile and MemSymlink
// (memfs.ts) and the device nodes (devices.ts) each hold one and delegate to
// it; the inode itself supplies only what differs by kind, its size.
// The host's inodes keep theirs in the host file (kernel/host/node/hostmeta.ts).
// While a regular file is open through a description that processes use
// without the kernel (fs/filetable.ts), its metadata lives in the shared open
// file table's inode entry instead of in these fields (share/unshare), so the
// kernel's changes are what processes see, at once.
// Spec: POSIX <sys/stat.h> (st_atim, st_mtim, st_ctim: which calls touch which).
import { Errno } from '../abi/errno.js';
import type { Filetype } from '../abi/wasi.js';
import type { FileTableViews, InodeField } from '../ipc/filetable.js';
import { realtimeNs } from '../lib/time.js';
import type { MetaStore, Stat } from './inode.js';

/** Where a shared inode's metadata lives: entry `index` of the open file table. */
export interface SharedEntry {
  views: FileTableViews;
  index: number;
}

/** What counts a file system's changes (MemFs.changes): a snapshot is due when it moves. */
export interface ChangeCounter {
  changes: number;
}

export class Meta implements MetaStore {
  private own: Record<'atim' | 'mtim' | 'ctim' | 'nlink', bigint>;
  /** Permission bits; null: the kind's default. */
  private ownMode: number | null = null;
  /** The open file table's entry, while the inode is shared (then the fields above are stale). */
  shared: SharedEntry | null = null;

  /** `counter`, if given, counts every change of this inode (each one sets ctim). */
  constructor(
    readonly dev: bigint, readonly ino: bigint, readonly filetype: Filetype,
    private readonly counter: ChangeCounter | null = null,
  ) {
    const now = realtimeNs();
    this.own = { atim: now, mtim: now, ctim: now, nlink: 1n };
  }

  private get(f: 'atim' | 'mtim' | 'ctim' | 'nlink'): bigint {
    const s = this.shared;
    return s ? s.views.readField(s.index, f) : this.own[f];
  }
  private set(f: 'atim' | 'mtim' | 'ctim' | 'nlink', v: bigint): void {
    const s = this.shared;
    if (s) s.views.writeField(s.index, f, v);
    else this.own[f] = v;
  }
  get atim(): bigint { return this.get('atim'); }
  set atim(v: bigint) { this.set('atim', v); }
  get mtim(): bigint { return this.get('mtim'); }
  set mtim(v: bigint) { this.set('mtim', v); }
  get ctim(): bigint { return this.get('ctim'); }
  set ctim(v: bigint) { this.set('ctim', v); }
  get nlink(): bigint { return this.get('nlink'); }
  set nlink(v: bigint) { this.set('nlink', v); }
  get mode(): number | null { return this.ownMode; }
  set mode(v: number | null) {
    this.ownMode = v;
    if (v !== null && this.shared) this.shared.views.writeField(this.shared.index, 'mode', v);
  }

  /**
   * From now on keep the metadata in `entry` (written whole here, with the
   * inode's `size`, its effective `mode` and the `dev`/`ino` its opener sees).
   */
  share(entry: SharedEntry, stat: { dev: bigint; ino: bigint; size: bigint; mode: number }): void {
    entry.views.writeAll(entry.index, { ...stat, ...this.own, filetype: this.filetype });
    this.shared = entry;
  }

  /** Back to the fields here, with the entry's last values. */
  unshare(): void {
    const s = this.shared;
    if (!s) return;
    for (const f of ['atim', 'mtim', 'ctim', 'nlink'] as const) this.own[f] = s.views.readField(s.index, f);
    this.shared = null;
  }

  /** A field of the shared entry (the kernel keeps `size` there too while shared: memfs.ts). */
  sharedField(f: InodeField): bigint | null {
    return this.shared ? this.shared.views.readField(this.shared.index, f) : null;
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
