// File locks: fcntl(2) F_GETLK/F_SETLK/F_SETLKW and flock(2), over the
// kernel's lock table (fs/locks.ts, which says what the locks are and when
// they go). A wait parks on the file's queue and re-runs when a lock is let
// go; a signal ends it with EINTR (proc/lifecycle.ts interrupt).
// Spec: POSIX fcntl(2) (record locks), Linux flock(2).
import { Errno, err, isErr, type Err } from '../abi/errno.js';
import { Whence } from '../abi/wasi.js';
import type { OpenFile } from '../fs/file.js';
import { F_RDLCK, F_UNLCK, F_WRLCK, LOCK_EX, LOCK_NB, LOCK_SH, LOCK_UN, OFFSET_MAX, lockKey, type RecordLock } from '../fs/locks.js';
import { getFd } from './helpers.js';
import type { Result, Task } from './task.js';

/** fcntl commands (Linux's numbers, userland/libc/include/fcntl.h). */
const F_GETLK = 5;
const F_SETLK = 6;
const F_SETLKW = 7;

/** The bytes a struct flock names, as Linux works them out (start..end, both included). */
function lockRange(file: OpenFile, whence: number, start: bigint, len: bigint): { start: bigint; end: bigint } | Err {
  let base: bigint;
  switch (whence) {
    case Whence.SET: base = 0n; break;
    case Whence.CUR: {
      const pos = file.seek(0n, Whence.CUR);
      base = isErr(pos) ? 0n : pos;
      break;
    }
    case Whence.END: {
      const st = file.stat();
      base = isErr(st) ? 0n : st.size;
      break;
    }
    default: return err(Errno.INVAL);
  }
  if (start > OFFSET_MAX - base) return err(Errno.OVERFLOW);
  let from = base + start;
  if (from < 0n) return err(Errno.INVAL);
  let to: bigint;
  if (len > 0n) {
    if (len - 1n > OFFSET_MAX - from) return err(Errno.OVERFLOW);
    to = from + len - 1n;
  } else if (len < 0n) {
    if (from + len < 0n) return err(Errno.INVAL);
    to = from - 1n;
    from += len;
  } else {
    to = OFFSET_MAX;
  }
  return { start: from, end: to };
}

/**
 * fcntl record locks. F_GETLK answers ret0 the type in the way (F_UNLCK:
 * none), ret1 its owner's pid, ret2/ret3 (64-bit) its start and length (0: to
 * the end), whence SEEK_SET. F_SETLK: EAGAIN when another's lock is in the
 * way; F_SETLKW waits (EINTR, EDEADLK).
 */
export function fcntl_lock(t: Task, fd: number, cmd: number, type: number, whence: number, start: bigint, len: bigint): Result {
  const e = getFd(t.proc, fd);
  if (isErr(e)) return e.errno;
  const file = e.file;
  if (cmd !== F_GETLK && cmd !== F_SETLK && cmd !== F_SETLKW) return Errno.INVAL;
  if (type !== F_RDLCK && type !== F_WRLCK && type !== F_UNLCK) return Errno.INVAL;
  const key = lockKey(file);
  if (key === null) return Errno.INVAL;
  const range = lockRange(file, whence, start, len);
  if (isErr(range)) return range.errno;
  const locks = t.sys.lifecycle.locks;
  const req: RecordLock = { owner: t.proc, type, start: range.start, end: range.end };
  if (cmd === F_GETLK) {
    if (type === F_UNLCK) return Errno.INVAL;
    const c = locks.test(key, req);
    t.ret(0, c ? c.type : F_UNLCK);
    t.ret(1, c ? c.owner.pid : 0);
    t.retBig(2, c ? c.start : range.start);
    t.retBig(3, c ? (c.end === OFFSET_MAX ? 0n : c.end - c.start + 1n) : len);
    return Errno.SUCCESS;
  }
  // A read lock needs an fd open for reading, a write lock one open for writing.
  if ((type === F_RDLCK && !file.readable) || (type === F_WRLCK && !file.writable)) return Errno.BADF;
  const inTheWay = locks.set(key, req);
  if (inTheWay === null) {
    locks.done(t.proc);
    return Errno.SUCCESS;
  }
  if (cmd === F_SETLK) return Errno.AGAIN;
  if (locks.deadlock(key, req)) {
    locks.done(t.proc);
    return Errno.DEADLK;
  }
  const q = locks.wait(key, req, () => t.proc.task === t && t.proc.alive);
  return t.block([q]);
}

/** flock: LOCK_SH, LOCK_EX or LOCK_UN, with LOCK_NB: EWOULDBLOCK (EAGAIN) instead of waiting. */
export function flock(t: Task, fd: number, op: number): Result {
  const e = getFd(t.proc, fd);
  if (isErr(e)) return e.errno;
  const mode = op & ~LOCK_NB;
  if (mode !== LOCK_SH && mode !== LOCK_EX && mode !== LOCK_UN) return Errno.INVAL;
  const key = lockKey(e.file);
  if (key === null) return Errno.INVAL;
  const locks = t.sys.lifecycle.locks;
  if (locks.flock(key, e.file, mode)) return Errno.SUCCESS;
  if (op & LOCK_NB) return Errno.AGAIN;
  return t.block([locks.queue(key)]);
}
