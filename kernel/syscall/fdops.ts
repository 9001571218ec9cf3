// Descriptor plumbing beyond WASI: pipe, dup, dup2 and close-on-exec.
// Spec: POSIX pipe(2), dup(2), dup2(2), fcntl(2) F_DUPFD / FD_CLOEXEC.
import { Errno, isErr } from '../abi/errno.js';
import { FdKind } from '../abi/syscalls.js';
import { PipeFlag } from '../abi/tabkernel.js';
import { Fdflags, Rights } from '../abi/wasi.js';
import { DeviceFile } from '../fs/devices.js';
import { PipeReader, PipeWriter } from '../ipc/pipe.js';
import { RegularFileHandle } from '../fs/regular.js';
import { StreamSocket } from '../net/stream.js';
import { getFd, rightsFor } from './helpers.js';
import type { FdEntry } from '../proc/fdtable.js';
import type { Result, Task } from './task.js';


export function pipe(t: Task, flags: number): Result {
  const p = t.proc;
  const pipe = t.sys.pipeArena.open();
  if (!pipe) return Errno.NFILE;
  const ends = [new PipeReader(pipe), new PipeWriter(pipe)];
  const fds: number[] = [];
  for (const file of ends) {
    if (flags & PipeFlag.NONBLOCK) file.fdflags |= Fdflags.NONBLOCK;
    const { base, inheriting } = rightsFor(file);
    const fd = p.fds.alloc({ file, rightsBase: base, rightsInheriting: inheriting, cloexec: (flags & PipeFlag.CLOEXEC) !== 0 });
    if (isErr(fd)) {
      for (const f of fds) p.fds.close(f);
      if (fds.length === 0) ends[0].release();
      ends[1].release();
      return fd.errno;
    }
    fds.push(fd);
  }
  t.ret(0, fds[0]);
  t.ret(1, fds[1]);
  return Errno.SUCCESS;
}

/** dup / F_DUPFD: the lowest free fd at or above `min`. */
export function dup(t: Task, fd: number, min: number, cloexec: number): Result {
  const e = getFd(t.proc, fd);
  if (isErr(e)) return e.errno;
  const n = t.proc.fds.alloc({ file: e.file, rightsBase: e.rightsBase, rightsInheriting: e.rightsInheriting, cloexec: cloexec !== 0 }, min);
  if (isErr(n)) return n.errno;
  t.ret(0, n);
  return Errno.SUCCESS;
}

/** dup2: `newfd` becomes a copy of `fd` (closing what it was); same fd: nothing happens. */
export function dup2(t: Task, fd: number, newfd: number, cloexec: number): Result {
  const e = getFd(t.proc, fd);
  if (isErr(e)) return e.errno;
  if (newfd < 0 || newfd >= t.proc.fds.limit) return Errno.BADF;
  if (fd === newfd) return Errno.SUCCESS;
  t.proc.fds.set(newfd, { file: e.file, rightsBase: e.rightsBase, rightsInheriting: e.rightsInheriting, cloexec: cloexec !== 0 });
  return Errno.SUCCESS;
}

/** FD_CLOEXEC: query (set < 0) or set; the old value in ret0. */
export function fd_cloexec(t: Task, fd: number, set: number): Result {
  const e = getFd(t.proc, fd);
  if (isErr(e)) return e.errno;
  t.ret(0, e.cloexec ? 1 : 0);
  if (set >= 0) e.cloexec = set !== 0;
  return Errno.SUCCESS;
}

/**
 * What an fd is, for the runtime's fast paths (abi/syscalls.ts FdKind): a pipe
 * end whose ring is in the shared arena, a connected stream socket whose
 * rings are (its bytes then move as a pipe's), a writable /dev/null (its writes need
 * no kernel decision), a regular file of an in-memory file system (given
 * entries in the open file table now, if it has none: fs/filetable.ts), or
 * something the kernel serves. With the fd's rights, which only this process
 * changes (fd_fdstat_set_rights), so the runtime may keep them.
 */
export function fd_info(t: Task, fd: number): Result {
  const e = getFd(t.proc, fd);
  if (isErr(e)) return e.errno;
  const [kind, a, b] = fastKind(t, e);
  t.ret(0, kind);
  t.ret(1, a);
  t.ret(2, b);
  t.retBig(3, BigInt(e.rightsBase >>> 0) | (BigInt(e.rightsInheriting >>> 0) << 32n));
  return Errno.SUCCESS;
}

/** What fd_info says of the fd `e`: its FdKind and that kind's two figures (abi/syscalls.ts). */
export function fastKind(t: Task, e: FdEntry): [FdKind, number, number] {
  const f = e.file;
  if ((f instanceof PipeReader || f instanceof PipeWriter) && f.pipe.slot >= 0) {
    return [FdKind.PIPE, f.pipe.slot, f instanceof PipeWriter ? 1 : 0];
  } else if (f instanceof StreamSocket) {
    const slots = f.fastSlots();
    if (slots && (slots.rx >= 0 || slots.tx >= 0)) return [FdKind.SOCKET, slots.rx, slots.tx];
  } else if (f instanceof DeviceFile && f.node.kind === 'null' && f.writable && (e.rightsBase & Rights.FD_WRITE) !== 0) {
    return [FdKind.SINK, 0, 0];
  } else if (f instanceof RegularFileHandle) {
    const entry = t.sys.files.share(f);
    if (entry) return [FdKind.FILE, entry.slot, entry.gen];
    // Not in the table: its bytes still move without the window, if the kernel sees the process's memory.
    if (t.proc.memory) return [FdKind.DIRECT, 0, 0];
  }
  return [FdKind.KERNEL, 0, 0];
}
