// Sockets as open file descriptions: what every socket has — its domain and
// type, its options, the error SO_ERROR reports — and the socket operations,
// each answering an errno by default so that a kind overrides only what it
// supports (stream.ts: connection-oriented sockets, TCP and AF_UNIX
// SOCK_STREAM; dgram.ts: UDP and AF_UNIX SOCK_DGRAM). read(2) and write(2)
// on a socket are recv and send without flags. The handlers that decode
// and check the calls are syscall/sock.ts; blocking is theirs too: an
// operation answers AGAIN when it must wait, and the handler parks on the
// socket's readQueue or writeQueue, or fails with EAGAIN under O_NONBLOCK.
// Spec: POSIX socket(2), getsockopt(2); Linux socket(7), tcp(7), ipv6(7).
import { Errno, err, isErr, type Err } from '../abi/errno.js';
import { AddressFamily, IpProto, Ipv6Opt, SockLevel, SockOpt, SockType, TcpOpt } from '../abi/socket.js';
import { Fdflags, Filetype } from '../abi/wasi.js';
import { OpenFile } from '../fs/file.js';
import type { Stat } from '../fs/inode.js';
import type { Process } from '../proc/process.js';
import type { WaitQueue } from '../proc/waitqueue.js';
import { ANY4, ANY6, isAny, isLoopback, type Family, type SockAddr } from './address.js';
import type { Network } from './network.js';

/** Linux's default socket buffer sizes (net.core.rmem_default, wmem_default), and the most one may be set to (twice rmem_max). */
export const DEFAULT_BUF = 212992;
const MAX_BUF = 2 * 212992;

/** What recv answers: the bytes, who sent them (datagrams, and AF_UNIX stream peers), and whether a datagram was cut. */
export interface Received {
  data: Uint8Array;
  from: SockAddr | null;
  truncated: boolean;
}

let nextSocketIno = 1n;

export abstract class Socket extends OpenFile {
  abstract override readonly filetype: Filetype.SOCKET_STREAM | Filetype.SOCKET_DGRAM;
  readonly ino = nextSocketIno++;
  /** SO_ERROR: an error to report once (a failed asynchronous connect, an ICMP-style refusal). */
  error = Errno.SUCCESS;
  readonly opts = { reuseAddr: false, reusePort: false, keepAlive: false, broadcast: false, noDelay: false, v6only: false, rcvbuf: DEFAULT_BUF, sndbuf: DEFAULT_BUF };

  constructor(readonly net: Network, readonly domain: Family) {
    super(true, true);
  }

  get type(): number {
    return this.filetype === Filetype.SOCKET_STREAM ? SockType.STREAM : SockType.DGRAM;
  }
  get protocol(): number {
    if (this.domain === AddressFamily.UNIX) return 0;
    return this.filetype === Filetype.SOCKET_STREAM ? IpProto.TCP : IpProto.UDP;
  }

  // ---- the operations (syscall/sock.ts calls them once their arguments are valid) ----

  bind(_p: Process, _addr: SockAddr): Errno {
    return Errno.INVAL;
  }

  /** Where the socket is bound: an AF_UNIX name, or an address and port; null until it is. */
  protected local: SockAddr | null = null;

  /** bind(2) once the kind's own checks passed: an AF_UNIX name, or an address of this host and a port. */
  protected bindTo(p: Process, addr: SockAddr): Errno {
    if (addr.family === AddressFamily.UNIX) {
      const named = this.net.unix.bind(p, this, addr, this.filetype);
      if (isErr(named)) return named.errno;
      this.local = named;
      return Errno.SUCCESS;
    }
    if (!isAny(addr.ip) && !isLoopback(addr.ip)) return Errno.ADDRNOTAVAIL;
    return this.bindInet(addr.ip, addr.port);
  }

  /** Take `port` (0: an ephemeral one) on `ip` in the protocol's port table. */
  protected abstract bindInet(ip: Uint8Array, port: number): Errno;
  listen(_backlog: number): Errno {
    return Errno.NOTSUP;
  }
  /** The next connection; AGAIN when none waits. */
  accept(): Socket | Err {
    return err(Errno.NOTSUP);
  }
  /** SUCCESS, INPROGRESS (it goes on: connectDone tells), or the error. */
  connect(_p: Process, _addr: SockAddr | 'unspec'): Errno {
    return Errno.NOTSUP;
  }
  /** Whether a connect that answered INPROGRESS is still going on. */
  get connecting(): boolean {
    return false;
  }
  /** Up to `max` bytes; AGAIN when a reader must wait. */
  recv(_max: number, _peek: boolean): Received | Err {
    return err(Errno.NOTCONN);
  }
  /** What was sent of `data` (0: no room yet, the writer waits); `to`: sendto's address, named by process `p`. */
  send(_data: Uint8Array, _to: SockAddr | null = null, _p: Process | null = null): number | Err {
    return err(Errno.NOTCONN);
  }
  shutdown(_rd: boolean, _wr: boolean): Errno {
    return Errno.NOTCONN;
  }
  /** getsockname: the address bound (the family's wildcard when none). */
  /** getsockname(2): where it is bound, or the unnamed address of its domain. */
  localName(): SockAddr {
    if (this.local) return this.local;
    if (this.domain === AddressFamily.UNIX) return { family: AddressFamily.UNIX, name: '', abstract: false };
    return { family: this.domain, ip: this.domain === AddressFamily.INET ? ANY4 : ANY6, port: 0 };
  }
  /** getpeername: ENOTCONN when there is no peer. */
  peerName(): SockAddr | Err {
    return err(Errno.NOTCONN);
  }
  /** Whether listen() was done (SO_ACCEPTCONN). */
  get listening(): boolean {
    return false;
  }
  /** The error the next operation reports, cleared (SO_ERROR). */
  takeError(): Errno {
    const e = this.error;
    this.error = Errno.SUCCESS;
    return e;
  }

  // ---- waiting ----
  /** Where a reader (and an accept, a recv) waits; a writer (and a connect). */
  abstract override get readQueue(): WaitQueue;
  abstract override get writeQueue(): WaitQueue;
  override get queue(): WaitQueue {
    return this.readQueue;
  }

  // ---- read(2), write(2) ----
  override read(max: number): Uint8Array | Err {
    const r = this.recv(max, false);
    return isErr(r) ? r : r.data;
  }
  override write(data: Uint8Array): number | Err {
    return this.send(data);
  }
  /** poll: an error the socket holds (reported as the event's error: POLLERR), left for SO_ERROR. */
  override pollError(): Errno {
    return this.error;
  }

  // ---- options ----
  getopt(level: number, name: number): number | Err {
    if (level === SockLevel.SOCKET) {
      switch (name) {
        case SockOpt.TYPE: return this.type;
        case SockOpt.ERROR: return this.takeError();
        case SockOpt.REUSEADDR: return +this.opts.reuseAddr;
        case SockOpt.REUSEPORT: return +this.opts.reusePort;
        case SockOpt.KEEPALIVE: return +this.opts.keepAlive;
        case SockOpt.BROADCAST: return +this.opts.broadcast;
        case SockOpt.RCVBUF: return this.opts.rcvbuf;
        case SockOpt.SNDBUF: return this.opts.sndbuf;
        case SockOpt.ACCEPTCONN: return +this.listening;
        case SockOpt.DOMAIN: return this.domain;
        case SockOpt.PROTOCOL: return this.protocol;
        default: return err(Errno.NOPROTOOPT);
      }
    }
    const known = this.protocolOpt(level, name);
    if (isErr(known)) return known;
    return +this.opts[known];
  }

  setopt(level: number, name: number, value: number): Errno {
    const on = value !== 0;
    if (level === SockLevel.SOCKET) {
      switch (name) {
        case SockOpt.REUSEADDR: this.opts.reuseAddr = on; return Errno.SUCCESS;
        case SockOpt.REUSEPORT: this.opts.reusePort = on; return Errno.SUCCESS;
        case SockOpt.KEEPALIVE: this.opts.keepAlive = on; return Errno.SUCCESS;
        case SockOpt.BROADCAST: this.opts.broadcast = on; return Errno.SUCCESS;
        // Linux doubles the value asked for (bookkeeping room), within its limits.
        case SockOpt.RCVBUF: this.opts.rcvbuf = Math.min(MAX_BUF, Math.max(2304, 2 * Math.max(0, value))); return Errno.SUCCESS;
        case SockOpt.SNDBUF: this.opts.sndbuf = Math.min(MAX_BUF, Math.max(4608, 2 * Math.max(0, value))); return Errno.SUCCESS;
        default: return Errno.NOPROTOOPT;
      }
    }
    const known = this.protocolOpt(level, name);
    if (isErr(known)) return known.errno;
    if (known === 'v6only' && this.bound) return Errno.INVAL;
    this.opts[known] = on;
    return Errno.SUCCESS;
  }

  /** TCP_NODELAY (accepted, meaningless on loopback) and IPV6_V6ONLY: which option a protocol level's name is. */
  private protocolOpt(level: number, name: number): 'noDelay' | 'v6only' | Err {
    if (level === SockLevel.TCP) {
      if (this.domain === AddressFamily.UNIX || this.filetype !== Filetype.SOCKET_STREAM) return err(Errno.NOTSUP);
      return name === TcpOpt.NODELAY ? 'noDelay' : err(Errno.NOPROTOOPT);
    }
    if (level === SockLevel.IPV6) {
      if (this.domain !== AddressFamily.INET6) return err(Errno.NOTSUP);
      return name === Ipv6Opt.V6ONLY ? 'v6only' : err(Errno.NOPROTOOPT);
    }
    return err(Errno.NOPROTOOPT);
  }

  /** Whether the socket has an address (bind, or an automatic one). */
  protected abstract get bound(): boolean;

  // ---- as a file ----
  override stat(): Stat {
    return { dev: 0n, ino: this.ino, filetype: this.filetype, nlink: 1n, size: 0n, atim: 0n, mtim: 0n, ctim: 0n };
  }
  override setTimes(): Errno {
    return Errno.SUCCESS;
  }
  protected override flagsChanged(v: number): void {
    this.nonblockChanged((v & Fdflags.NONBLOCK) !== 0);
  }
  /** O_NONBLOCK changed (connected stream sockets mirror it into their rings). */
  protected nonblockChanged(_on: boolean): void {}
}
