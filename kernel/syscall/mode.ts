// Permission bits: chmod and the mode a stat reports. WASI has no mode field,
// so tabkernel's libc asks for it beside each stat (userland/libc/stat.c).
// Permissions are recorded and reported; access checks are not enforced (one
// user, root).
// Spec: POSIX chmod(2), fchmod(2), stat(2) st_mode.
import { Errno, isErr } from '../abi/errno.js';
import { getFd, lookup } from './helpers.js';
import { cacheable } from '../fs/dcache.js';
import type { Result, Task } from './task.js';

export function chmod(t: Task, dirfd: number, path: string, mode: number, follow: number): Result {
  const r = lookup(t.proc, dirfd, path, follow !== 0);
  if (isErr(r)) return r.errno;
  if (r.node === null) return Errno.NOENT;
  return r.node.setMode(mode);
}

export function fchmod(t: Task, fd: number, mode: number): Result {
  const e = getFd(t.proc, fd);
  if (isErr(e)) return e.errno;
  return e.file.setMode(mode);
}

export function getmode(t: Task, dirfd: number, path: string, follow: number): Result {
  const r = lookup(t.proc, dirfd, path, follow !== 0);
  if (isErr(r)) return r.errno;
  if (r.node === null) return Errno.NOENT;
  t.ret(0, r.node.getMode());
  t.ret(1, cacheable(r.node, r.parent) ? 1 : 0);
  return Errno.SUCCESS;
}

/** The mode of what an fd holds (pipes and host streams: 0600). */
export function fgetmode(t: Task, fd: number): Result {
  const e = getFd(t.proc, fd);
  if (isErr(e)) return e.errno;
  t.ret(0, e.file.getMode());
  return Errno.SUCCESS;
}
