// Inodes: the objects a path names. Directories, regular files and symlinks of
// every file system (memfs.ts, the host's in kernel/host/node/hostfs.ts, devices.ts)
// implement these classes; every operation a kind does not support answers an errno.
// Opening an inode yields an open file description (file.ts), which owns the
// offset and the status flags; the inode owns the data and the metadata.
import { Errno, err, type Err } from '../abi/errno.js';
import { Filetype } from '../abi/wasi.js';
import type { StoredRange } from './blobfile.js';
import type { OpenFile } from './file.js';

export interface Stat {
  dev: bigint;
  ino: bigint;
  filetype: Filetype;
  nlink: bigint;
  size: bigint;
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
}

/** What statvfs(3) says of a file system, in blocks of `bsize` bytes. */
export interface FsStat {
  bsize: number;
  blocks: number;
  bfree: number;
  /** Free blocks an unprivileged user may take (everyone is root here: bfree). */
  bavail: number;
  files: number;
  ffree: number;
  namemax: number;
}

/** A file system that keeps no count (/proc, /dev's devices). */
export const EMPTY_FS: FsStat = { bsize: 4096, blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0, namemax: 255 };

/** Access wanted when opening (from the rights asked for). */
export interface OpenMode {
  read: boolean;
  write: boolean;
}

let nextDev = 1n;
/** A fresh device number for a new file system instance. */
export function allocDev(): bigint {
  return nextDev++;
}

export abstract class Inode {
  abstract readonly filetype: Filetype;

  /**
   * Where the inode's times and permission bits live: a Meta for the in-memory
   * kinds (meta.ts), a HostMeta for host inodes (kernel/host/node/hostmeta.ts);
   * null for kinds that keep none.
   */
  readonly meta: MetaStore | null = null;

  abstract stat(): Stat | Err;

  /** Set access/modification times (ns); undefined leaves one unchanged. */
  setTimes(atim: bigint | undefined, mtim: bigint | undefined): Errno {
    return this.meta ? this.meta.setTimes(atim, mtim) : Errno.NOTSUP;
  }

  /** An open file description for this inode. */
  abstract open(mode: OpenMode): OpenFile | Err;

  /**
   * All of a regular file's bytes as one view, which the caller must not
   * change, when the file system holds them so already (an image layer's
   * file kept whole: fs/layer.ts); null otherwise. A program's loader
   * compiles from it without copying (proc/loader.ts).
   */
  wholeView(): Uint8Array | null {
    return null;
  }

  /**
   * Where a regular file's bytes lie in a stored blob, when the file system
   * reads them from there (an image layer left where it is stored:
   * fs/layer.ts); null otherwise. A program's loader reads them afresh into
   * a buffer of its own and names them by it (fs/blobfile.ts storedName)
   * instead of hashing them.
   */
  stored(): StoredRange | null {
    return null;
  }

  /** Permission bits (0o7777). WASI has none; kinds without a store report their defaults. */
  getMode(): number {
    return this.meta?.getMode() ?? defaultMode(this.filetype);
  }
  /** chmod(2). */
  setMode(mode: number): Errno {
    return this.meta ? this.meta.setMode(mode & 0o7777) : Errno.PERM;
  }
}

/** An inode's times and permission bits, wherever they are kept. */
export interface MetaStore {
  setTimes(atim: bigint | undefined, mtim: bigint | undefined): Errno;
  /** Permission bits; null: the kind's default. */
  getMode(): number | null;
  setMode(mode: number): Errno;
}

export function defaultMode(t: Filetype): number {
  switch (t) {
    case Filetype.DIRECTORY: return 0o755;
    case Filetype.SYMBOLIC_LINK: return 0o777;
    case Filetype.CHARACTER_DEVICE: return 0o666;
    default: return 0o644;
  }
}

export abstract class DirInode extends Inode {
  readonly filetype = Filetype.DIRECTORY;

  /** The entry `name` (never `.` or `..`, which path resolution handles). */
  abstract lookup(name: string): Inode | Err;
  /** statvfs of the file system whose root this is. */
  fsStat(): FsStat {
    return EMPTY_FS;
  }
  /** The entries in a stable order, without `.` and `..`. */
  abstract list(): Array<[string, Inode]> | Err;
  abstract createFile(name: string): Inode | Err;
  abstract mkdir(name: string): Errno;
  abstract symlink(name: string, target: string): Errno;
  /** A new name for an existing inode (EXDEV across file systems). */
  abstract link(name: string, target: Inode): Errno;
  /** Remove a non-directory entry. */
  abstract unlink(name: string): Errno;
  /** Remove an empty directory entry. */
  abstract rmdir(name: string): Errno;
  /** Move entry `name` to `to/toName`, replacing what POSIX rename(2) allows. */
  abstract rename(name: string, to: DirInode, toName: string): Errno;
  /**
   * A socket's name (fs/socketnode.ts) as entry `name`, for bind(2) of an
   * AF_UNIX socket: the in-memory file systems make one; elsewhere EOPNOTSUPP.
   */
  mksock(_name: string, _filetype: Filetype.SOCKET_STREAM | Filetype.SOCKET_DGRAM): Inode | Err {
    return err(Errno.NOTSUP);
  }
}

export abstract class FileInode extends Inode {
  readonly filetype: Filetype = Filetype.REGULAR_FILE;
}

export abstract class SymlinkInode extends Inode {
  readonly filetype = Filetype.SYMBOLIC_LINK;
  abstract readlink(): string | Err;

  open(): OpenFile | Err {
    return err(Errno.LOOP);
  }
}
