// The socket calls inside the process: tabkernel's socket imports
// (userland/libc/socket.c wraps them) and the byte traffic WASI's sock_recv
// and sock_send share with them. A connected stream socket's bytes move
// through the pipe fast path (pipes.ts, FdKind.SOCKET) when the call needs
// nothing of the kernel — no address, no flag but MSG_NOSIGNAL (a send) or
// MSG_DONTWAIT; everything else, and whatever the fast path leaves (EOF,
// EPIPE, a reset, O_NONBLOCK), is a kernel call (kernel/syscall/sock.ts).
// Addresses cross as the guest's struct sockaddr bytes; one the kernel
// answers is cut to the guest's buffer and its real length reported, as
// accept(2) and getsockname(2) do.
import { Errno, isErr } from '../abi/errno.js';
import type { ImportHandlers, tabkernelSignatures } from '../abi/imports.js';
import { MsgFlag, RESOLVED, SOCKADDR_MAX } from '../abi/socket.js';
import type { FastPaths } from './fdinfo.js';
import type { GuestMemory } from './memory.js';
import type { PipeFastPath } from './pipes.js';
import { INPUT_ROOM, type SyscallClient } from './syscall.js';
import { IovGather, guestIovecs, scatter } from './wasi.js';

const NO_ADDR = new Uint8Array(0);

/** send: bytes from the guest's iovecs, through the fast path when it may; the count, or -errno. */
export function socketSend(s: SyscallClient, pipes: PipeFastPath, mem: GuestMemory, fd: number, vecs: Array<[number, number]>,
  flags: number, addr: Uint8Array | null, call: 'sendto' | 'sock_send'): number {
  const total = vecs.reduce((n, [, len]) => n + len, 0);
  if (addr === null && (flags & ~(MsgFlag.NOSIGNAL | MsgFlag.DONTWAIT)) === 0 && total > 0) {
    const n = pipes.write(fd, mem.u8, vecs, total, (flags & MsgFlag.DONTWAIT) === 0);
    if (n !== null) return n;
  }
  const to = addr ?? NO_ADDR;
  const gather = new IovGather(mem.u8, vecs);
  let done = 0;
  do {
    gather.len = Math.min(total - done, INPUT_ROOM - to.length);
    const e = call === 'sendto' ? s.call('sendto', fd, gather, flags, to) : s.call('sock_send', fd, gather, flags);
    if (e !== Errno.SUCCESS) return done > 0 ? done : -e;
    const n = s.retNum(0);
    done += n;
    if (n < gather.len) break;
  } while (done < total);
  return done;
}

/** recv: bytes into the guest's iovecs; with the sender's address (when the kernel answered) and the output flags. */
export function socketRecv(s: SyscallClient, pipes: PipeFastPath, mem: GuestMemory, fd: number, vecs: Array<[number, number]>,
  flags: number, call: 'recvfrom' | 'sock_recv'): { count: number; flags: number; addr: Uint8Array | null } | Errno {
  const total = vecs.reduce((n, [, len]) => n + len, 0);
  if ((flags & ~MsgFlag.DONTWAIT) === 0) {
    const u8 = mem.u8;
    const n = pipes.read(fd, total, (piece, at) => scatter(u8, vecs, piece, at), (flags & MsgFlag.DONTWAIT) === 0);
    if (n !== null) return { count: n, flags: 0, addr: null };
  }
  const want = Math.max(0, Math.min(total, s.outRoom() - SOCKADDR_MAX));
  const e = s.call(call, fd, want, flags);
  if (e !== Errno.SUCCESS) return e;
  const n = s.retNum(0);
  const out = s.out(SOCKADDR_MAX + n);
  scatter(mem.u8, vecs, out.subarray(SOCKADDR_MAX), 0);
  const alen = s.retNum(1);
  return { count: n, flags: s.retNum(2), addr: alen > 0 ? out.slice(0, alen) : null };
}

type SocketCalls = Pick<ImportHandlers<typeof tabkernelSignatures>,
  'socket' | 'socketpair' | 'bind' | 'listen' | 'accept' | 'connect' | 'sendto' | 'recvfrom' | 'sockname' | 'sockopt' | 'resolve'>;

export function socketImports(s: SyscallClient, getMem: () => GuestMemory, fast: FastPaths): SocketCalls {
  const m = getMem;
  const putU32 = (ptr: number, v: number): Errno => {
    if (!m().ok(ptr >>> 0, 4)) return Errno.FAULT;
    m().view.setUint32(ptr >>> 0, v, true);
    return Errno.SUCCESS;
  };
  /** The guest's sockaddr of `len` bytes (at most SOCKADDR_MAX: EINVAL past it). */
  const addrIn = (ptr: number, len: number): Uint8Array | Errno => {
    if ((len >>> 0) > SOCKADDR_MAX) return Errno.INVAL;
    const b = m().bytes(ptr >>> 0, len >>> 0);
    return isErr(b) ? b.errno : b.slice();
  };
  /**
   * An address the kernel answered, into the guest's buffer at `ptr` of the
   * size at `lenPtr` (cut to it), and its real size into `lenPtr`. A null
   * `ptr` wants none. Checked before the call: `check` says FAULT.
   */
  const addrOut = {
    check(ptr: number, lenPtr: number): Errno {
      if (ptr === 0) return Errno.SUCCESS;
      if (!m().ok(lenPtr >>> 0, 4)) return Errno.FAULT;
      return m().ok(ptr >>> 0, m().view.getUint32(lenPtr >>> 0, true)) ? Errno.SUCCESS : Errno.FAULT;
    },
    put(ptr: number, lenPtr: number, bytes: Uint8Array): void {
      if (ptr === 0) return;
      const room = m().view.getUint32(lenPtr >>> 0, true);
      m().u8.set(bytes.subarray(0, Math.min(room, bytes.length)), ptr >>> 0);
      m().view.setUint32(lenPtr >>> 0, bytes.length, true);
    },
  };

  return {
    socket(domain: number, type: number, protocol: number, fdOut: number): number {
      if (!m().ok(fdOut >>> 0, 4)) return Errno.FAULT;
      const r = s.call('socket', domain, type, protocol);
      if (r) return r;
      fast.fds.forget(s.retNum(0));
      return putU32(fdOut, s.retNum(0));
    },
    socketpair(domain: number, type: number, protocol: number, fds: number): number {
      if (!m().ok(fds >>> 0, 8)) return Errno.FAULT;
      const r = s.call('socketpair', domain, type, protocol);
      if (r) return r;
      fast.fds.forget(s.retNum(0));
      fast.fds.forget(s.retNum(1));
      putU32(fds, s.retNum(0));
      return putU32(fds + 4, s.retNum(1));
    },
    bind(fd: number, addr: number, len: number): number {
      const a = addrIn(addr, len);
      return typeof a === 'number' ? a : s.call('bind', fd, a);
    },
    listen: (fd: number, backlog: number) => s.call('listen', fd, backlog | 0),
    accept(fd: number, flags: number, addr: number, lenPtr: number, fdOut: number): number {
      if (!m().ok(fdOut >>> 0, 4)) return Errno.FAULT;
      const c = addrOut.check(addr, lenPtr);
      if (c) return c;
      const r = s.call('accept', fd, flags);
      if (r) return r;
      const nfd = s.retNum(0);
      fast.fds.forget(nfd);
      addrOut.put(addr, lenPtr, s.out(s.retNum(1)));
      return putU32(fdOut, nfd);
    },
    connect(fd: number, addr: number, len: number): number {
      const a = addrIn(addr, len);
      if (typeof a === 'number') return a;
      const r = s.call('connect', fd, a);
      fast.fds.forget(fd); // connected now (or soon): its rings may be the fast path's
      return r;
    },
    sendto(fd: number, iovs: number, iovcnt: number, flags: number, addr: number, addrLen: number, sentOut: number): number {
      const vecs = guestIovecs(m(), iovs, iovcnt);
      if (typeof vecs === 'number') return vecs;
      if (!m().ok(sentOut >>> 0, 4)) return Errno.FAULT;
      let to: Uint8Array | null = null;
      if (addr !== 0 && addrLen !== 0) {
        const a = addrIn(addr, addrLen);
        if (typeof a === 'number') return a;
        to = a;
      }
      const n = socketSend(s, fast.pipes, m(), fd, vecs, flags, to, 'sendto');
      return n < 0 ? -n : putU32(sentOut, n);
    },
    recvfrom(fd: number, iovs: number, iovcnt: number, flags: number, addr: number, lenPtr: number, recvOut: number, flagsOut: number): number {
      const vecs = guestIovecs(m(), iovs, iovcnt);
      if (typeof vecs === 'number') return vecs;
      if (!m().ok(recvOut >>> 0, 4) || (flagsOut !== 0 && !m().ok(flagsOut >>> 0, 4))) return Errno.FAULT;
      const c = addrOut.check(addr, lenPtr);
      if (c) return c;
      const r = socketRecv(s, fast.pipes, m(), fd, vecs, flags, 'recvfrom');
      if (typeof r === 'number') return r;
      addrOut.put(addr, lenPtr, r.addr ?? NO_ADDR);
      if (flagsOut !== 0) putU32(flagsOut, r.flags);
      return putU32(recvOut, r.count);
    },
    sockname(fd: number, peer: number, addr: number, lenPtr: number): number {
      if (addr === 0) return Errno.FAULT;
      const c = addrOut.check(addr, lenPtr);
      if (c) return c;
      const r = s.call('sockname', fd, peer ? 1 : 0);
      if (r) return r;
      addrOut.put(addr, lenPtr, s.out(s.retNum(0)));
      return Errno.SUCCESS;
    },
    sockopt(fd: number, level: number, name: number, set: number, value: number, out: number): number {
      if (!set && !m().ok(out >>> 0, 4)) return Errno.FAULT;
      const r = s.call('sockopt', fd, level >>> 0, name, set ? 1 : 0, value | 0);
      if (r || set) return r;
      m().view.setInt32(out >>> 0, s.retNum(0), true);
      return Errno.SUCCESS;
    },
    resolve(name: number, len: number, family: number, out: number, max: number, countOut: number): number {
      const host = m().bytes(name >>> 0, len >>> 0);
      if (isErr(host)) return host.errno;
      if (!m().ok(out >>> 0, (max >>> 0) * RESOLVED.SIZE) || !m().ok(countOut >>> 0, 4)) return Errno.FAULT;
      const r = s.call('resolve', host.slice(), family);
      if (r) return r;
      const n = s.retNum(0);
      const keep = Math.min(n, max >>> 0);
      m().u8.set(s.out(keep * RESOLVED.SIZE), out >>> 0);
      return putU32(countOut, n);
    },
  };
}
