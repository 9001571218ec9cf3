// Process handlers of the "tabkernel" import module: spawn, exec, fork, wait,
// identity, process groups and sessions, the working directory and umask.
// Spec: POSIX posix_spawn(3), exec(3), fork(2), waitpid(2), setpgid(2),
// setsid(2), chdir(2).
import { Errno, err, isErr, type Err } from '../abi/errno.js';
import { PREOPEN_RIGHTS } from '../abi/wasi.js';
import { FILE_ACTION_ALIGN, FileActionOp, SpawnFlag, WaitOption, WaitStatus, fileAction } from '../abi/tabkernel.js';
import { DirInode } from '../fs/inode.js';
import { fromLibcFlags, openResolved } from '../fs/open.js';
import { resolveAbsolute } from '../fs/path.js';
import { Rlimit } from '../proc/limits.js';
import { ProcState, SIG_DFL, sigbit, type Process } from '../proc/process.js';
import { blockable, NSIG } from '../proc/signals.js';
import { pathOfFd, rightsFor } from './helpers.js';
import { normalizePath } from '../lib/pathname.js';
import { DirHandle } from '../fs/dirhandle.js';
import { BLOCKED, type Result, type Task } from './task.js';

/** NUL-terminated strings packed back to back. */
export function strings(buf: Uint8Array): string[] {
  const out: string[] = [];
  const dec = new TextDecoder();
  let start = 0;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] === 0) {
      out.push(dec.decode(buf.slice(start, i)));
      start = i + 1;
    }
  }
  return out;
}

interface FileAction { op: number; fd: number; arg: number; oflags: number; path: string }

function fileActions(buf: Uint8Array): FileAction[] | Err {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: FileAction[] = [];
  const { size, at } = fileAction;
  for (let off = 0; off + size <= buf.length;) {
    const len = v.getUint32(off + at.path_len, true);
    if (off + size + len > buf.length) return err(Errno.INVAL);
    out.push({
      op: v.getUint32(off + at.op, true), fd: v.getInt32(off + at.fd, true), arg: v.getInt32(off + at.arg, true),
      oflags: v.getUint32(off + at.oflags, true), path: new TextDecoder().decode(buf.slice(off + size, off + size + len)),
    });
    off += (size + len + FILE_ACTION_ALIGN - 1) & ~(FILE_ACTION_ALIGN - 1);
  }
  return out;
}

/**
 * RLIMIT_NPROC: spawn and fork fail with EAGAIN once the system holds that many
 * processes (zombies count until reaped). Enforced although every process is
 * root, where Linux would not: it is what stops a fork bomb (docs/LIMITS.md).
 */
function atProcessLimit(t: Task): boolean {
  return t.sys.procs.size >= t.proc.limits.soft(Rlimit.NPROC);
}

/** posix_spawn: the child gets the parent's fds (less close-on-exec), then the file actions. */
export function spawn(
  t: Task, path: string, argvBuf: Uint8Array, envBuf: Uint8Array, actionsBuf: Uint8Array,
  flags: number, pgroup: number, sigdef: number, sigmask: number,
): Result {
  const p = t.proc;
  t.uninterruptible = true;
  if (atProcessLimit(t)) return Errno.AGAIN;
  const actions = fileActions(actionsBuf);
  if (isErr(actions)) return actions.errno;
  const argv = strings(argvBuf);
  const env = strings(envBuf);
  const r = t.await(() => t.sys.lifecycle.spawn(p, path, argv, env, (child) => {
    if (flags & SpawnFlag.SETSID) {
      child.sid = child.pgid = child.pid;
      child.ctty = null;
    } else if (flags & SpawnFlag.SETPGROUP) {
      const pg = pgroup === 0 ? child.pid : pgroup;
      if (pg !== child.pid && !t.sys.procs.group(pg).some((q) => q.sid === p.sid)) return Errno.PERM;
      child.pgid = pg;
    }
    if (flags & SpawnFlag.SETSIGMASK) child.sigBlocked = blockable(sigmask);
    if (flags & SpawnFlag.SETSIGDEF) {
      for (let s = 1; s < NSIG; s++) if (sigdef & sigbit(s)) child.sigActions[s] = { handler: SIG_DFL, flags: 0, mask: 0 };
    }
    return applyActions(t, child, actions);
  }));
  if (r === BLOCKED) return BLOCKED;
  if (isErr(r.value)) return r.value.errno;
  t.ret(0, r.value.pid);
  return Errno.SUCCESS;
}

function applyActions(t: Task, child: Process, actions: FileAction[]): Errno {
  for (const a of actions) {
    // As dup2 would answer in the child: no fd at or past its RLIMIT_NOFILE.
    if (a.fd < 0 || a.fd >= child.fds.limit) return Errno.BADF;
    switch (a.op) {
      case FileActionOp.CLOSE:
        child.fds.close(a.fd);
        break;
      case FileActionOp.DUP2: {
        const e = child.fds.get(a.arg);
        if (!e) return Errno.BADF;
        if (a.arg === a.fd) e.cloexec = false;
        else child.fds.set(a.fd, { ...e, cloexec: false, preopen: undefined });
        break;
      }
      case FileActionOp.OPEN: {
        const req = { ...fromLibcFlags(a.oflags), mode: a.arg & 0o7777 & ~child.umask };
        const r = resolveAbsolute(child.ns, child.cwd, a.path, req.follow);
        if (isErr(r)) return r.errno;
        const file = openResolved(r, req);
        if (isErr(file)) return file.errno;
        file.path ??= normalizePath(a.path.startsWith('/') ? a.path : `${child.cwd}/${a.path}`);
        const { base, inheriting } = rightsFor(file);
        child.fds.set(a.fd, { file, rightsBase: base, rightsInheriting: inheriting });
        break;
      }
      case FileActionOp.CHDIR: {
        const cwd = changeDir(t, child.cwd, a.path);
        if (isErr(cwd)) return cwd.errno;
        child.cwd = cwd;
        break;
      }
      default:
        return Errno.INVAL;
    }
  }
  return Errno.SUCCESS;
}

/** execve: on success the call never returns; the new program starts in a new worker. */
export function exec(t: Task, path: string, argvBuf: Uint8Array, envBuf: Uint8Array): Result {
  t.uninterruptible = true;
  const argv = strings(argvBuf);
  const env = strings(envBuf);
  const r = t.await(() => t.sys.lifecycle.exec(t.proc, path, argv, env));
  if (r === BLOCKED) return BLOCKED;
  return r.value ? r.value.errno : BLOCKED;
}

/**
 * fork: the child copies the parent's memory from the source the runtime sent
 * (generation `gen`; its message may still be on the way).
 */
export function fork(t: Task, gen: number, bytes: number, stackPointer: number, asyncifyData: number): Result {
  const p = t.proc;
  t.uninterruptible = true;
  if (atProcessLimit(t)) return Errno.AGAIN;
  if (!p.forkSource || p.forkSource.gen < gen) return t.block([p.forkSourceArrived]);
  if (p.forkSource.gen !== gen) return Errno.INVAL;
  if (p.forkSourceLags(bytes)) return t.block([], 1); // look again shortly
  const child = t.sys.lifecycle.fork(p, bytes, stackPointer, asyncifyData);
  if (isErr(child)) return child.errno;
  t.ret(0, child.pid);
  return Errno.SUCCESS;
}

/** waitpid: pid > 0 that child, -1 any, 0 our group, < -1 group -pid. */
export function wait(t: Task, pid: number, options: number): Result {
  const p = t.proc;
  const kids = [...p.children].filter((c) => pid > 0 ? c.pid === pid : pid === -1 ? true : pid === 0 ? c.pgid === p.pgid : c.pgid === -pid);
  if (kids.length === 0) return Errno.CHILD;
  for (const c of kids) {
    if (c.state === ProcState.ZOMBIE) {
      t.sys.procs.remove(c);
      p.childrenCpuNs += c.cpuTimeNs() + c.childrenCpuNs;
      return waited(t, c.pid, c.waitStatus);
    }
    if ((options & WaitOption.UNTRACED) && c.unreportedStop) {
      const sig = c.unreportedStop;
      c.unreportedStop = 0;
      return waited(t, c.pid, WaitStatus.stopped(sig));
    }
    if ((options & WaitOption.CONTINUED) && c.unreportedContinue) {
      c.unreportedContinue = false;
      return waited(t, c.pid, WaitStatus.CONTINUED);
    }
  }
  if (options & WaitOption.NOHANG) return waited(t, 0, 0);
  return t.block([p.childEvents]);
}

function waited(t: Task, pid: number, status: number): Result {
  t.ret(0, pid);
  t.ret(1, status);
  return Errno.SUCCESS;
}

/** The CPU time of the children waited for, theirs included (getrusage RUSAGE_CHILDREN), in ns. */
export function childtimes(t: Task): Result {
  t.retBig(0, t.proc.childrenCpuNs);
  return Errno.SUCCESS;
}

export function getpid(t: Task): Result {
  t.ret(0, t.proc.pid);
  t.ret(1, t.proc.ppid);
  return Errno.SUCCESS;
}

/** setpgid: only for ourselves or a child, within our session, never a session leader. */
export function setpgid(t: Task, pid: number, pgid: number): Result {
  const p = t.proc;
  if (pgid < 0) return Errno.INVAL;
  const target = pid === 0 ? p : t.sys.procs.get(pid);
  if (!target || !target.alive || (target !== p && target.parent !== p)) return Errno.SRCH;
  if (target.sid !== p.sid || target.pid === target.sid) return Errno.PERM;
  const pg = pgid === 0 ? target.pid : pgid;
  if (pg !== target.pid && !t.sys.procs.group(pg).some((q) => q.sid === p.sid)) return Errno.PERM;
  target.pgid = pg;
  return Errno.SUCCESS;
}

export function getpgid(t: Task, pid: number): Result {
  const target = pid === 0 ? t.proc : t.sys.procs.get(pid);
  if (!target) return Errno.SRCH;
  t.ret(0, target.pgid);
  return Errno.SUCCESS;
}

/** setsid: a new session and group led by the caller, unless it already leads a group. */
export function setsid(t: Task): Result {
  const p = t.proc;
  if (t.sys.procs.group(p.pid).length > 0) return Errno.PERM;
  p.sid = p.pgid = p.pid;
  p.ctty = null; // a new session starts without a controlling terminal
  t.ret(0, p.sid);
  return Errno.SUCCESS;
}

export function getsid(t: Task, pid: number): Result {
  const target = pid === 0 ? t.proc : t.sys.procs.get(pid);
  if (!target) return Errno.SRCH;
  t.ret(0, target.sid);
  return Errno.SUCCESS;
}

/** The absolute, normalized directory `path` names from `cwd`, or an errno. */
function changeDir(t: Task, cwd: string, path: string): string | Err {
  if (path === '') return err(Errno.NOENT);
  const r = resolveAbsolute(t.proc.ns, cwd, path, true);
  if (isErr(r)) return r;
  if (r.node === null) return err(Errno.NOENT);
  if (!(r.node instanceof DirInode)) return err(Errno.NOTDIR);
  return normalizePath(path.startsWith('/') ? path : `${cwd}/${path}`);
}

/** Whether two inodes are one (an overlay may give a directory a new object at each lookup). */
function sameInode(a: DirInode, b: DirInode): boolean {
  if (a === b) return true;
  const x = a.stat();
  const y = b.stat();
  return !isErr(x) && !isErr(y) && x.ino === y.ino && x.dev === y.dev;
}

export function chdir(t: Task, path: string): Result {
  const cwd = changeDir(t, t.proc.cwd, path);
  if (isErr(cwd)) return cwd.errno;
  t.proc.cwd = cwd;
  return Errno.SUCCESS;
}

/**
 * fchdir(2): the working directory becomes the directory open on `fd` — the
 * path it was opened by (OpenFile.path), found again so that a directory
 * since removed or renamed is ENOENT rather than another one.
 */
export function fchdir(t: Task, fd: number): Result {
  const e = t.proc.fds.get(fd);
  if (!e) return Errno.BADF;
  if (!(e.file instanceof DirHandle)) return Errno.NOTDIR;
  const path = pathOfFd(t.proc, fd);
  if (path === undefined) return Errno.NOENT;
  const r = resolveAbsolute(t.proc.ns, '/', path, true);
  if (isErr(r)) return r.errno;
  if (!(r.node instanceof DirInode) || !sameInode(r.node, e.file.dir)) return Errno.NOENT;
  t.proc.cwd = path;
  return Errno.SUCCESS;
}

export function getcwd(t: Task): Result {
  const bytes = new TextEncoder().encode(t.proc.cwd);
  t.out().set(bytes);
  t.ret(0, bytes.length);
  return Errno.SUCCESS;
}

export function umask(t: Task, mask: number): Result {
  t.ret(0, t.proc.umask);
  t.proc.umask = mask & 0o777;
  return Errno.SUCCESS;
}

/**
 * openroot: the root directory as a close-on-exec fd at or above `min`, for
 * the libc of root-image programs to register as the "/" preopen — so the root
 * stays reachable whatever the program inherited on fd 3 (exec 3>file).
 */
export function openroot(t: Task, min: number): Result {
  const p = t.proc;
  if (!p.unixPaths) return Errno.NOTSUP;
  const root = p.ns.root;
  const file = new DirHandle(root, root, '/');
  const fd = p.fds.alloc({ file, rightsBase: PREOPEN_RIGHTS.base, rightsInheriting: PREOPEN_RIGHTS.inheriting, cloexec: true }, min);
  if (isErr(fd)) return fd.errno;
  t.ret(0, fd);
  return Errno.SUCCESS;
}
