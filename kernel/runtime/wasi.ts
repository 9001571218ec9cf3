// The wasi_snapshot_preview1 import object, inside the process worker.
// Each function checks the guest's pointers (EFAULT, never a JS exception),
// makes one call to the kernel, typed from its declaration in abi/syscalls.ts
// (runtime/syscall.ts puts the arguments in the page), and copies results back.
// Calls that need no kernel decision are answered here: args, environ, clocks,
// random, sched_yield, and poll_oneoff when it only waits on clocks.
// Spec: WASI preview1 (legacy/preview1/docs.md); struct layouts in abi/wasi.ts.
import { Errno, isErr } from '../abi/errno.js';
import type { ImportHandlers, wasiSignatures } from '../abi/imports.js';
import { Slot } from '../abi/page.js';
import { FdKind } from '../abi/syscalls.js';
import { Clockid, DIRENT, EVENT, Eventtype, FDSTAT, FILESTAT, Filetype, IOVEC, Lookupflags, PRESTAT, SUBSCRIPTION, Subclockflags } from '../abi/wasi.js';
import { monotonicNs, realtimeNs, storeMonotonicNs, storeRealtimeNs } from '../lib/time.js';
import type { GuestMemory } from './memory.js';
import { INPUT_ROOM, type Gather, type SyscallClient } from './syscall.js';
import type { FastPaths } from './fdinfo.js';
import { EntropyPool } from './entropy.js';
import { keepMemoryOnExit } from './mempool.js';
import { socketRecv, socketSend } from './sockets.js';

/**
 * Thrown to unwind the guest's stack once proc_exit has been sent, or once an
 * exec succeeded (`code` null): the worker then runs the next program.
 */
export class ProcExit {
  constructor(readonly code: number | null) {}
}

const encoder = new TextEncoder();
/** Nanoseconds the clocks actually resolve (performance.now() is µs-precise at best). */
const CLOCK_RES = 1000n;

/** What the imports know of the program running now (a worker runs one after another). */
export class ProgramInfo {
  args: Uint8Array[] = [];
  envs: Uint8Array[] = [];

  set(argv: string[], env: string[]): void {
    this.args = argv.map((a) => encoder.encode(a + '\0'));
    this.envs = env.map((e) => encoder.encode(e + '\0'));
  }
}

export function wasiImports(s: SyscallClient, getMem: () => GuestMemory, program: ProgramInfo, fast: FastPaths): Record<string, (...a: never[]) => number | bigint | void> {
  const { fds, pipes, files, paths } = fast;
  const entropy = new EntropyPool();

  /** Write u32 `v` at `ptr` (checked). */
  const putU32 = (ptr: number, v: number): Errno => {
    const m = getMem();
    if (!m.ok(ptr, 4)) return Errno.FAULT;
    m.view.setUint32(ptr, v, true);
    return Errno.SUCCESS;
  };
  const putU64 = (ptr: number, v: bigint): Errno => {
    const m = getMem();
    if (!m.ok(ptr, 8)) return Errno.FAULT;
    m.view.setBigUint64(ptr, BigInt.asUintN(64, v), true);
    return Errno.SUCCESS;
  };
  /** Copy `len` result bytes of the last call to guest memory at `ptr` (checked by the caller). */
  const copyOut = (ptr: number, len: number): void => {
    getMem().u8.set(s.out(len), ptr);
  };

  const sizes = (list: Uint8Array[], countPtr: number, sizePtr: number): Errno => {
    const m = getMem();
    countPtr >>>= 0; sizePtr >>>= 0;
    if (!m.ok(countPtr, 4) || !m.ok(sizePtr, 4)) return Errno.FAULT;
    m.view.setUint32(countPtr, list.length, true);
    m.view.setUint32(sizePtr, list.reduce((n, b) => n + b.length, 0), true);
    return Errno.SUCCESS;
  };
  const strings = (list: Uint8Array[], ptrs: number, buf: number): Errno => {
    const m = getMem();
    ptrs >>>= 0; buf >>>= 0;
    const total = list.reduce((n, b) => n + b.length, 0);
    if (!m.ok(ptrs, list.length * 4) || !m.ok(buf, total)) return Errno.FAULT;
    for (const b of list) {
      m.view.setUint32(ptrs, buf, true);
      m.u8.set(b, buf);
      ptrs += 4;
      buf += b.length;
    }
    return Errno.SUCCESS;
  };

  const iovecs = (iovs: number, count: number): Array<[number, number]> | Errno => guestIovecs(getMem(), iovs, count);

  /** The byte count of the guest's iovec array, each checked; -1 for a bad pointer. */
  const iovTotal = (iovs: number, count: number): number => {
    const m = getMem();
    iovs >>>= 0; count >>>= 0;
    if (!m.ok(iovs, count * IOVEC.SIZE)) return -1;
    const v = m.view;
    let total = 0;
    for (let i = 0; i < count; i++) {
      const at = iovs + i * IOVEC.SIZE;
      const len = v.getUint32(at + IOVEC.LEN, true);
      if (!m.ok(v.getUint32(at + IOVEC.BUF, true), len)) return -1;
      total += len;
    }
    return total;
  };

  /** A guest path's bytes (the kernel decodes them), or FAULT. */
  const path = (ptr: number, len: number): Uint8Array | Errno => {
    const b = getMem().bytes(ptr >>> 0, len >>> 0);
    return isErr(b) ? b.errno : b;
  };

  /**
   * A read or write of a regular file that the kernel does (FdKind.DIRECT, or
   * a shared file whose bytes are the kernel's: a host file) straight between
   * the file and this memory, the iovecs (checked) as they are: the errno, or
   * null when the kernel cannot (the window then carries the bytes).
   */
  const memoryCall = (name: 'fd_readm' | 'fd_writem', fd: number, iovs: number, count: number, offset: bigint | undefined): Errno | null => {
    const kind = fds.get(fd).kind;
    if (kind !== FdKind.DIRECT && kind !== FdKind.FILE) return null;
    const e = s.call(name, fd, iovs >>> 0, count >>> 0, offset ?? 0n, offset === undefined ? 0 : 1);
    return e !== Errno.SUCCESS || s.retNum(1) === 0 ? e : null;
  };

  /** read/pread: one call of up to the window's size, scattered into the iovecs. */
  const readv = (fd: number, iovs: number, count: number, nreadPtr: number, offset?: bigint): Errno => {
    const vecs = iovecs(iovs, count);
    if (typeof vecs === 'number') return vecs;
    if (!getMem().ok(nreadPtr >>> 0, 4)) return Errno.FAULT;
    const total = vecs.reduce((n, [, len]) => n + len, 0);
    const here = files.read(fd, getMem().u8, vecs, total, offset);
    if (here !== null) return putU32(nreadPtr >>> 0, here);
    const direct = memoryCall('fd_readm', fd, iovs, count, offset);
    if (direct !== null) return direct === Errno.SUCCESS ? putU32(nreadPtr >>> 0, s.retNum(0)) : direct;
    const want = Math.min(total, s.outRoom());
    if (offset === undefined) {
      const u8 = getMem().u8;
      const n = pipes.read(fd, want, (piece, at) => scatter(u8, vecs, piece, at));
      if (n !== null) return putU32(nreadPtr >>> 0, n);
    }
    const e = offset === undefined ? s.call('fd_read', fd, want) : s.call('fd_pread', fd, want, offset);
    if (e !== Errno.SUCCESS) return e;
    const n = s.retNum(0);
    scatter(getMem().u8, vecs, s.out(n), 0);
    return putU32(nreadPtr >>> 0, n);
  };

  /** write/pwrite: gathered into the window; larger writes go in window-sized calls. */
  const writev = (fd: number, iovs: number, count: number, nwrittenPtr: number, offset?: bigint): Errno => {
    if (offset === undefined && pipes.sink(fd)) {
      const n = iovTotal(iovs, count);
      if (n < 0) return Errno.FAULT;
      return n > 0x7fffffff ? Errno.INVAL : putU32(nwrittenPtr >>> 0, n); // ssize_t, as writev(2)
    }
    const vecs = iovecs(iovs, count);
    if (typeof vecs === 'number') return vecs;
    if (!getMem().ok(nwrittenPtr >>> 0, 4)) return Errno.FAULT;
    const u8 = getMem().u8;
    const want = vecs.reduce((n, [, len]) => n + len, 0);
    const here = files.write(fd, u8, vecs, want, offset);
    if (here !== null) return putU32(nwrittenPtr >>> 0, here);
    const direct = memoryCall('fd_writem', fd, iovs, count, offset);
    if (direct !== null) return direct === Errno.SUCCESS ? putU32(nwrittenPtr >>> 0, s.retNum(0)) : direct;
    if (offset === undefined && want > 0) {
      const n = pipes.write(fd, u8, vecs, want);
      if (n !== null) return putU32(nwrittenPtr >>> 0, n);
    }
    const gather = new IovGather(u8, vecs);
    let total = 0;
    do {
      gather.len = Math.min(want - total, INPUT_ROOM);
      const e = offset === undefined ? s.call('fd_write', fd, gather) : s.call('fd_pwrite', fd, gather, offset + BigInt(total));
      if (e !== Errno.SUCCESS) {
        if (total > 0) break;
        return e;
      }
      const n = s.retNum(0);
      total += n;
      if (n < gather.len) break;
    } while (total < want);
    return putU32(nwrittenPtr >>> 0, total);
  };

  /** Copy a call's fixed-size struct result to `ptr` (checked before the call). */
  const structOut = (e: Errno, ptr: number, size: number): Errno => {
    if (e === Errno.SUCCESS) copyOut(ptr >>> 0, size);
    return e;
  };

  const clockNow = (id: number): bigint | Errno => {
    switch (id) {
      case Clockid.REALTIME: return realtimeNs();
      case Clockid.MONOTONIC: return monotonicNs();
      // One thread per process: both are the time it ran, less its waits (abi/page.ts, Cpu).
      case Clockid.PROCESS_CPUTIME_ID:
      case Clockid.THREAD_CPUTIME_ID: return s.cpuTimeNs();
      default: return Errno.INVAL;
    }
  };

  return {
    args_sizes_get: (c: number, z: number) => sizes(program.args, c, z),
    args_get: (p: number, b: number) => strings(program.args, p, b),
    environ_sizes_get: (c: number, z: number) => sizes(program.envs, c, z),
    environ_get: (p: number, b: number) => strings(program.envs, p, b),

    clock_res_get(id: number, ptr: number): number {
      if (id < 0 || id > Clockid.THREAD_CPUTIME_ID) return Errno.INVAL;
      return putU64(ptr >>> 0, CLOCK_RES);
    },
    clock_time_get(id: number, _precision: bigint, ptr: number): number {
      // The two common clocks skip BigInts: this call is in hot loops.
      if (id === Clockid.MONOTONIC || id === Clockid.REALTIME) {
        const view = getMem().viewAt(ptr >>> 0, 8);
        if (view === null) return Errno.FAULT;
        if (id === Clockid.MONOTONIC) storeMonotonicNs(view, ptr >>> 0);
        else storeRealtimeNs(view, ptr >>> 0);
        return Errno.SUCCESS;
      }
      const t = clockNow(id);
      if (typeof t === 'number') return t;
      return putU64(ptr >>> 0, t);
    },

    fd_advise: (fd: number, offset: bigint, len: bigint, advice: number) => s.call('fd_advise', fd, offset, len, advice),
    fd_allocate: (fd: number, offset: bigint, len: bigint) => s.call('fd_allocate', fd, offset, len),
    fd_close: (fd: number) => fds.close(fd),
    fd_datasync: (fd: number) => s.call('fd_datasync', fd),
    fd_sync: (fd: number) => s.call('fd_sync', fd),
    fd_fdstat_get(fd: number, ptr: number): number {
      if (!getMem().ok(ptr >>> 0, FDSTAT.SIZE)) return Errno.FAULT;
      if (files.fdstat(fd, getMem().view, ptr >>> 0)) return Errno.SUCCESS;
      // Every open asks this of its directory fd (wasi-libc): remembered, it costs no call.
      if (fds.fdstat(fd, getMem().u8, ptr >>> 0)) return Errno.SUCCESS;
      const generation = fds.flagsGeneration();
      const e = s.call('fd_fdstat_get', fd);
      // Not a regular file's: another process may hold its description in the file table and change its flags there.
      if (e === Errno.SUCCESS && s.out(FDSTAT.SIZE)[FDSTAT.FILETYPE] !== Filetype.REGULAR_FILE) fds.rememberFdstat(fd, s.out(FDSTAT.SIZE), generation);
      return structOut(e, ptr, FDSTAT.SIZE);
    },
    fd_fdstat_set_flags: (fd: number, flags: number) => files.setFlags(fd, flags & 0xffff) ?? s.call('fd_fdstat_set_flags', fd, flags & 0xffff),
    fd_fdstat_set_rights: (fd: number, base: bigint, inh: bigint) => (fds.forget(fd), s.call('fd_fdstat_set_rights', fd, base, inh)),
    fd_filestat_get(fd: number, ptr: number): number {
      if (!getMem().ok(ptr >>> 0, FILESTAT.SIZE)) return Errno.FAULT;
      if (files.filestat(fd, getMem().u8, ptr >>> 0)) return Errno.SUCCESS;
      return structOut(s.call('fd_filestat_get', fd), ptr, FILESTAT.SIZE);
    },
    fd_filestat_set_size: (fd: number, size: bigint) => s.call('fd_filestat_set_size', fd, size),
    fd_filestat_set_times: (fd: number, atim: bigint, mtim: bigint, flags: number) =>
      s.call('fd_filestat_set_times', fd, atim, mtim, flags & 0xffff),
    fd_pread: (fd: number, iovs: number, n: number, offset: bigint, ptr: number) => readv(fd, iovs, n, ptr, offset),
    fd_pwrite: (fd: number, iovs: number, n: number, offset: bigint, ptr: number) => writev(fd, iovs, n, ptr, offset),
    fd_read: (fd: number, iovs: number, n: number, ptr: number) => readv(fd, iovs, n, ptr),
    fd_write: (fd: number, iovs: number, n: number, ptr: number) => writev(fd, iovs, n, ptr),
    fd_prestat_get(fd: number, ptr: number): number {
      ptr >>>= 0;
      if (!getMem().ok(ptr, PRESTAT.SIZE)) return Errno.FAULT;
      const e = s.call('fd_prestat_get', fd);
      if (e !== Errno.SUCCESS) return e;
      const v = getMem().view;
      v.setUint32(ptr, 0, true); // tag DIR, then padding
      v.setUint32(ptr + PRESTAT.NAME_LEN, s.retNum(0), true);
      return Errno.SUCCESS;
    },
    fd_prestat_dir_name(fd: number, ptr: number, len: number): number {
      ptr >>>= 0; len >>>= 0;
      if (!getMem().ok(ptr, len)) return Errno.FAULT;
      const e = s.call('fd_prestat_dir_name', fd);
      if (e !== Errno.SUCCESS) return e;
      const n = s.retNum(0);
      if (n > len) return Errno.NAMETOOLONG;
      copyOut(ptr, n);
      return Errno.SUCCESS;
    },
    fd_readdir(fd: number, buf: number, len: number, cookie: bigint, usedPtr: number): number {
      buf >>>= 0; len >>>= 0; usedPtr >>>= 0;
      if (!getMem().ok(buf, len) || !getMem().ok(usedPtr, 4)) return Errno.FAULT;
      const room = s.outRoom();
      let used = 0;
      let c = cookie;
      for (;;) {
        const max = Math.min(len - used, room);
        const e = s.call('fd_readdir', fd, max, c);
        if (e !== Errno.SUCCESS) return e;
        const got = s.retNum(0);
        const data = s.out(got);
        if (got < max || len - used <= room) {
          getMem().u8.set(data, buf + used);
          used += got;
          break;
        }
        // The window, not the guest's buffer, ran out: keep whole entries and go on.
        const whole = wholeEntries(data);
        if (whole.bytes === 0) break;
        getMem().u8.set(data.subarray(0, whole.bytes), buf + used);
        used += whole.bytes;
        c = whole.next;
      }
      return putU32(usedPtr, used);
    },
    fd_renumber: (from: number, to: number) => (fds.forget(from), fds.forget(to), s.call('fd_renumber', from, to)),
    fd_seek(fd: number, offset: bigint, whence: number, ptr: number): number {
      if (!getMem().ok(ptr >>> 0, 8)) return Errno.FAULT;
      const here = files.seek(fd, offset, whence);
      if (here !== null) return typeof here === 'bigint' ? putU64(ptr >>> 0, here) : here;
      const e = s.call('fd_seek', fd, offset, whence);
      return e !== Errno.SUCCESS ? e : putU64(ptr >>> 0, s.retBig(0));
    },
    fd_tell(fd: number, ptr: number): number {
      if (!getMem().ok(ptr >>> 0, 8)) return Errno.FAULT;
      const here = files.tell(fd);
      if (here !== null) return putU64(ptr >>> 0, here);
      const e = s.call('fd_tell', fd);
      return e !== Errno.SUCCESS ? e : putU64(ptr >>> 0, s.retBig(0));
    },

    path_create_directory(fd: number, p: number, l: number): number {
      const name = path(p, l);
      return typeof name === 'number' ? name : s.call('path_create_directory', fd, name);
    },
    path_filestat_get(fd: number, flags: number, p: number, l: number, ptr: number): number {
      const name = path(p, l);
      if (typeof name === 'number') return name;
      if (!getMem().ok(ptr >>> 0, FILESTAT.SIZE)) return Errno.FAULT;
      const follow = flags & Lookupflags.SYMLINK_FOLLOW;
      if (paths.stat(fd, follow, name, getMem().u8, ptr >>> 0)) return Errno.SUCCESS;
      const generation = paths.generation();
      const e = s.call('path_filestat_get', fd, flags, name);
      if (e === Errno.SUCCESS && s.retNum(0) === 1) paths.remember(fd, follow, name, generation, { stat: s.out(FILESTAT.SIZE) });
      return structOut(e, ptr, FILESTAT.SIZE);
    },
    path_filestat_set_times(fd: number, flags: number, p: number, l: number, atim: bigint, mtim: bigint, fst: number): number {
      const name = path(p, l);
      return typeof name === 'number' ? name : s.call('path_filestat_set_times', fd, flags, name, atim, mtim, fst & 0xffff);
    },
    path_link(oldfd: number, flags: number, op: number, ol: number, newfd: number, np: number, nl: number): number {
      const from = path(op, ol);
      if (typeof from === 'number') return from;
      const to = path(np, nl);
      return typeof to === 'number' ? to : s.call('path_link', oldfd, flags, from, newfd, to);
    },
    path_open(fd: number, dirflags: number, p: number, l: number, oflags: number, base: bigint, inh: bigint, fdflags: number, fdPtr: number): number {
      if (!getMem().ok(fdPtr >>> 0, 4)) return Errno.FAULT;
      const name = path(p, l);
      if (typeof name === 'number') return name;
      oflags &= 0xffff;
      fdflags &= 0xffff;
      const again = fds.reopens.reopen(fd, dirflags, name, oflags, base, inh, fdflags);
      if (again >= 0) return putU32(fdPtr >>> 0, again);
      const tree = paths.generation();
      const e = s.call('path_open', fd, dirflags, name, oflags, base, inh, fdflags);
      if (e !== Errno.SUCCESS) return e;
      const opened = s.retNum(0);
      fds.forget(opened);
      if (s.retNum(1) === 1) {
        const info = fds.opened(opened, s.page.dataView, s.outOffset());
        if (info.kind === FdKind.FILE) fds.reopens.opened(opened, fd, dirflags, name, oflags, base, inh, fdflags, info, tree);
      }
      return putU32(fdPtr >>> 0, opened);
    },
    path_readlink(fd: number, p: number, l: number, buf: number, len: number, usedPtr: number): number {
      buf >>>= 0; len >>>= 0; usedPtr >>>= 0;
      if (!getMem().ok(buf, len) || !getMem().ok(usedPtr, 4)) return Errno.FAULT;
      const name = path(p, l);
      if (typeof name === 'number') return name;
      const e = s.call('path_readlink', fd, name, Math.min(len, s.outRoom(name.length)));
      if (e !== Errno.SUCCESS) return e;
      const n = s.retNum(0);
      copyOut(buf, n);
      return putU32(usedPtr, n);
    },
    path_remove_directory(fd: number, p: number, l: number): number {
      const name = path(p, l);
      return typeof name === 'number' ? name : s.call('path_remove_directory', fd, name);
    },
    path_rename(fd: number, op: number, ol: number, newfd: number, np: number, nl: number): number {
      const from = path(op, ol);
      if (typeof from === 'number') return from;
      const to = path(np, nl);
      return typeof to === 'number' ? to : s.call('path_rename', fd, from, newfd, to);
    },
    path_symlink(op: number, ol: number, fd: number, np: number, nl: number): number {
      const target = path(op, ol);
      if (typeof target === 'number') return target;
      const name = path(np, nl);
      return typeof name === 'number' ? name : s.call('path_symlink', target, fd, name);
    },
    path_unlink_file(fd: number, p: number, l: number): number {
      const name = path(p, l);
      return typeof name === 'number' ? name : s.call('path_unlink_file', fd, name);
    },

    poll_oneoff(inPtr: number, outPtr: number, n: number, neventsPtr: number): number {
      inPtr >>>= 0; outPtr >>>= 0; n >>>= 0; neventsPtr >>>= 0;
      const m = getMem();
      if (!m.ok(inPtr, n * SUBSCRIPTION.SIZE) || !m.ok(outPtr, n * EVENT.SIZE) || !m.ok(neventsPtr, 4)) return Errno.FAULT;
      if (n === 0) return Errno.INVAL;
      const subs = m.u8.subarray(inPtr, inPtr + n * SUBSCRIPTION.SIZE);
      let clocksOnly = true;
      for (let i = 0; i < n; i++) if (subs[i * SUBSCRIPTION.SIZE + SUBSCRIPTION.TAG] !== Eventtype.CLOCK) clocksOnly = false;
      if (clocksOnly) return sleepOnClocks(s, m, subs, n, outPtr, neventsPtr);
      // The events come back after the subscriptions: both must fit the window.
      if (n * (SUBSCRIPTION.SIZE + EVENT.SIZE) > INPUT_ROOM) return Errno.NOMEM;
      const e = s.call('poll_oneoff', subs, n);
      if (e !== Errno.SUCCESS) return e;
      const count = s.retNum(0);
      copyOut(outPtr, count * EVENT.SIZE);
      return putU32(neventsPtr, count);
    },

    proc_exit(code: number): void {
      s.call('proc_exit', code >>> 0, '', keepMemoryOnExit());
      throw new ProcExit(code >>> 0);
    },
    proc_raise: (sig: number) => s.call('proc_raise', sig),
    sched_yield: () => Errno.SUCCESS,
    random_get(buf: number, len: number): number {
      buf >>>= 0; len >>>= 0;
      if (!getMem().ok(buf, len)) return Errno.FAULT;
      entropy.fill(getMem().u8, buf, len);
      return Errno.SUCCESS;
    },

    sock_accept(fd: number, flags: number, fdPtr: number): number {
      if (!getMem().ok(fdPtr >>> 0, 4)) return Errno.FAULT;
      const e = s.call('sock_accept', fd, flags & 0xffff);
      if (e !== Errno.SUCCESS) return e;
      fds.forget(s.retNum(0));
      return putU32(fdPtr >>> 0, s.retNum(0));
    },
    sock_recv(fd: number, ri: number, riLen: number, flags: number, lenPtr: number, flagsPtr: number): number {
      const vecs = iovecs(ri, riLen);
      if (typeof vecs === 'number') return vecs;
      if (!getMem().ok(lenPtr >>> 0, 4) || !getMem().ok(flagsPtr >>> 0, 2)) return Errno.FAULT;
      const r = socketRecv(s, pipes, getMem(), fd, vecs, flags & 0xffff, 'sock_recv');
      if (typeof r === 'number') return r;
      getMem().view.setUint16(flagsPtr >>> 0, r.flags, true);
      return putU32(lenPtr >>> 0, r.count);
    },
    sock_send(fd: number, si: number, siLen: number, flags: number, lenPtr: number): number {
      const vecs = iovecs(si, siLen);
      if (typeof vecs === 'number') return vecs;
      if (!getMem().ok(lenPtr >>> 0, 4)) return Errno.FAULT;
      const n = socketSend(s, pipes, getMem(), fd, vecs, flags & 0xffff, null, 'sock_send');
      return n < 0 ? -n : putU32(lenPtr >>> 0, n);
    },
    sock_shutdown: (fd: number, how: number) => (fds.forget(fd), s.call('sock_shutdown', fd, how & 0xff)),
  } satisfies ImportHandlers<typeof wasiSignatures>;
}

/** The guest's iovec array as [ptr, len] pairs, each checked; FAULT otherwise. */
export function guestIovecs(m: GuestMemory, iovs: number, count: number): Array<[number, number]> | Errno {
  iovs >>>= 0; count >>>= 0;
  if (!m.ok(iovs, count * IOVEC.SIZE)) return Errno.FAULT;
  const out: Array<[number, number]> = [];
  for (let i = 0; i < count; i++) {
    const ptr = m.view.getUint32(iovs + i * IOVEC.SIZE + IOVEC.BUF, true);
    const len = m.view.getUint32(iovs + i * IOVEC.SIZE + IOVEC.LEN, true);
    if (!m.ok(ptr, len)) return Errno.FAULT;
    out.push([ptr, len]);
  }
  return out;
}

/** The next `len` bytes of a guest's iovecs, gathered into the window by successive calls. */
export class IovGather implements Gather {
  len = 0;
  private v = 0;
  /** Bytes of vecs[v] already sent. */
  private within = 0;

  constructor(private readonly u8: Uint8Array, private readonly vecs: Array<[number, number]>) {}

  fill(window: Uint8Array): void {
    for (let filled = 0; filled < this.len;) {
      const [ptr, vlen] = this.vecs[this.v];
      const k = Math.min(vlen - this.within, this.len - filled);
      window.set(this.u8.subarray(ptr + this.within, ptr + this.within + k), filled);
      filled += k;
      this.within += k;
      if (this.within === vlen) { this.v++; this.within = 0; }
    }
  }
}

/** Copy a piece of a read, `at` bytes into it, to where the iovecs say. */
export function scatter(u8: Uint8Array, vecs: Array<[number, number]>, piece: Uint8Array, at: number): void {
  let skip = at;
  let off = 0;
  for (const [ptr, len] of vecs) {
    if (off >= piece.length) break;
    if (skip >= len) {
      skip -= len;
      continue;
    }
    const k = Math.min(len - skip, piece.length - off);
    u8.set(piece.subarray(off, off + k), ptr + skip);
    off += k;
    skip = 0;
  }
}

/** The bytes of the whole dirents at the start of `data`, and the cookie after them. */
function wholeEntries(data: Uint8Array): { bytes: number; next: bigint } {
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let off = 0;
  let next = 0n;
  while (off + DIRENT.SIZE <= data.length) {
    const end = off + DIRENT.SIZE + v.getUint32(off + DIRENT.NAMLEN, true);
    if (end > data.length) break;
    next = v.getBigUint64(off + DIRENT.NEXT, true);
    off = end;
  }
  return { bytes: off, next };
}

/**
 * poll_oneoff on clocks only: sleep here until the earliest deadline. The wait is
 * on the page's SIGNAL slot, so a signal for this process cuts it short. A
 * timeout on a CPU-time clock counts elapsed time (a process asleep uses no CPU,
 * so it would never end); an absolute one is first made relative to the CPU clock now.
 */
function sleepOnClocks(s: SyscallClient, m: GuestMemory, subs: Uint8Array, n: number, outPtr: number, neventsPtr: number): number {
  const v = new DataView(subs.buffer, subs.byteOffset, subs.byteLength);
  const now = monotonicNs();
  const deadlines: Array<bigint | Errno> = [];
  for (let i = 0; i < n; i++) {
    const off = i * SUBSCRIPTION.SIZE;
    const id = v.getUint32(off + SUBSCRIPTION.CLOCK_ID, true);
    const timeout = v.getBigUint64(off + SUBSCRIPTION.CLOCK_TIMEOUT, true);
    const abs = (v.getUint16(off + SUBSCRIPTION.CLOCK_FLAGS, true) & Subclockflags.ABSTIME) !== 0;
    if (id === Clockid.MONOTONIC) deadlines.push(abs ? timeout : now + timeout);
    else if (id === Clockid.REALTIME) deadlines.push(abs ? now + (timeout - realtimeNs()) : now + timeout);
    else if (id === Clockid.PROCESS_CPUTIME_ID || id === Clockid.THREAD_CPUTIME_ID) deadlines.push(abs ? now + (timeout - s.cpuTimeNs()) : now + timeout);
    else deadlines.push(Errno.INVAL);
  }
  const hasError = deadlines.some((d) => typeof d === 'number');
  if (!hasError) {
    const earliest = deadlines.reduce((a, b) => (b < a ? b : a)) as bigint;
    for (;;) {
      const left = Number(earliest - monotonicNs()) / 1e6;
      if (left <= 0) break;
      // A signal for a handler raises SIGNAL: the sleep ends early with EINTR.
      if (Atomics.load(s.page.i32, Slot.SIGNAL) !== 0) return Errno.INTR;
      const since = s.blockBegin();
      Atomics.wait(s.page.i32, Slot.SIGNAL, 0, left);
      s.blockEnd(since);
    }
  }
  const after = monotonicNs();
  const ev = m.view;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const d = deadlines[i];
    const error = typeof d === 'number' ? d : Errno.SUCCESS;
    if (typeof d !== 'number' && d > after) continue;
    const o = outPtr + count * EVENT.SIZE;
    for (let b = 0; b < EVENT.SIZE; b += 4) ev.setUint32(o + b, 0, true);
    ev.setBigUint64(o + EVENT.USERDATA, v.getBigUint64(i * SUBSCRIPTION.SIZE + SUBSCRIPTION.USERDATA, true), true);
    ev.setUint16(o + EVENT.ERROR, error, true);
    ev.setUint8(o + EVENT.TYPE, Eventtype.CLOCK);
    count++;
  }
  ev.setUint32(neventsPtr, count, true);
  return Errno.SUCCESS;
}
