// statvfs and fstatvfs: the size and the free space of the file system a path
// or an fd is on — the capacity of an in-memory one (fs/memfs.ts) bounded by
// the memory budget, the host's own figures for a host directory. The struct
// is abi/tabkernel.ts's tk_statvfs: eleven u64 fields, little-endian.
// Spec: POSIX statvfs(3) (ST_RDONLY, ST_NOSUID; f_frsize is the unit of the counts).
import { Errno, isErr } from '../abi/errno.js';
import { statvfs as statvfsLayout } from '../abi/tabkernel.js';
import type { Inode } from '../fs/inode.js';
import { getFd, lookup } from './helpers.js';
import type { Result, Task } from './task.js';

const ST_RDONLY = 1;
const ST_NOSUID = 2;

/** statvfs of `path` (from `dirfd`), or of what `dirfd` is when `path` is empty (fstatvfs). */
export function statvfs(t: Task, dirfd: number, path: string, follow: number): Result {
  let node: Inode | undefined;
  if (path === '') {
    const e = getFd(t.proc, dirfd);
    if (isErr(e)) return e.errno;
    node = e.file.inode;
    // A pipe or a host stream is on no file system this kernel can size.
    if (!node) return Errno.NOSYS;
  } else {
    const r = lookup(t.proc, dirfd, path, follow !== 0);
    if (isErr(r)) return r.errno;
    if (r.node === null) return Errno.NOENT;
    node = r.node;
  }
  const fs = t.proc.ns.statfs(node);
  if (!fs) return Errno.NOSYS;
  const { stat: s, mount } = fs;
  const st = node.stat();
  const fields: Record<keyof typeof statvfsLayout.at, number> = {
    bsize: s.bsize, frsize: s.bsize, blocks: s.blocks, bfree: s.bfree, bavail: s.bavail, files: s.files, ffree: s.ffree,
    favail: s.ffree, fsid: isErr(st) ? 0 : Number(st.dev), flag: ST_NOSUID | (mount.readOnly ? ST_RDONLY : 0), namemax: s.namemax,
  };
  const out = t.outView();
  for (const f of statvfsLayout.fields) out.setBigUint64(statvfsLayout.at[f.name], BigInt(Math.max(0, Math.floor(fields[f.name]))), true);
  return Errno.SUCCESS;
}
