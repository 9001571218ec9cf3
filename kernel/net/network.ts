// A kernel's network: its loopback (the TCP and UDP port tables, AF_UNIX's
// abstract names), the way out (outbound.ts, resolver.ts) and the host's way
// in — `kernel.net` is this object, and connect(port) / listening() are the
// host connection API (hostconn.ts) the Node CLI's published ports and the
// page's service worker use. Sockets are made here (socket(2),
// socketpair(2)); each kind lives in its own file: stream.ts, dgram.ts.
// Every kernel has a network of its own: two kernels in one thread (tests)
// never see each other's ports.
// Spec: POSIX socket(2), socketpair(2); Linux socket(7) for the errnos.
import { Errno, err, isErr, type Err } from '../abi/errno.js';
import { AddressFamily, SockType } from '../abi/socket.js';
import type { HostNet } from '../hostapi.js';
import type { PipeArena } from '../ipc/pipe.js';
import { LOOPBACK4, LOOPBACK6, mapV4, type Family } from './address.js';
import { openConnection } from './connection.js';
import { DgramSocket } from './dgram.js';
import { HostEnd, type HostConnection } from './hostconn.js';
import { Outbound } from './outbound.js';
import { PortTable, type Binding } from './ports.js';
import { Resolver } from './resolver.js';
import type { Socket } from './socket.js';
import { StreamSocket } from './stream.js';
import { UnixNames } from './unix.js';

export interface TcpBinding extends Binding {
  owner: StreamSocket;
}
export interface UdpBinding extends Binding {
  owner: DgramSocket;
}

/** What a census counts of the network (leak checks). */
export interface NetCensus {
  tcpBindings: number;
  udpBindings: number;
  unixNames: number;
}

export class Network {
  readonly tcp = new PortTable<TcpBinding>('tcp');
  readonly udp = new PortTable<UdpBinding>('udp');
  readonly unix = new UnixNames();
  readonly outbound: Outbound;
  readonly resolver: Resolver;
  /** The host's connections appear to the guest as coming from 127.0.0.1 on these ports, in turn. */
  private hostPort = 49152;

  constructor(readonly arena: PipeArena, host: { net?: HostNet; log(line: string): void }) {
    this.outbound = new Outbound(host.net, arena, (line) => host.log(line));
    this.resolver = new Resolver(host.net, this.outbound, (line) => host.log(line));
  }

  /** socket(2) of a domain and type (flags already taken off); `protocol` 0 or the type's own. */
  socket(domain: number, type: number, protocol: number): Socket | Err {
    const family = familyOf(domain);
    if (family === null) return err(Errno.AFNOSUPPORT);
    if (type !== SockType.STREAM && type !== SockType.DGRAM) return err(Errno.PROTOTYPE);
    if (protocol !== 0 && (family === AddressFamily.UNIX || protocol !== (type === SockType.STREAM ? 6 : 17))) return err(Errno.PROTONOSUPPORT);
    return type === SockType.STREAM ? new StreamSocket(this, family) : new DgramSocket(this, family);
  }

  /** socketpair(2): AF_UNIX only (EOPNOTSUPP for IP, as Linux); NOBUFS when no ring can be had. */
  socketpair(domain: number, type: number, protocol: number): [Socket, Socket] | Err {
    const family = familyOf(domain);
    if (family === null) return err(Errno.AFNOSUPPORT);
    if (family !== AddressFamily.UNIX) return err(Errno.NOTSUP);
    if (protocol !== 0) return err(Errno.PROTONOSUPPORT);
    if (type === SockType.DGRAM) return DgramSocket.pair(this);
    if (type !== SockType.STREAM) return err(Errno.PROTOTYPE);
    const ends = openConnection(this.arena);
    if (!ends) return err(Errno.NOBUFS);
    const unnamed = { family: AddressFamily.UNIX, name: '', abstract: false } as const;
    return [StreamSocket.connected(this, family, ends.a, unnamed, unnamed), StreamSocket.connected(this, family, ends.b, unnamed, unnamed)];
  }

  // ---- the host connection API (hostconn.ts) ----

  /** A connection from the host to the guest listening on TCP `port` of its loopback (127.0.0.1, else ::1); null when nobody listens. */
  connect(port: number): HostConnection | null {
    if (!(Number.isInteger(port) && port > 0 && port < 65536)) return null;
    for (const ip of [LOOPBACK4, LOOPBACK6]) {
      const listener = this.tcp.find(ip, port, (b) => b.listening)?.owner;
      if (!listener) continue;
      this.hostPort = this.hostPort >= 65535 ? 49152 : this.hostPort + 1;
      const v6 = listener.domain === AddressFamily.INET6;
      const own = v6 && ip.length === 4 ? mapV4(ip) : ip;
      const family = v6 ? AddressFamily.INET6 : AddressFamily.INET;
      const end = listener.admit({ family, ip: own, port: this.hostPort }, { family, ip: own, port }, true);
      if (isErr(end)) return null;
      return new HostEnd(end);
    }
    return null;
  }

  /** The TCP ports a guest listens on, ascending. */
  listening(): number[] {
    return this.tcp.portsWhere((b) => b.listening);
  }

  census(): NetCensus {
    return { tcpBindings: this.tcp.size, udpBindings: this.udp.size, unixNames: this.unix.size };
  }
}

function familyOf(domain: number): Family | null {
  return domain === AddressFamily.INET || domain === AddressFamily.INET6 || domain === AddressFamily.UNIX ? domain : null;
}
