// Descriptor plumbing beyond WASI: pipe, dup, dup2 and close-on-exec.
// Spec: POSIX pipe(2), dup(2), dup2(2), fcntl(2) F_DUPFD / FD_CLOEXEC.
import { Errno, isErr } from '../abi/errno.js';
import { PIPE_INFO_SINK } from '../abi/syscalls.js';
import { PipeFlag } from '../abi/tabkernel.js';
import { Fdflags, Rights } from '../abi/wasi.js';
import { DeviceFile } from '../fs/devices.js';
import { PipeReader, PipeWriter } from '../ipc/pipe.js';
import { getFd, rightsFor } from './helpers.js';
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
 * Where a pipe fd's bytes live, for the runtime's fast path: ret0 arena slot
 * (-1: not shared), ret1 0 read end / 1 write end. A writable /dev/null is
 * PIPE_INFO_SINK: its writes need no kernel decision, so the runtime answers them.
 */
export function pipe_info(t: Task, fd: number): Result {
  const e = getFd(t.proc, fd);
  if (isErr(e)) return e.errno;
  const f = e.file;
  if (f instanceof PipeReader || f instanceof PipeWriter) {
    t.ret(0, f.pipe.slot);
    t.ret(1, f instanceof PipeWriter ? 1 : 0);
  } else if (f instanceof DeviceFile && f.node.kind === 'null' && f.writable && (e.rightsBase & Rights.FD_WRITE) !== 0) {
    t.ret(0, PIPE_INFO_SINK);
    t.ret(1, 1);
  } else {
    t.ret(0, -1);
    t.ret(1, 0);
  }
  return Errno.SUCCESS;
}
