// The port table of one protocol (TCP or UDP) of a kernel's loopback
// network: which sockets are bound to which address and port. A binding
// covers IPv4 addresses, IPv6 ones or both: an AF_INET socket its address
// (0.0.0.0: all); an AF_INET6 socket on :: every IPv6 address and, unless
// IPV6_V6ONLY, every IPv4 one too (Linux's default), on ::ffff:a.b.c.d that
// IPv4 address, on any other IPv6 address just that one. Two bindings of a
// port whose coverage meets conflict (EADDRINUSE), unless both sockets set
// SO_REUSEADDR and the one there first does not listen — there is no TIME_WAIT here, so a port is
// free again as soon as its socket closes. Port 0 asks for an ephemeral port,
// taken round-robin from Linux's default range. Delivery (a connect, a
// datagram) prefers a binding to the very address over a wildcard one.
// Spec: Linux ip(7) (SO_REUSEADDR, ip_local_port_range), ipv6(7) (IPV6_V6ONLY).
import { Errno, err, type Err } from '../abi/errno.js';
import { isAny, mappedV4, sameIp } from './address.js';

/** Linux's net.ipv4.ip_local_port_range. */
export const EPHEMERAL_LOW = 32768;
export const EPHEMERAL_HIGH = 60999;

export interface Binding {
  /** The socket's address: 4 bytes for an AF_INET socket, 16 for an AF_INET6 one. */
  ip: Uint8Array;
  v6only: boolean;
  reuse: boolean;
  listening: boolean;
}

/** What a binding covers of each family: an address (4 or 16 bytes), 'any', or null (none). */
function coverage(b: Binding): { v4: Uint8Array | 'any' | null; v6: Uint8Array | 'any' | null } {
  if (b.ip.length === 4) return { v4: isAny(b.ip) ? 'any' : b.ip, v6: null };
  if (isAny(b.ip)) return { v4: b.v6only ? null : 'any', v6: 'any' };
  const v4 = mappedV4(b.ip);
  return v4 ? { v4, v6: null } : { v4: null, v6: b.ip };
}

function meet(x: Uint8Array | 'any' | null, y: Uint8Array | 'any' | null): boolean {
  if (x === null || y === null) return false;
  return x === 'any' || y === 'any' || sameIp(x, y);
}

/** How well `b` matches `ip` (4 or 16 bytes, a mapped one counting as IPv4): 2 exactly, 1 by a wildcard, 0 not. */
function match(b: Binding, ip: Uint8Array): number {
  const c = coverage(b);
  const v4 = ip.length === 4 ? ip : mappedV4(ip);
  const cover = v4 ? c.v4 : c.v6;
  if (cover === null) return 0;
  if (cover === 'any') return 1;
  return sameIp(cover, v4 ?? ip) ? 2 : 0;
}

export class PortTable<B extends Binding> {
  private readonly ports = new Map<number, B[]>();
  private next = EPHEMERAL_LOW;

  constructor(readonly protocol: 'tcp' | 'udp') {}

  /** Whether `b` may take `port` beside the bindings there now. */
  private fits(b: B, port: number): boolean {
    const c = coverage(b);
    for (const o of this.ports.get(port) ?? []) {
      if (o === b) continue;
      const oc = coverage(o);
      if (!meet(c.v4, oc.v4) && !meet(c.v6, oc.v6)) continue;
      // Linux (inet_bind_conflict): SO_REUSEADDR on both, and the one already there not listening.
      if (b.reuse && o.reuse && !o.listening) continue;
      return false;
    }
    return true;
  }

  /** Bind `b` to `port` (0: an ephemeral one); the port, or EADDRINUSE (EAGAIN when no ephemeral port is free, as Linux). */
  bind(b: B, port: number): number | Err {
    if (port === 0) {
      const span = EPHEMERAL_HIGH - EPHEMERAL_LOW + 1;
      for (let i = 0; i < span; i++) {
        const p = this.next;
        this.next = p === EPHEMERAL_HIGH ? EPHEMERAL_LOW : p + 1;
        if (!this.ports.has(p) && this.fits(b, p)) return this.add(b, p);
      }
      return err(Errno.AGAIN);
    }
    if (!this.fits(b, port)) return err(Errno.ADDRINUSE);
    return this.add(b, port);
  }

  private add(b: B, port: number): number {
    const list = this.ports.get(port);
    if (list) list.push(b);
    else this.ports.set(port, [b]);
    return port;
  }

  /** listen(): `b` (bound to `port`) starts listening, unless another socket there may not share it with a listener. */
  listen(b: B, port: number): Errno {
    b.listening = true;
    if (this.fits(b, port)) return Errno.SUCCESS;
    b.listening = false;
    return Errno.ADDRINUSE;
  }

  unbind(b: B, port: number): void {
    const list = this.ports.get(port);
    if (!list) return;
    const i = list.indexOf(b);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.ports.delete(port);
  }

  /** The binding a packet or connection for `ip`:`port` reaches among those `accept` lets through (the exact address first). */
  find(ip: Uint8Array, port: number, accept: (b: B) => boolean = () => true): B | undefined {
    let best: B | undefined;
    let score = 0;
    for (const b of this.ports.get(port) ?? []) {
      const m = match(b, ip);
      if (m > score && accept(b)) [best, score] = [b, m];
    }
    return best;
  }

  /** Ports with a binding `accept` lets through, ascending. */
  portsWhere(accept: (b: B) => boolean): number[] {
    return [...this.ports].filter(([, list]) => list.some(accept)).map(([p]) => p).sort((a, b) => a - b);
  }

  /** Bindings held (for leak checks). */
  get size(): number {
    let n = 0;
    for (const list of this.ports.values()) n += list.length;
    return n;
  }
}
