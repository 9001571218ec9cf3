// Socket handlers: the BSD calls of tabkernel's libc (socket, bind, listen,
// accept, connect, sendto, recvfrom, getsockname, setsockopt, getaddrinfo's
// lookups) and WASI's own sock_accept, sock_recv, sock_send, sock_shutdown,
// on the sockets of kernel/net/. Each checks its fd and decodes its address
// (net/address.ts), then makes one call into the socket; waiting is done
// here, as fd_read and fd_write do it: a socket answers AGAIN, and the
// handler parks on its readQueue or writeQueue, or fails with EAGAIN under
// O_NONBLOCK or MSG_DONTWAIT. read(2) and write(2) of a socket are fd.ts's.
// Spec: POSIX socket(2) … shutdown(2); Linux socket(7), tcp(7), unix(7) for
// the errnos (EINPROGRESS from a non-blocking TCP connect even on loopback;
// SIGPIPE with EPIPE unless MSG_NOSIGNAL).
import { Errno, err, isErr, type Err } from '../abi/errno.js';
import { MSG_TRUNC, MsgFlag, RESOLVED, RESOLVE_MAX, SOCKADDR_MAX, Shut, SockFlag } from '../abi/socket.js';
import { Fdflags, Filetype, Signal } from '../abi/wasi.js';
import { AddressFamily } from '../abi/socket.js';
import { decodeAddr, encodeAddr, type SockAddr } from '../net/address.js';
import { Socket } from '../net/socket.js';
import type { Process } from '../proc/process.js';
import { rightsFor } from './helpers.js';
import type { Result, Task } from './task.js';

/** The socket behind `fd`: BADF for no fd, NOTSOCK for another kind of file. */
function getSocket(p: Process, fd: number): Socket | Err {
  const e = p.fds.get(fd);
  if (!e) return err(Errno.BADF);
  return e.file instanceof Socket ? e.file : err(Errno.NOTSOCK);
}

/** A new socket at the lowest free fd (its description released again when none is free). */
function install(p: Process, s: Socket, flags: number): number | Err {
  if (flags & SockFlag.NONBLOCK) s.fdflags |= Fdflags.NONBLOCK;
  const { base, inheriting } = rightsFor(s);
  const fd = p.fds.alloc({ file: s, rightsBase: base, rightsInheriting: inheriting, cloexec: (flags & SockFlag.CLOEXEC) !== 0 });
  if (isErr(fd)) s.release();
  return fd;
}

const SOCK_FLAGS = SockFlag.NONBLOCK | SockFlag.CLOEXEC;

export function socket(t: Task, domain: number, type: number, protocol: number): Result {
  const s = t.sys.net.socket(domain, type & ~SOCK_FLAGS, protocol);
  if (isErr(s)) return s.errno;
  const fd = install(t.proc, s, type);
  if (isErr(fd)) return fd.errno;
  t.ret(0, fd);
  return Errno.SUCCESS;
}

export function socketpair(t: Task, domain: number, type: number, protocol: number): Result {
  const pair = t.sys.net.socketpair(domain, type & ~SOCK_FLAGS, protocol);
  if (isErr(pair)) return pair.errno;
  const first = install(t.proc, pair[0], type);
  if (isErr(first)) {
    pair[1].release();
    return first.errno;
  }
  const second = install(t.proc, pair[1], type);
  if (isErr(second)) {
    t.proc.fds.close(first);
    return second.errno;
  }
  t.ret(0, first);
  t.ret(1, second);
  return Errno.SUCCESS;
}

export function bind(t: Task, fd: number, addr: Uint8Array): Result {
  const s = getSocket(t.proc, fd);
  if (isErr(s)) return s.errno;
  const a = decodeAddr(addr, s.domain);
  if (isErr(a)) return a.errno;
  return s.bind(t.proc, a as SockAddr);
}

export function listen(t: Task, fd: number, backlog: number): Result {
  const s = getSocket(t.proc, fd);
  if (isErr(s)) return s.errno;
  return s.listen(backlog);
}

/** accept4(2): waits for a connection (EAGAIN under O_NONBLOCK); the peer's address in the output. */
export function accept(t: Task, fd: number, flags: number): Result {
  const s = getSocket(t.proc, fd);
  if (isErr(s)) return s.errno;
  if (flags & ~SOCK_FLAGS) return Errno.INVAL;
  if (s.filetype !== Filetype.SOCKET_STREAM) return Errno.NOTSUP;
  const c = s.accept();
  if (isErr(c)) {
    if (c.errno !== Errno.AGAIN) return c.errno;
    return s.nonblock ? Errno.AGAIN : t.block([s.readQueue]);
  }
  const nfd = install(t.proc, c, flags);
  if (isErr(nfd)) return nfd.errno;
  putAddr(t, 0, c.peerName());
  t.ret(0, nfd);
  return Errno.SUCCESS;
}

/** A sockaddr into the output at `at`, its length in ret1 (0: none). */
function putAddr(t: Task, at: number, a: SockAddr | Err | null): void {
  const bytes = a === null || isErr(a) ? null : encodeAddr(a);
  if (bytes) t.out().set(bytes, at);
  t.ret(1, bytes ? bytes.length : 0);
}

/** Connects waiting for their outcome (an outbound one), so a re-run only looks at it. */
const connecting = new WeakSet<Task>();

/**
 * connect(2). An outbound connect (net/outbound.ts) takes time: EINPROGRESS
 * under O_NONBLOCK, else the call waits for its outcome. On the loopback it
 * is made at once — yet a non-blocking TCP connect still answers EINPROGRESS,
 * as Linux's does (poll then says it is writable at once).
 */
export function connect(t: Task, fd: number, addr: Uint8Array): Result {
  const s = getSocket(t.proc, fd);
  if (isErr(s)) return s.errno;
  if (connecting.has(t)) {
    if (s.connecting) return t.block([s.writeQueue]);
    connecting.delete(t);
    return s.takeError();
  }
  const a = decodeAddr(addr, s.domain, s.filetype === Filetype.SOCKET_DGRAM);
  if (isErr(a)) return a.errno;
  const e = s.connect(t.proc, a);
  if (e === Errno.INPROGRESS) {
    if (s.nonblock) return e;
    connecting.add(t);
    return t.block([s.writeQueue]);
  }
  if (e === Errno.AGAIN && s.filetype === Filetype.SOCKET_STREAM && !s.nonblock) return t.block([s.writeQueue]);
  if (e === Errno.SUCCESS && s.nonblock && s.filetype === Filetype.SOCKET_STREAM && s.domain !== AddressFamily.UNIX) return Errno.INPROGRESS;
  return e;
}

/**
 * sendto(2), send(2), sendmsg(2): a stream socket takes all the bytes
 * before it answers (unless O_NONBLOCK or MSG_DONTWAIT: what fits), a
 * datagram one takes the datagram whole. EPIPE raises SIGPIPE unless MSG_NOSIGNAL.
 */
export function sendto(t: Task, fd: number, data: Uint8Array, flags: number, addr: Uint8Array): Result {
  const s = getSocket(t.proc, fd);
  if (isErr(s)) return s.errno;
  let to: SockAddr | null = null;
  if (addr.length > 0 && s.filetype === Filetype.SOCKET_DGRAM) {
    const a = decodeAddr(addr, s.domain);
    if (isErr(a)) return a.errno;
    to = a as SockAddr;
  }
  const nowait = s.nonblock || (flags & MsgFlag.DONTWAIT) !== 0;
  for (;;) {
    const rest = data.subarray(t.progress);
    if (!s.canWrite(rest.length)) {
      if (nowait) return t.progress > 0 ? sent(t) : Errno.AGAIN;
      return t.block([s.writeQueue]);
    }
    const n = s.send(rest, to, t.proc);
    if (isErr(n)) {
      if (n.errno === Errno.PIPE && !(flags & MsgFlag.NOSIGNAL)) t.sys.lifecycle.signal(t.proc, Signal.PIPE);
      return t.progress > 0 ? sent(t) : n.errno;
    }
    if (n === 0 && rest.length > 0) {
      if (nowait) return t.progress > 0 ? sent(t) : Errno.AGAIN;
      return t.block([s.writeQueue]);
    }
    t.progress += n;
    if (t.progress >= data.length || nowait || s.filetype === Filetype.SOCKET_DGRAM) return sent(t);
  }
}

function sent(t: Task): Result {
  t.ret(0, t.progress);
  return Errno.SUCCESS;
}

/**
 * recvfrom(2), recv(2), recvmsg(2): the sender's address first (SOCKADDR_MAX
 * bytes of the output), then the bytes. MSG_PEEK leaves them; MSG_WAITALL
 * waits for all `max` of a stream's bytes (or EOF, an error, a signal).
 */
export function recvfrom(t: Task, fd: number, max: number, flags: number): Result {
  const s = getSocket(t.proc, fd);
  if (isErr(s)) return s.errno;
  const room = Math.max(0, Math.min(max, t.out().length - SOCKADDR_MAX));
  const peek = (flags & MsgFlag.PEEK) !== 0;
  const all = (flags & MsgFlag.WAITALL) !== 0 && !peek && s.filetype === Filetype.SOCKET_STREAM;
  const nowait = s.nonblock || (flags & MsgFlag.DONTWAIT) !== 0;
  for (;;) {
    if (!s.readReady()) {
      if (nowait) return t.progress > 0 ? received(t) : Errno.AGAIN;
      return t.block([s.readQueue]);
    }
    const r = s.recv(room - t.progress, peek);
    if (isErr(r)) {
      if (r.errno === Errno.AGAIN && !nowait) return t.block([s.readQueue]);
      return t.progress > 0 ? received(t) : r.errno;
    }
    t.out().set(r.data, SOCKADDR_MAX + t.progress);
    if (t.progress === 0) putAddr(t, 0, r.from);
    t.ret(2, r.truncated ? MSG_TRUNC : 0);
    t.progress += r.data.length;
    if (!all || r.data.length === 0 || t.progress >= room) return received(t);
  }
}

function received(t: Task): Result {
  t.ret(0, t.progress);
  return Errno.SUCCESS;
}

export function sockname(t: Task, fd: number, peer: number): Result {
  const s = getSocket(t.proc, fd);
  if (isErr(s)) return s.errno;
  const a = peer ? s.peerName() : s.localName();
  if (isErr(a)) return a.errno;
  const bytes = encodeAddr(a);
  t.out().set(bytes);
  t.ret(0, bytes.length);
  return Errno.SUCCESS;
}

export function sockopt(t: Task, fd: number, level: number, name: number, set: number, value: number): Result {
  const s = getSocket(t.proc, fd);
  if (isErr(s)) return s.errno;
  if (set) return s.setopt(level, name, value);
  const v = s.getopt(level, name);
  if (isErr(v)) return v.errno;
  t.ret(0, v);
  return Errno.SUCCESS;
}

/** getaddrinfo's lookups of a name (net/resolver.ts): records of RESOLVED bytes. */
export function resolve(t: Task, name: string, family: number): Result {
  if (family !== AddressFamily.UNSPEC && family !== AddressFamily.INET && family !== AddressFamily.INET6) return Errno.AFNOSUPPORT;
  const got = t.await(() => t.sys.net.resolver.resolve(t.proc, name, family));
  if (typeof got === 'number') return got;
  const list = got.value;
  if (isErr(list)) return list.errno;
  const out = t.outView();
  const n = Math.min(list.length, RESOLVE_MAX);
  for (let i = 0; i < n; i++) {
    const at = i * RESOLVED.SIZE;
    for (let b = 0; b < RESOLVED.SIZE; b++) out.setUint8(at + b, 0);
    out.setUint16(at + RESOLVED.FAMILY, list[i].family, true);
    list[i].ip.forEach((v, k) => out.setUint8(at + RESOLVED.ADDR + k, v));
  }
  t.ret(0, n);
  return Errno.SUCCESS;
}

// WASI's sock_* calls, on the same sockets.

export function sock_accept(t: Task, fd: number, fdflags: number): Result {
  if (fdflags & ~Fdflags.NONBLOCK) return Errno.INVAL;
  return accept(t, fd, fdflags & Fdflags.NONBLOCK ? SockFlag.NONBLOCK : 0);
}
/** riflags PEEK and WAITALL are MSG_PEEK and MSG_WAITALL; the output as recvfrom's (ret2: DATA_TRUNCATED). */
export function sock_recv(t: Task, fd: number, max: number, riflags: number): Result {
  if (riflags & ~(MsgFlag.PEEK | MsgFlag.WAITALL)) return Errno.INVAL;
  return recvfrom(t, fd, max, riflags);
}
export function sock_send(t: Task, fd: number, data: Uint8Array, siflags: number): Result {
  if (siflags !== 0) return Errno.INVAL;
  return sendto(t, fd, data, 0, NO_ADDR);
}
export function sock_shutdown(t: Task, fd: number, how: number): Result {
  const s = getSocket(t.proc, fd);
  if (isErr(s)) return s.errno;
  if (how < Shut.RD || how > (Shut.RD | Shut.WR)) return Errno.INVAL;
  return s.shutdown((how & Shut.RD) !== 0, (how & Shut.WR) !== 0);
}

const NO_ADDR = new Uint8Array(0);
