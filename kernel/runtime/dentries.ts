// A process's memory of path lookups (issue 14): the filestat and the mode
// the kernel gave for (dirfd, flags, path), kept while the tree's generation
// (ipc/filetable.ts) stands still — the kernel bumps it after every call that
// may change a name or a stat, and a runtime after every write it makes
// itself — and only for what the kernel marks as cacheable (fs/dcache.ts:
// in-memory files, directories and symlinks). So a make that stats the same
// hundred files over and over pays one round trip for each, until something
// changes. An entry is also dropped when its dirfd is closed or renumbered
// (fdinfo.ts); the whole memory when a new program runs in the worker.
// Spec: none (a cache: stat answers as the kernel would).
import { FILESTAT } from '../abi/wasi.js';
import type { FileTableViews } from '../ipc/filetable.js';

/** Entries kept per process before the memory starts over. */
const MAX_ENTRIES = 4096;
/** Longer paths are not remembered (PATH_MAX). */
const MAX_PATH = 4096;

interface Entry {
  generation: number;
  /** The filestat as fd_filestat_get writes it; null until asked for. */
  stat: Uint8Array | null;
  mode: number | null;
}

export class PathCache {
  private readonly byDir = new Map<number, Map<string, Entry>>();
  private size = 0;

  constructor(private readonly table: FileTableViews | null) {}

  /** The tree's generation now (-1: no table, nothing is remembered). */
  generation(): number {
    return this.table ? this.table.generation() : -1;
  }

  reset(): void {
    this.byDir.clear();
    this.size = 0;
  }

  /** `fd` means something else now: what was looked up from it is forgotten. */
  forget(fd: number): void {
    const dir = this.byDir.get(fd);
    if (dir) {
      this.size -= dir.size;
      this.byDir.delete(fd);
    }
  }

  /** The key of a lookup: its follow bit and the path's bytes as Latin-1 (the bytes may be in shared memory, which TextDecoder refuses). */
  private key(follow: number, path: Uint8Array): string | null {
    if (path.length > MAX_PATH) return null;
    return (follow ? '1' : '0') + String.fromCharCode.apply(null, path as unknown as number[]);
  }

  private find(dirfd: number, follow: number, path: Uint8Array): Entry | undefined {
    const key = this.key(follow, path);
    const e = key === null ? undefined : this.byDir.get(dirfd)?.get(key);
    return e && this.table && e.generation === this.table.generation() ? e : undefined;
  }

  /** Copy a remembered filestat to `u8` at `at`; false when there is none (still current). */
  stat(dirfd: number, follow: number, path: Uint8Array, u8: Uint8Array, at: number): boolean {
    const e = this.find(dirfd, follow, path);
    if (!e?.stat) return false;
    u8.set(e.stat, at);
    return true;
  }

  /** A remembered mode, or null. */
  mode(dirfd: number, follow: number, path: Uint8Array): number | null {
    return this.find(dirfd, follow, path)?.mode ?? null;
  }

  /**
   * Remember what the kernel said, as of `generation` (read before the call:
   * a change during it leaves the entry stale from the start).
   */
  remember(dirfd: number, follow: number, path: Uint8Array, generation: number, what: { stat: Uint8Array } | { mode: number }): void {
    const key = this.key(follow, path);
    if (generation < 0 || key === null) return;
    let dir = this.byDir.get(dirfd);
    if (!dir) this.byDir.set(dirfd, (dir = new Map()));
    let e = dir.get(key);
    if (!e || e.generation !== generation) {
      if (!e) {
        if (this.size >= MAX_ENTRIES) {
          this.reset();
          return this.remember(dirfd, follow, path, generation, what);
        }
        this.size++;
      }
      e = { generation, stat: null, mode: null };
      dir.set(key, e);
    }
    if ('stat' in what) e.stat = what.stat.slice(0, FILESTAT.SIZE);
    else e.mode = what.mode;
  }
}
