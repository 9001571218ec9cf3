// path_* handlers: names in directories. Every path is resolved beneath a
// directory fd (fs/path.ts); the final component is then created, opened,
// removed or renamed by the directory's file system.
// Spec: WASI preview1 path_*; POSIX open(2), mkdir(2), rename(2), link(2),
// symlink(2), unlink(2), rmdir(2), readlink(2); wasmtime where they differ.
import { Errno, err, isErr, type Err } from '../abi/errno.js';
import { HostStreamFile } from '../fs/devices.js';
import type { OpenFile } from '../fs/file.js';
import type { Process } from '../proc/process.js';
import { DevTtyInode, PtySlave } from '../tty/pts.js';
import { Lookupflags, Rights } from '../abi/wasi.js';
import { openResolved } from '../fs/open.js';
import { RegularFileHandle } from '../fs/regular.js';
import { usesTabkernel } from '../proc/modules.js';
import { baseFor } from './helpers.js';
import { DirInode, SymlinkInode } from '../fs/inode.js';
import { realtimeNs } from '../lib/time.js';
import { lookup, rightsFor, terminalOf, timesFrom, writeFilestat } from './helpers.js';
import type { Result, Task } from './task.js';
import { cacheable } from '../fs/dcache.js';
import { Opened } from '../abi/syscalls.js';
import { OpenFlag } from '../abi/tabkernel.js';
import { fastKind } from './fdops.js';

const WRITE_RIGHTS = Rights.FD_WRITE | Rights.FD_DATASYNC | Rights.FD_ALLOCATE | Rights.FD_FILESTAT_SET_SIZE;

/**
 * path_open: openat(2) with O_CREAT, O_EXCL, O_TRUNC, O_DIRECTORY and
 * O_NOFOLLOW, and O_CLOEXEC as tabkernel's fdflags bit (abi/tabkernel.ts
 * OpenFlag), which sets the new fd's FD_CLOEXEC, not the description's flags.
 */
export function path_open(
  t: Task, dirfd: number, dirflags: number, path: string, oflags: number,
  base: bigint, inheriting: bigint, fdflags: number,
): Result {
  const p = t.proc;
  if (oflags & ~0xf) return Errno.INVAL;
  const r = lookup(p, dirfd, path, (dirflags & Lookupflags.SYMLINK_FOLLOW) !== 0);
  if (isErr(r)) return r.errno;
  const rights = Number(BigInt.asUintN(64, base) & 0xffffffffn);
  const write = (rights & WRITE_RIGHTS) !== 0;
  const read = (rights & (Rights.FD_READ | Rights.FD_READDIR)) !== 0 || !write;

  const file = r.node instanceof DevTtyInode ? openControllingTty(p, read, write) : openResolved(r, {
    oflags, read, write, fdflags, mode: 0o666 & ~p.umask,
    // A plain WASI program cannot say what mode a file it creates should have:
    // a module it writes (a linker's output) becomes executable. Programs on
    // tabkernel's libc have chmod and keep the plain default.
    wasmMode: usesTabkernel(p.module) ? undefined : 0o777 & ~p.umask,
  });
  if (isErr(file)) return file.errno;
  const dirPath = baseFor(p, dirfd, path);
  if (dirPath !== undefined) file.beneath(dirPath, path);
  // A session leader without a terminal acquires the first one it opens (POSIX leaves this to the system; Linux does it).
  const tty = terminalOf(file);
  if (tty && p.pid === p.sid && !p.ctty && tty.sid === 0) {
    tty.sid = p.sid;
    tty.fgPgrp = p.pgid;
    p.ctty = tty;
  }
  const inh = Number(BigInt.asUintN(64, inheriting) & 0xffffffffn);
  const { base: rb, inheriting: ri } = rightsFor(file, rights, inh);
  const fd = p.fds.alloc({ file, rightsBase: rb, rightsInheriting: ri, cloexec: (fdflags & OpenFlag.CLOEXEC) !== 0 });
  if (isErr(fd)) {
    file.release();
    return fd.errno;
  }
  t.ret(0, fd);
  // A regular file's close has nothing to wake and cannot fail: the runtime may
  // put it off (runtime/fdinfo.ts). It is told now what fd_info would say, so
  // that the file's first read or seek is not a second round trip.
  const regular = file instanceof RegularFileHandle;
  t.ret(1, regular ? 1 : 0);
  if (regular) {
    const [kind, a, b] = fastKind(t, { file, rightsBase: rb, rightsInheriting: ri });
    const out = t.outView();
    out.setInt32(Opened.KIND, kind, true);
    out.setInt32(Opened.A, a, true);
    out.setInt32(Opened.B, b, true);
    out.setUint32(Opened.RIGHTS_BASE, rb >>> 0, true);
    out.setUint32(Opened.RIGHTS_INHERITING, ri >>> 0, true);
  }
  return Errno.SUCCESS;
}

export function path_create_directory(t: Task, dirfd: number, path: string): Result {
  const r = lookup(t.proc, dirfd, path, false);
  if (isErr(r)) return r.errno;
  if (r.node !== null) return Errno.EXIST;
  const e = r.parent.mkdir(r.name);
  if (e !== Errno.SUCCESS) return e;
  // mkdir(2)'s default mode, 0777, less the umask (tabkernel's libc chmods for other bits).
  const made = r.parent.lookup(r.name);
  if (!isErr(made)) made.setMode(0o777 & ~t.proc.umask);
  return Errno.SUCCESS;
}

export function path_remove_directory(t: Task, dirfd: number, path: string): Result {
  const r = lookup(t.proc, dirfd, path, false);
  if (isErr(r)) return r.errno;
  if (r.node === null) return Errno.NOENT;
  if (r.name === '.') return Errno.INVAL;
  if (!(r.node instanceof DirInode)) return Errno.NOTDIR;
  return r.parent.rmdir(r.name);
}

export function path_unlink_file(t: Task, dirfd: number, path: string): Result {
  const r = lookup(t.proc, dirfd, path, false);
  if (isErr(r)) return r.errno;
  if (r.node === null) return Errno.NOENT;
  if (r.node instanceof DirInode) return Errno.ISDIR;
  if (r.trailingSlash) return Errno.NOTDIR;
  return r.parent.unlink(r.name);
}

export function path_symlink(t: Task, target: string, dirfd: number, path: string): Result {
  const r = lookup(t.proc, dirfd, path, false);
  if (isErr(r)) return r.errno;
  if (r.node !== null) return r.trailingSlash && !(r.node instanceof DirInode) ? Errno.NOTDIR : Errno.EXIST;
  if (r.trailingSlash) return Errno.NOENT;
  if (target.length === 0) return Errno.NOENT;
  // An absolute target could never be followed beneath a directory fd (WASI);
  // processes of the root image resolve it from the root, as Unix does.
  if (target.startsWith('/') && !t.proc.unixPaths) return Errno.PERM;
  return r.parent.symlink(r.name, target);
}

export function path_link(
  t: Task, oldfd: number, flags: number, oldPath: string, newfd: number, newPath: string,
): Result {
  // wasmtime refuses SYMLINK_FOLLOW: a hard link names the symlink itself.
  if (flags & Lookupflags.SYMLINK_FOLLOW) return Errno.INVAL;
  const from = lookup(t.proc, oldfd, oldPath, false);
  if (isErr(from)) return from.errno;
  if (from.node === null) return Errno.NOENT;
  const to = lookup(t.proc, newfd, newPath, false);
  if (isErr(to)) return to.errno;
  if (to.node !== null) return Errno.EXIST;
  if (from.node instanceof DirInode) return Errno.PERM;
  if (to.trailingSlash) return Errno.NOENT;
  if (from.trailingSlash) return Errno.NOTDIR;
  return to.parent.link(to.name, from.node);
}

export function path_rename(t: Task, oldfd: number, oldPath: string, newfd: number, newPath: string): Result {
  const from = lookup(t.proc, oldfd, oldPath, false);
  if (isErr(from)) return from.errno;
  if (from.node === null) return Errno.NOENT;
  const to = lookup(t.proc, newfd, newPath, false);
  if (isErr(to)) return to.errno;
  if (from.name === '.' || to.name === '.') return Errno.BUSY;
  const isDir = from.node instanceof DirInode;
  if (!isDir && (from.trailingSlash || to.trailingSlash)) return Errno.NOTDIR;
  if (isDir && to.node !== null && !(to.node instanceof DirInode)) return Errno.NOTDIR;
  return from.parent.rename(from.name, to.parent, to.name);
}

/** readlink(2): the target, cut to the buffer without error (as wasmtime does). */
export function path_readlink(t: Task, dirfd: number, path: string, max: number): Result {
  const r = lookup(t.proc, dirfd, path, false);
  if (isErr(r)) return r.errno;
  if (r.node === null) return Errno.NOENT;
  if (!(r.node instanceof SymlinkInode)) return Errno.INVAL;
  const target = r.node.readlink();
  if (isErr(target)) return target.errno;
  const bytes = new TextEncoder().encode(target);
  const n = Math.min(bytes.length, max);
  t.out().set(bytes.subarray(0, n));
  t.ret(0, n);
  return Errno.SUCCESS;
}

export function path_filestat_get(t: Task, dirfd: number, flags: number, path: string): Result {
  const r = lookup(t.proc, dirfd, path, (flags & Lookupflags.SYMLINK_FOLLOW) !== 0);
  if (isErr(r)) return r.errno;
  if (r.node === null) return Errno.NOENT;
  if (r.trailingSlash && !(r.node instanceof DirInode)) return Errno.NOTDIR;
  const st = r.node.stat();
  if (isErr(st)) return st.errno;
  writeFilestat(t.outView(), 0, st);
  t.ret(0, cacheable(r.node, r.parent) ? 1 : 0);
  return Errno.SUCCESS;
}

export function path_filestat_set_times(
  t: Task, dirfd: number, flags: number, path: string, atim: bigint, mtim: bigint, fst: number,
): Result {
  const r = lookup(t.proc, dirfd, path, (flags & Lookupflags.SYMLINK_FOLLOW) !== 0);
  if (isErr(r)) return r.errno;
  if (r.node === null) return Errno.NOENT;
  const times = timesFrom(atim, mtim, fst, realtimeNs());
  if (isErr(times)) return times.errno;
  return r.node.setTimes(times.atim, times.mtim);
}

/** /dev/tty: a new description of the caller's controlling terminal (ENXIO without one). */
function openControllingTty(p: Process, read: boolean, write: boolean): OpenFile | Err {
  const tty = p.ctty;
  if (!tty) return err(Errno.NXIO);
  if (tty.pty) return new PtySlave(tty.pty, read, write);
  // The host console: the first process's stdio still holds its streams.
  for (const fd of [0, 1, 2]) {
    const e = p.fds.get(fd);
    if (e && e.file.terminal === tty && e.file instanceof HostStreamFile) {
      return new HostStreamFile(e.file.stream, read, write, tty);
    }
  }
  return err(Errno.NXIO);
}
