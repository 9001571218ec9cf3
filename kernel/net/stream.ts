// Stream sockets: TCP on the guest's loopback (AF_INET, AF_INET6) and
// AF_UNIX SOCK_STREAM. A socket is fresh, listening (a Listener: its
// backlog), connecting (to a host outside, outbound.ts: the only connect that
// takes time) or connected (an Endpoint of a Connection, connection.ts).
// connect() to a listener makes the connection at once and leaves its far
// end in the listener's backlog; accept() makes a new socket of it. Bytes
// then move through the connection's rings, in the process workers when the
// rings are in the shared arena. Ports: ports.ts (a connecting socket that
// is not bound gets an ephemeral port on its loopback address; an accepted
// socket shares its listener's port); AF_UNIX names: unix.ts.
// Spec: POSIX connect(2), listen(2), accept(2), shutdown(2); Linux tcp(7),
// unix(7) (where they differ: connect to a listening or connected socket is
// EISCONN, to a connecting one EALREADY).
import { Errno, err, isErr, type Err } from '../abi/errno.js';
import { AddressFamily } from '../abi/socket.js';
import { Filetype } from '../abi/wasi.js';
import type { Process } from '../proc/process.js';
import { WaitQueue } from '../proc/waitqueue.js';
import { ANY4, ANY6, LOOPBACK4, LOOPBACK6, isAny, isLoopback, mapV4, plainIp, type Family, type InetAddr, type SockAddr, type UnixAddr } from './address.js';
import { openConnection, type Endpoint } from './connection.js';
import { Listener } from './listener.js';
import type { Network, TcpBinding } from './network.js';
import { Socket, type Received } from './socket.js';

export class StreamSocket extends Socket {
  readonly filetype = Filetype.SOCKET_STREAM;
  /** Connected: this end of the connection. */
  private end: Endpoint | null = null;
  private listener: Listener | null = null;
  /** An outbound connect under way: how to give it up. */
  private attempt: { cancel(): void } | null = null;
  /** The TCP port binding (bind, or an automatic one), or an AF_UNIX name. */
  private binding: TcpBinding | null = null;
  private peer: SockAddr | null = null;
  /** Where a socket neither connected nor listening waits: a connect under way, a full backlog. */
  private readonly idle = new WaitQueue();
  private connectWait: WaitQueue | null = null;

  constructor(net: Network, domain: Family) {
    super(net, domain);
  }

  /** A socket for an accepted connection, or one end of a socketpair. */
  static connected(net: Network, domain: Family, end: Endpoint, local: SockAddr, peer: SockAddr): StreamSocket {
    const s = new StreamSocket(net, domain);
    s.end = end;
    s.local = local;
    s.peer = peer;
    return s;
  }

  protected get bound(): boolean {
    return this.binding !== null || (this.local?.family === AddressFamily.UNIX && this.local.name !== '');
  }
  override get listening(): boolean {
    return this.listener !== null;
  }
  override get connecting(): boolean {
    return this.attempt !== null;
  }
  /** The arena rings the runtime may use (fd_info), or null when it must ask the kernel. */
  fastSlots(): { rx: number; tx: number } | null {
    return this.end ? this.end.fastSlots() : null;
  }

  // ---- naming ----
  override bind(p: Process, addr: SockAddr): Errno {
    if (this.bound || this.end || this.listener) return Errno.INVAL;
    return this.bindTo(p, addr);
  }

  protected override bindInet(ip: Uint8Array, port: number): Errno {
    const b: TcpBinding = { ip, v6only: this.opts.v6only, reuse: this.opts.reuseAddr, listening: false, owner: this };
    const got = this.net.tcp.bind(b, port);
    if (isErr(got)) return got.errno;
    this.binding = b;
    this.local = { family: this.domain as InetAddr['family'], ip, port: got };
    return Errno.SUCCESS;
  }

  override peerName(): SockAddr | Err {
    return this.end && this.peer ? this.peer : err(Errno.NOTCONN);
  }

  // ---- listening ----
  override listen(backlog: number): Errno {
    if (this.end || this.attempt) return Errno.INVAL;
    if (this.listener) {
      this.listener.setBacklog(backlog);
      return Errno.SUCCESS;
    }
    if (this.domain === AddressFamily.UNIX) {
      if (!this.bound) return Errno.INVAL;
    } else {
      if (!this.binding) {
        const e = this.bindInet(this.domain === AddressFamily.INET ? ANY4 : ANY6, 0);
        if (e !== Errno.SUCCESS) return e;
      }
      const e = this.net.tcp.listen(this.binding!, (this.local as InetAddr).port);
      if (e !== Errno.SUCCESS) return e;
    }
    this.listener = new Listener(backlog);
    return Errno.SUCCESS;
  }

  override accept(): Socket | Err {
    if (!this.listener) return err(Errno.INVAL);
    const c = this.listener.take();
    if (!c) return err(Errno.AGAIN);
    return StreamSocket.connected(this.net, this.domain, c.end, c.local, c.peer);
  }

  /**
   * A connection to this listener (a guest's connect, or the host's): its
   * far end goes into the backlog. AGAIN when the backlog is full (`force`:
   * let it in anyway), NOBUFS when no ring can be had.
   */
  admit(peer: SockAddr, local: SockAddr, force = false): Endpoint | Err {
    const l = this.listener;
    if (!l) return err(Errno.CONNREFUSED);
    if (l.full && !force) return err(Errno.AGAIN);
    const ends = openConnection(this.net.arena);
    if (!ends) return err(Errno.NOBUFS);
    l.offer({ end: ends.b, local, peer });
    return ends.a;
  }

  /** The queue a connect to this listener waits on while its backlog is full. */
  get backlogQueue(): WaitQueue | null {
    return this.listener?.queue ?? null;
  }

  // ---- connecting ----
  override connect(p: Process, addr: SockAddr | 'unspec'): Errno {
    if (addr === 'unspec') return Errno.AFNOSUPPORT;
    if (this.end || this.listener) return Errno.ISCONN;
    if (this.attempt) return Errno.ALREADY;
    this.connectWait = null;
    if (addr.family === AddressFamily.UNIX) return this.connectUnix(p, addr);
    const ip = isAny(addr.ip) ? (addr.ip.length === 4 ? LOOPBACK4 : LOOPBACK6) : addr.ip;
    if (!isLoopback(ip)) return this.net.outbound.connect(this, p, { ...addr, ip });
    const target = this.net.tcp.find(ip, addr.port, (b) => b.listening)?.owner;
    if (!target) return Errno.CONNREFUSED;
    if (!this.binding) {
      const source = plainIp(ip).length === 4 ? (ip.length === 16 ? mapV4(LOOPBACK4) : LOOPBACK4) : LOOPBACK6;
      const e = this.bindInet(source, 0);
      if (e !== Errno.SUCCESS) return e;
    }
    const me = this.local as InetAddr;
    // What the accepted socket reports: in its listener's family (a v4 peer of a v6 listener as ::ffff:a.b.c.d).
    const asFamily = (a: InetAddr): InetAddr => ({ family: target.domain as InetAddr['family'], ip: target.domain === AddressFamily.INET6 && a.ip.length === 4 ? mapV4(a.ip) : target.domain === AddressFamily.INET ? plainIp(a.ip) : a.ip, port: a.port });
    return this.attach(target, asFamily(me), asFamily({ ...addr, ip }), { ...addr, ip });
  }

  private connectUnix(p: Process, addr: UnixAddr): Errno {
    const target = this.net.unix.lookup(p, addr, Filetype.SOCKET_STREAM);
    if (isErr(target)) return target.errno;
    if (!(target instanceof StreamSocket)) return Errno.PROTOTYPE;
    const me = this.localName();
    return this.attach(target, me, target.localName(), target.localName());
  }

  /** Join `target`'s backlog: `peerSide` is this socket as the accepted one sees it, `localSide` that one's own address. */
  private attach(target: StreamSocket, peerSide: SockAddr, localSide: SockAddr, peer: SockAddr): Errno {
    const end = target.admit(peerSide, localSide);
    if (isErr(end)) {
      if (end.errno === Errno.AGAIN) this.connectWait = target.backlogQueue;
      return end.errno;
    }
    this.established(end, peer);
    return Errno.SUCCESS;
  }

  /** Connected (at once, or when an outbound connect succeeds). */
  established(end: Endpoint, peer: SockAddr, local?: SockAddr): void {
    this.attempt = null;
    this.end = end;
    this.peer = peer;
    if (local) this.local = local;
    end.setNonblock(this.nonblock);
    this.idle.wake();
  }

  /** An outbound connect is under way (outbound.ts): `cancel` gives it up if the socket closes first. */
  connectingTo(attempt: { cancel(): void }, local: SockAddr): void {
    this.attempt = attempt;
    this.local = local;
  }

  /** An outbound connect failed: SO_ERROR (and a blocking connect) reports `e`. */
  failed(e: Errno): void {
    this.attempt = null;
    this.error = e;
    this.idle.wake();
  }

  // ---- bytes ----
  override get readQueue(): WaitQueue {
    return this.end?.readQueue ?? this.listener?.queue ?? this.idle;
  }
  override get writeQueue(): WaitQueue {
    return this.end?.writeQueue ?? this.connectWait ?? this.idle;
  }
  override readReady(): boolean {
    if (this.end) return this.end.readReady();
    if (this.listener) return this.listener.pending.length > 0;
    return !this.attempt;
  }
  override writeReady(): boolean {
    if (this.end) return this.end.writeReady();
    return !this.attempt;
  }
  override canWrite(): boolean {
    return this.writeReady();
  }
  override hungUp(): boolean {
    return this.end !== null && this.end.readHungUp() && this.end.writeHungUp();
  }
  override readableBytes(): bigint {
    return BigInt(this.end?.unread ?? 0);
  }
  override pollError(): Errno {
    return this.end?.pendingError || this.error;
  }
  override takeError(): Errno {
    return this.end?.takeError() || super.takeError();
  }

  override recv(max: number, peek: boolean): Received | Err {
    if (!this.end) return err(Errno.NOTCONN);
    const data = this.end.read(max, peek);
    if (isErr(data)) return data;
    return { data, from: this.domain === AddressFamily.UNIX ? this.peer : null, truncated: false };
  }

  override send(data: Uint8Array): number | Err {
    if (this.end) return this.end.write(data);
    if (this.attempt) return 0; // wait for the connect
    return err(Errno.NOTCONN);
  }

  override shutdown(rd: boolean, wr: boolean): Errno {
    if (!this.end) return Errno.NOTCONN;
    this.end.shutdown(rd, wr);
    return Errno.SUCCESS;
  }

  protected override nonblockChanged(on: boolean): void {
    this.end?.setNonblock(on);
  }

  /** The last fd closed: the connection closes (reset if bytes were left unread), the address is free again. */
  override release(): void {
    this.end?.close();
    this.end = null;
    this.listener?.close();
    this.listener = null;
    this.attempt?.cancel();
    this.attempt = null;
    if (this.binding) this.net.tcp.unbind(this.binding, (this.local as InetAddr).port);
    this.binding = null;
    if (this.local?.family === AddressFamily.UNIX) this.net.unix.unbind(this);
    this.idle.wake();
  }
}
