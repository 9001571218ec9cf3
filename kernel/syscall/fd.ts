// fd_* handlers: operations on open file descriptions. Each decodes nothing
// (the dispatcher did), checks its fd with a helper, then makes one call into
// the file object. Blocking reads and writes park on the file's wait queue.
// Spec: WASI preview1 fd_*; POSIX read(2)/write(2)/lseek(2); wasmtime's errnos.
import { Errno, isErr } from '../abi/errno.js';
import { DIRENT, FDSTAT, Fdflags, IOVEC, Rights, Signal, Whence } from '../abi/wasi.js';
import { realtimeNs } from '../lib/time.js';
import { backgroundOf, getFd, getFile, timesFrom, writeFilestat, writeStops } from './helpers.js';
import type { Result, Task } from './task.js';
import type { OpenFile } from '../fs/file.js';
import { RegularFileHandle } from '../fs/regular.js';
import { Rlimit } from '../proc/limits.js';
import { SIG_IGN, sigbit } from '../proc/process.js';

export function fd_advise(t: Task, fd: number, offset: bigint, len: bigint, advice: number): Result {
  const file = getFile(t.proc, fd, 0);
  if (isErr(file)) return file.errno;
  if (advice < 0 || advice > 5 || offset < 0n || len < 0n) return Errno.INVAL;
  return file.advise();
}

export function fd_allocate(t: Task, fd: number, offset: bigint, len: bigint): Result {
  const file = getFile(t.proc, fd, 0);
  if (isErr(file)) return file.errno;
  return file.allocate(offset, len);
}

export function fd_close(t: Task, fd: number): Result {
  return t.proc.fds.close(fd);
}

export function fd_datasync(t: Task, fd: number): Result {
  const file = getFile(t.proc, fd, 0);
  if (isErr(file)) return file.errno;
  return file.sync();
}

export function fd_sync(t: Task, fd: number): Result {
  return fd_datasync(t, fd);
}

export function fd_fdstat_get(t: Task, fd: number): Result {
  const e = getFd(t.proc, fd);
  if (isErr(e)) return e.errno;
  const view = t.outView();
  view.setUint8(FDSTAT.FILETYPE, e.file.filetype);
  view.setUint8(FDSTAT.FILETYPE + 1, 0);
  view.setUint16(FDSTAT.FLAGS, e.file.fdflags, true);
  view.setUint32(FDSTAT.FLAGS + 2, 0, true);
  // Rights fit below 2^32 (abi/wasi.ts): two u32 halves, no BigInts.
  view.setUint32(FDSTAT.RIGHTS_BASE, e.rightsBase >>> 0, true);
  view.setUint32(FDSTAT.RIGHTS_BASE + 4, 0, true);
  view.setUint32(FDSTAT.RIGHTS_INHERITING, e.rightsInheriting >>> 0, true);
  view.setUint32(FDSTAT.RIGHTS_INHERITING + 4, 0, true);
  return Errno.SUCCESS;
}

/** Only APPEND and NONBLOCK can change after open, as with fcntl(F_SETFL). */
export function fd_fdstat_set_flags(t: Task, fd: number, flags: number): Result {
  const e = getFd(t.proc, fd);
  if (isErr(e)) return e.errno;
  const settable = Fdflags.APPEND | Fdflags.NONBLOCK;
  if (flags & ~settable) return Errno.INVAL;
  e.file.fdflags = (e.file.fdflags & ~settable) | (flags & settable);
  // Runtimes remember the fdstat of fds the kernel serves: this may be one (ipc/filetable.ts).
  t.sys.files.views.bumpFlagsGeneration();
  return Errno.SUCCESS;
}

/** Rights may only shrink: asking for a right the fd lacks is NOTCAPABLE. */
export function fd_fdstat_set_rights(t: Task, fd: number, base: bigint, inheriting: bigint): Result {
  const e = getFd(t.proc, fd);
  if (isErr(e)) return e.errno;
  const b = Number(BigInt.asUintN(64, base) & 0xffffffffn);
  const i = Number(BigInt.asUintN(64, inheriting) & 0xffffffffn);
  if ((b & ~e.rightsBase) !== 0 || (i & ~e.rightsInheriting) !== 0) return Errno.NOTCAPABLE;
  e.rightsBase = b;
  e.rightsInheriting = i;
  return Errno.SUCCESS;
}

export function fd_filestat_get(t: Task, fd: number): Result {
  const file = getFile(t.proc, fd, 0);
  if (isErr(file)) return file.errno;
  const st = file.stat();
  if (isErr(st)) return st.errno;
  writeFilestat(t.outView(), 0, st);
  return Errno.SUCCESS;
}

export function fd_filestat_set_size(t: Task, fd: number, size: bigint): Result {
  const file = getFile(t.proc, fd, 0);
  if (isErr(file)) return file.errno;
  if (file instanceof RegularFileHandle && size > 0n && clipToFsize(t, size - 1n, ONE_BYTE) === Errno.FBIG) return Errno.FBIG;
  return file.setSize(size);
}

const ONE_BYTE = new Uint8Array(1);

/**
 * RLIMIT_FSIZE: the part of `data` that may be written to a regular file at
 * `at`. None: EFBIG, and SIGXFSZ is raised (its default ends the process).
 */
function clipToFsize(t: Task, at: bigint, data: Uint8Array): Uint8Array | Errno.FBIG {
  const limit = t.proc.limits.soft(Rlimit.FSIZE);
  if (limit === Infinity || data.length === 0) return data;
  const room = BigInt(limit) - at;
  if (room > 0n) return room >= BigInt(data.length) ? data : data.subarray(0, Number(room));
  t.sys.lifecycle.signal(t.proc, Signal.XFSZ);
  return Errno.FBIG;
}

export function fd_filestat_set_times(t: Task, fd: number, atim: bigint, mtim: bigint, flags: number): Result {
  const file = getFile(t.proc, fd, 0);
  if (isErr(file)) return file.errno;
  const times = timesFrom(atim, mtim, flags, realtimeNs());
  if (isErr(times)) return times.errno;
  return file.setTimes(times.atim, times.mtim);
}

/** A read's bytes into the data window, unless the file read them there already. */
function copyOut(out: Uint8Array, data: Uint8Array): void {
  if (data.buffer !== out.buffer || data.byteOffset !== out.byteOffset) out.set(data);
}

export function fd_pread(t: Task, fd: number, max: number, offset: bigint): Result {
  const file = getFile(t.proc, fd, Rights.FD_READ);
  if (isErr(file)) return file.errno;
  const out = t.out();
  const data = file.pread(max, offset, out);
  if (isErr(data)) return data.errno;
  copyOut(out, data);
  t.ret(0, data.length);
  return Errno.SUCCESS;
}

export function fd_pwrite(t: Task, fd: number, data: Uint8Array, offset: bigint): Result {
  const file = getFile(t.proc, fd, Rights.FD_WRITE);
  if (isErr(file)) return file.errno;
  if (file instanceof RegularFileHandle) {
    const fits = clipToFsize(t, offset, data);
    if (fits === Errno.FBIG) return fits;
    data = fits;
  }
  const n = file.pwrite(data, offset);
  if (isErr(n)) return n.errno;
  t.ret(0, n);
  return Errno.SUCCESS;
}

export function fd_prestat_get(t: Task, fd: number): Result {
  const e = getFd(t.proc, fd);
  if (isErr(e)) return e.errno;
  if (e.preopen === undefined) return Errno.BADF;
  t.ret(0, new TextEncoder().encode(e.preopen).length);
  return Errno.SUCCESS;
}

export function fd_prestat_dir_name(t: Task, fd: number): Result {
  const e = getFd(t.proc, fd);
  if (isErr(e)) return e.errno;
  if (e.preopen === undefined) return Errno.NOTDIR;
  const name = new TextEncoder().encode(e.preopen);
  t.out().set(name);
  t.ret(0, name.length);
  return Errno.SUCCESS;
}

/** read(2): parks while nothing is readable, unless the fd is O_NONBLOCK (AGAIN). */
export function fd_read(t: Task, fd: number, max: number): Result {
  const file = getFile(t.proc, fd, Rights.FD_READ);
  if (isErr(file)) return file.errno;
  const bg = backgroundAccess(t, file, Signal.TTIN);
  if (bg !== null) return bg;
  if (!file.readReady()) {
    if (file.nonblock) return Errno.AGAIN;
    return t.block(file.readQueue ? [file.readQueue] : []);
  }
  // A file may have a ready read wait a while for a first byte (a terminal's
  // VTIME): once, marked in progress; the re-run reads whatever is there.
  const wait = t.progress === 0 && !file.nonblock ? file.readTimeoutMs() : 0;
  if (wait > 0) {
    t.progress = -1;
    return t.block(file.queue ? [file.queue] : [], wait);
  }
  const out = t.out();
  const data = file.read(max, out);
  if (isErr(data)) return data.errno;
  copyOut(out, data);
  t.ret(0, data.length);
  return Errno.SUCCESS;
}

/**
 * The process's memory as this thread sees it now, if it covers `end` bytes;
 * null when the kernel has no view of it (a memory the runtime did not
 * supply) or its view lags a growth the process made (the runtime then uses
 * the window).
 */
function guestMemory(t: Task, end: number): Uint8Array | null {
  const memory = t.proc.memory;
  if (!memory) return null;
  let u8 = views.get(memory);
  if (!u8 || u8.byteLength < end) views.set(memory, (u8 = new Uint8Array(memory.buffer)));
  return end <= u8.byteLength ? u8 : null;
}
const views = new WeakMap<WebAssembly.Memory, Uint8Array>();

/** The iovecs at `iovs` as views of the process's memory; null as for guestMemory. */
function guestVecs(t: Task, iovs: number, count: number): Uint8Array[] | null {
  if (!(iovs >= 0 && count >= 0 && count <= IOV_MAX)) return null;
  const mem = guestMemory(t, iovs + count * IOVEC.SIZE);
  if (!mem) return null;
  const dv = new DataView(mem.buffer, mem.byteOffset, mem.byteLength);
  const out: Uint8Array[] = [];
  let end = 0;
  for (let i = 0; i < count; i++) {
    const at = iovs + i * IOVEC.SIZE;
    const ptr = dv.getUint32(at + IOVEC.BUF, true), len = dv.getUint32(at + IOVEC.LEN, true);
    out.push(len === 0 ? new Uint8Array(0) : mem.subarray(ptr, ptr + len));
    if (len > 0) end = Math.max(end, ptr + len);
  }
  // A growth the kernel's view has not caught up with: the runtime checked the pointers against its own.
  if (end > mem.byteLength) return guestMemory(t, end) ? guestVecs(t, iovs, count) : null;
  return out;
}
/** Iovecs a call may name (IOV_MAX). */
const IOV_MAX = 1024;

/** fd_readm/fd_writem could not do it: nothing done, the runtime goes through the window. */
function notHere(t: Task): Result {
  t.ret(0, 0);
  t.ret(1, 1);
  return Errno.SUCCESS;
}

/**
 * readv(2)/preadv(2) of a file the kernel serves (FdKind.DIRECT), straight
 * into the process's memory: one copy, from the file to where the program
 * wants it, and no 256 KiB limit. A regular file fills the iovecs in turn
 * until its end.
 */
export function fd_readm(t: Task, fd: number, iovs: number, count: number, offset: bigint, positioned: number): Result {
  const file = getFile(t.proc, fd, Rights.FD_READ);
  if (isErr(file)) return file.errno;
  const vecs = file instanceof RegularFileHandle ? guestVecs(t, iovs, count) : null;
  if (!file.readReady() || !vecs) return notHere(t);
  if (positioned && (offset < 0n)) return Errno.INVAL;
  return eachIovec(t, vecs, (into, done) => {
    const data = positioned ? file.pread(into.length, offset + BigInt(done), into) : file.read(into.length, into);
    if (isErr(data)) return data;
    copyOut(into, data);
    return data.length;
  });
}

/** writev(2)/pwritev(2) of a DIRECT file, straight from the process's memory (RLIMIT_FSIZE as for fd_write). */
export function fd_writem(t: Task, fd: number, iovs: number, count: number, offset: bigint, positioned: number): Result {
  const file = getFile(t.proc, fd, Rights.FD_WRITE);
  if (isErr(file)) return file.errno;
  const vecs = file instanceof RegularFileHandle ? guestVecs(t, iovs, count) : null;
  if (!vecs) return notHere(t);
  return eachIovec(t, vecs, (from, done) => {
    const e = positioned ? fd_pwrite(t, fd, from, offset + BigInt(done)) : fd_write(t, fd, from);
    if (e !== Errno.SUCCESS) return { errno: e };
    t.progress = 0;
    return t.retNum(0);
  });
}

/**
 * fd_readm/fd_writem's loop: `move` each iovec in turn (bytes moved, or why
 * not), stopping after a short one, as readv(2) and writev(2) do; a failure
 * is the call's only when nothing moved before it. Answers the total.
 */
function eachIovec(t: Task, vecs: Uint8Array[], move: (v: Uint8Array, done: number) => number | { errno: Result }): Result {
  let total = 0;
  for (const v of vecs) {
    if (v.length === 0) continue;
    const n = move(v, total);
    if (typeof n !== 'number') {
      if (total > 0) break;
      return n.errno;
    }
    total += n;
    if (n < v.length) break;
  }
  t.ret(0, total);
  t.ret(1, 0);
  return Errno.SUCCESS;
}

/**
 * write(2): parks while the file cannot take the bytes, unless O_NONBLOCK
 * (AGAIN, or the count so far). A blocking write to a pipe returns only when all
 * bytes are in; a write with no reader left fails with EPIPE and raises SIGPIPE.
 */
export function fd_write(t: Task, fd: number, data: Uint8Array): Result {
  const file = getFile(t.proc, fd, Rights.FD_WRITE);
  if (isErr(file)) return file.errno;
  if (t.progress === 0) {
    const bg = backgroundAccess(t, file, Signal.TTOU);
    if (bg !== null) return bg;
  }
  if (file instanceof RegularFileHandle) {
    const fits = clipToFsize(t, file.writeOffset, data);
    if (fits === Errno.FBIG) return fits;
    data = fits;
  }
  for (;;) {
    const rest = data.subarray(t.progress);
    if (!file.canWrite(rest.length)) {
      if (file.nonblock) return t.progress > 0 ? wrote(t) : Errno.AGAIN;
      return t.block(file.writeQueue ? [file.writeQueue] : []);
    }
    const n = file.write(rest);
    if (isErr(n)) {
      if (n.errno === Errno.PIPE) t.sys.lifecycle.signal(t.proc, Signal.PIPE);
      return t.progress > 0 ? wrote(t) : n.errno;
    }
    t.progress += n;
    if (t.progress >= data.length || file.nonblock || n === 0 && !file.writeQueue) return wrote(t);
  }
}

function wrote(t: Task): Result {
  t.ret(0, t.progress);
  return Errno.SUCCESS;
}

/**
 * fd_readdir: dirents from `cookie` on, packed into at most `max` bytes; the last
 * one is cut short when it does not fit, which tells the caller to grow its buffer.
 */
export function fd_readdir(t: Task, fd: number, max: number, cookie: bigint): Result {
  const file = getFile(t.proc, fd, 0);
  if (isErr(file)) return file.errno;
  const entries = file.readdir(BigInt.asUintN(64, cookie));
  if (isErr(entries)) return entries.errno;
  const out = t.out();
  const enc = new TextEncoder();
  let used = 0;
  let next = BigInt.asUintN(64, cookie);
  for (const ent of entries) {
    if (used >= max) break;
    next++;
    const name = enc.encode(ent.name);
    const rec = new Uint8Array(DIRENT.SIZE + name.length);
    const rv = new DataView(rec.buffer);
    rv.setBigUint64(DIRENT.NEXT, next, true);
    rv.setBigUint64(DIRENT.INO, ent.ino, true);
    rv.setUint32(DIRENT.NAMLEN, name.length, true);
    rv.setUint8(DIRENT.TYPE, ent.filetype);
    rec.set(name, DIRENT.SIZE);
    const n = Math.min(rec.length, max - used);
    out.set(rec.subarray(0, n), used);
    used += n;
  }
  t.ret(0, used);
  return Errno.SUCCESS;
}

export function fd_renumber(t: Task, from: number, to: number): Result {
  return t.proc.fds.renumber(from, to);
}

export function fd_seek(t: Task, fd: number, offset: bigint, whence: number): Result {
  const file = getFile(t.proc, fd, 0);
  if (isErr(file)) return file.errno;
  const pos = file.seek(offset, whence);
  if (isErr(pos)) return pos.errno;
  t.retBig(0, pos);
  return Errno.SUCCESS;
}

export function fd_tell(t: Task, fd: number): Result {
  return fd_seek(t, fd, 0n, Whence.CUR);
}


/**
 * Job control: a background process reading its controlling terminal (or
 * writing it under TOSTOP) makes its group stop with SIGTTIN/SIGTTOU and waits;
 * when that signal is ignored or blocked, a read fails with EIO and a write
 * goes ahead. null: no objection.
 */
function backgroundAccess(t: Task, file: OpenFile, sig: Signal.TTIN | Signal.TTOU): Result | null {
  const p = t.proc;
  if (sig === Signal.TTOU ? !writeStops(p, file) : !backgroundOf(p, file)) return null;
  const act = p.action(sig);
  if (act.handler === SIG_IGN || (p.sigBlocked & sigbit(sig))) return sig === Signal.TTIN ? Errno.IO : null;
  t.sys.lifecycle.signalGroup(p.pgid, sig);
  return t.block([]);
}
