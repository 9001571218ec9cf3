// A host inode's metadata: the host file's own (lstat, lutimes, chmod), read
// and set through the place the inode names (hostfs.ts: a held directory, or
// one entry of one). HostDir, HostFile and HostSymlink each hold one and
// delegate stat, times and permission bits to it.
// Node sets file times only as floating-point seconds (about µs precision), but
// WASI promises nanoseconds: the exact times a guest set are remembered here,
// with what the host stored for them, and reported while the host still has those.
// The in-memory inodes' counterpart is kernel/fs/meta.ts.
// Spec: POSIX stat(2), utimensat(2), chmod(2).
import type fs from 'node:fs';
import { Errno, isErr, type Err } from '../../abi/errno.js';
import { Filetype } from '../../abi/wasi.js';
import type { MetaStore, Stat } from '../../fs/inode.js';

export function filetypeOf(st: fs.BigIntStats | fs.Stats): Filetype {
  if (st.isFile()) return Filetype.REGULAR_FILE;
  if (st.isDirectory()) return Filetype.DIRECTORY;
  if (st.isSymbolicLink()) return Filetype.SYMBOLIC_LINK;
  if (st.isCharacterDevice()) return Filetype.CHARACTER_DEVICE;
  if (st.isBlockDevice()) return Filetype.BLOCK_DEVICE;
  if (st.isSocket()) return Filetype.SOCKET_STREAM;
  return Filetype.UNKNOWN;
}

/** A host file's identity, (dev, ino), as a map key. */
export const identity = (st: fs.BigIntStats): string => `${st.dev}:${st.ino}`;

const exactTimes = new Map<string, { atimHost: bigint; atim: bigint; mtimHost: bigint; mtim: bigint }>();

export function toStat(st: fs.BigIntStats): Stat {
  const exact = exactTimes.get(identity(st));
  return {
    dev: st.dev, ino: st.ino, filetype: filetypeOf(st), nlink: st.nlink, size: st.size,
    atim: exact && exact.atimHost === st.atimeNs ? exact.atim : st.atimeNs,
    mtim: exact && exact.mtimHost === st.mtimeNs ? exact.mtim : st.mtimeNs,
    ctim: st.ctimeNs,
  };
}

/** Where a host inode is, for the operations on its metadata. */
export interface HostPlace {
  readonly mount: { readonly readOnly: boolean };
  lstat(): fs.BigIntStats | Err;
  /** Set times on the object itself (never a symlink's target). */
  utimes(atimeSec: number, mtimeSec: number): Errno;
  chmod(mode: number): Errno;
}

export class HostMeta implements MetaStore {
  constructor(readonly place: HostPlace) {}

  /** stat(2) of the object itself (lstat: never a symlink's target). */
  stat(): Stat | Err {
    const st = this.place.lstat();
    return isErr(st) ? st : toStat(st);
  }

  setTimes(atim: bigint | undefined, mtim: bigint | undefined): Errno {
    if (this.place.mount.readOnly) return Errno.ROFS;
    const cur = this.place.lstat();
    if (isErr(cur)) return cur.errno;
    const before = toStat(cur);
    const sec = (ns: bigint): number => Number(ns) / 1e9;
    const e = this.place.utimes(sec(atim ?? before.atim), sec(mtim ?? before.mtim));
    if (e !== Errno.SUCCESS) return e;
    const now = this.place.lstat();
    if (isErr(now)) return Errno.SUCCESS;
    exactTimes.set(identity(now), {
      atimHost: now.atimeNs, atim: atim ?? before.atim, mtimHost: now.mtimeNs, mtim: mtim ?? before.mtim,
    });
    return Errno.SUCCESS;
  }
  getMode(): number {
    const st = this.place.lstat();
    return isErr(st) ? 0 : Number(st.mode) & 0o7777;
  }
  /** chmod(2), limited to the permission bits (and sticky on directories): a guest never makes a host file setuid or setgid. */
  setMode(mode: number): Errno {
    if (this.place.mount.readOnly) return Errno.ROFS;
    return this.place.chmod(mode);
  }
}
