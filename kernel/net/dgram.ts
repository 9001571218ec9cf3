// Datagram sockets: UDP on the guest's loopback and AF_UNIX SOCK_DGRAM. A
// datagram is delivered whole into the receiver's queue, which holds up to
// SO_RCVBUF bytes: past that, UDP drops it (as any UDP may) while an AF_UNIX
// sender waits for room (EAGAIN under O_NONBLOCK), as on Linux. A read takes
// one datagram; what does not fit the buffer is lost (MSG_TRUNC says so).
// connect() sets the default destination and, for UDP, keeps only that
// peer's datagrams; a datagram to a UDP port nobody has bound is dropped,
// and a connected sender learns it from its next call (ECONNREFUSED, as the
// ICMP error reports it on Linux). Datagrams never leave the loopback: UDP
// to another host is ENETUNREACH. The bytes go through the kernel (no ring).
// Spec: POSIX sendto(2), recvfrom(2); Linux udp(7), unix(7).
import { Errno, err, isErr, type Err } from '../abi/errno.js';
import { AddressFamily } from '../abi/socket.js';
import { Filetype } from '../abi/wasi.js';
import type { Process } from '../proc/process.js';
import { WaitQueue } from '../proc/waitqueue.js';
import { ANY4, ANY6, LOOPBACK4, LOOPBACK6, isAny, isLoopback, mapV4, plainIp, sameIp, type Family, type InetAddr, type SockAddr, type UnixAddr } from './address.js';
import type { Network, UdpBinding } from './network.js';
import { Socket, type Received } from './socket.js';

/** The largest UDP payload over IPv4 (65535 less the IP and UDP headers). */
export const UDP_MAX = 65507;

interface Datagram {
  data: Uint8Array;
  from: SockAddr;
}

export class DgramSocket extends Socket {
  readonly filetype = Filetype.SOCKET_DGRAM;
  private readonly inbox: Datagram[] = [];
  private queued = 0;
  /** Readers wait here for a datagram; AF_UNIX senders to this socket for room. */
  private readonly arrivals = new WaitQueue();
  private readonly room = new WaitQueue();
  private binding: UdpBinding | null = null;
  /** connect(): the default destination (and, for UDP, the only source taken). */
  private peer: SockAddr | null = null;
  /** AF_UNIX: the connected peer itself (a socketpair's, or the one a connect found). */
  private target: DgramSocket | null = null;
  private closed = false;

  constructor(net: Network, domain: Family) {
    super(net, domain);
  }

  /** socketpair(AF_UNIX, SOCK_DGRAM): each the other's destination. */
  static pair(net: Network): [DgramSocket, DgramSocket] {
    const a = new DgramSocket(net, AddressFamily.UNIX), b = new DgramSocket(net, AddressFamily.UNIX);
    a.target = b;
    b.target = a;
    a.peer = b.localName();
    b.peer = a.localName();
    return [a, b];
  }

  protected get bound(): boolean {
    return this.local !== null;
  }

  override bind(p: Process, addr: SockAddr): Errno {
    if (this.local) return Errno.INVAL;
    return this.bindTo(p, addr);
  }

  protected override bindInet(ip: Uint8Array, port: number): Errno {
    const b: UdpBinding = { ip, v6only: this.opts.v6only, reuse: this.opts.reuseAddr, listening: false, owner: this };
    const got = this.net.udp.bind(b, port);
    if (isErr(got)) return got.errno;
    this.binding = b;
    this.local = { family: this.domain as InetAddr['family'], ip, port: got };
    return Errno.SUCCESS;
  }

  /** An unbound UDP socket gets an ephemeral port on its first send or connect. */
  private autobind(): Errno {
    if (this.local || this.domain === AddressFamily.UNIX) return Errno.SUCCESS;
    return this.bindInet(this.domain === AddressFamily.INET ? ANY4 : ANY6, 0);
  }

  override peerName(): SockAddr | Err {
    return this.peer ?? err(Errno.NOTCONN);
  }

  override connect(p: Process, addr: SockAddr | 'unspec'): Errno {
    if (addr === 'unspec') {
      this.peer = null;
      this.target = null;
      return Errno.SUCCESS;
    }
    if (addr.family === AddressFamily.UNIX) {
      const t = this.net.unix.lookup(p, addr, Filetype.SOCKET_DGRAM);
      if (isErr(t)) return t.errno;
      this.target = t as DgramSocket;
      this.peer = addr;
      return Errno.SUCCESS;
    }
    const e = this.autobind();
    if (e !== Errno.SUCCESS) return e;
    this.peer = { ...addr, ip: isAny(addr.ip) ? (addr.ip.length === 4 ? LOOPBACK4 : LOOPBACK6) : addr.ip };
    return Errno.SUCCESS;
  }

  // ---- sending ----
  override send(data: Uint8Array, to: SockAddr | null = null, p: Process | null = null): number | Err {
    if (this.error !== Errno.SUCCESS) return err(this.takeError());
    if (this.domain === AddressFamily.UNIX) return this.sendUnix(data, to as UnixAddr | null, p);
    const dest = (to ?? this.peer) as InetAddr | null;
    if (!dest) return err(Errno.DESTADDRREQ);
    if (data.length > UDP_MAX) return err(Errno.MSGSIZE);
    const ip = isAny(dest.ip) ? (dest.ip.length === 4 ? LOOPBACK4 : LOOPBACK6) : dest.ip;
    if (!isLoopback(ip)) return err(Errno.NETUNREACH);
    const e = this.autobind();
    if (e !== Errno.SUCCESS) return err(e);
    const target = this.net.udp.find(ip, dest.port)?.owner;
    if (!target) {
      if (to === null) this.error = Errno.CONNREFUSED; // the ICMP error a connected sender sees
      return data.length;
    }
    const me = this.local as InetAddr;
    const srcIp = isAny(me.ip) ? (plainIp(ip).length === 4 ? LOOPBACK4 : LOOPBACK6) : plainIp(me.ip);
    target.deliver(data.slice(), inFamily(srcIp, me.port, target.domain), false);
    return data.length;
  }

  private sendUnix(data: Uint8Array, to: UnixAddr | null, p: Process | null): number | Err {
    let target = this.target;
    if (to) {
      if (!p) return err(Errno.INVAL);
      const t = this.net.unix.lookup(p, to, Filetype.SOCKET_DGRAM);
      if (isErr(t)) return t;
      target = t as DgramSocket;
    }
    if (!target) return err(this.peer ? Errno.CONNREFUSED : Errno.NOTCONN);
    if (target.closed) return err(Errno.CONNREFUSED);
    if (data.length > target.opts.rcvbuf) return err(Errno.MSGSIZE);
    if (!target.deliver(data.slice(), this.localName(), true)) {
      this.waitingOn = target;
      return 0; // wait for room (the handler parks on writeQueue)
    }
    this.waitingOn = null;
    return data.length;
  }
  /** The receiver an AF_UNIX send found full: its room is what a writer waits for. */
  private waitingOn: DgramSocket | null = null;

  /** Queue a datagram; false when it does not fit (UDP: dropped; AF_UNIX: the sender waits, `wait`). */
  private deliver(data: Uint8Array, from: SockAddr, wait: boolean): boolean {
    if (this.closed) return true;
    if (!wait && this.peer && this.domain !== AddressFamily.UNIX && !sameSource(this.peer as InetAddr, from as InetAddr)) return true;
    if (this.queued + data.length > this.opts.rcvbuf && this.inbox.length > 0) return !wait;
    this.inbox.push({ data, from });
    this.queued += data.length;
    this.arrivals.wake();
    return true;
  }

  // ---- receiving ----
  override recv(max: number, peek: boolean): Received | Err {
    const d = this.inbox[0];
    if (!d) {
      if (this.error !== Errno.SUCCESS) return err(this.takeError());
      return err(Errno.AGAIN);
    }
    if (!peek) {
      this.inbox.shift();
      this.queued -= d.data.length;
      this.room.wake();
    }
    return { data: d.data.length > max ? d.data.subarray(0, max) : d.data, from: d.from, truncated: d.data.length > max };
  }

  override shutdown(_rd: boolean, _wr: boolean): Errno {
    return this.peer ? Errno.SUCCESS : Errno.NOTCONN;
  }

  override get readQueue(): WaitQueue {
    return this.arrivals;
  }
  override get writeQueue(): WaitQueue {
    return this.waitingOn?.room ?? this.room;
  }
  override readReady(): boolean {
    return this.inbox.length > 0 || this.error !== Errno.SUCCESS;
  }
  override writeReady(): boolean {
    const t = this.waitingOn ?? this.target;
    return !t || t.closed || t.inbox.length === 0 || t.queued < t.opts.rcvbuf;
  }
  override canWrite(): boolean {
    return this.writeReady();
  }
  override readableBytes(): bigint {
    return BigInt(this.inbox[0]?.data.length ?? 0);
  }

  override release(): void {
    this.closed = true;
    this.inbox.length = 0;
    this.queued = 0;
    if (this.binding) this.net.udp.unbind(this.binding, (this.local as InetAddr).port);
    this.binding = null;
    if (this.local?.family === AddressFamily.UNIX) this.net.unix.unbind(this);
    this.room.wake();
    this.arrivals.wake();
  }
}

/** A UDP source as a socket of `family` sees it (IPv4 as ::ffff:a.b.c.d on an AF_INET6 socket). */
function inFamily(ip: Uint8Array, port: number, family: Family): InetAddr {
  if (family === AddressFamily.INET6) return { family: AddressFamily.INET6, ip: ip.length === 4 ? mapV4(ip) : ip, port };
  return { family: AddressFamily.INET, ip: plainIp(ip), port };
}

function sameSource(peer: InetAddr, from: InetAddr): boolean {
  return peer.port === from.port && sameIp(peer.ip, from.ip);
}
