// Socket addresses: a guest's struct sockaddr (abi/socket.ts lays it out)
// decoded once at the call's boundary into a SockAddr, and back. IP addresses
// are kept as their bytes (4 for AF_INET, 16 for AF_INET6); an IPv4-mapped
// IPv6 address (::ffff:a.b.c.d) stands for the IPv4 one wherever sockets
// meet (ports.ts). AF_UNIX names are a path, an abstract name (Linux's:
// sun_path starting with a NUL byte; the rest, NULs and all, is the name),
// or nothing (an unnamed socket: socketpair, an unbound client).
// Spec: POSIX <netinet/in.h>, <sys/un.h>; Linux ip(7), ipv6(7), unix(7).
import { Errno, err, type Err } from '../abi/errno.js';
import { AddressFamily, SOCKADDR_IN, SOCKADDR_IN6, SOCKADDR_UN } from '../abi/socket.js';

export type Family = typeof AddressFamily.INET | typeof AddressFamily.INET6 | typeof AddressFamily.UNIX;

export interface InetAddr {
  family: typeof AddressFamily.INET | typeof AddressFamily.INET6;
  /** 4 or 16 bytes, in network order. */
  ip: Uint8Array;
  port: number;
}

export interface UnixAddr {
  family: typeof AddressFamily.UNIX;
  /** A path, an abstract name (abstract set), or '' for an unnamed socket. */
  name: string;
  abstract: boolean;
}

export type SockAddr = InetAddr | UnixAddr;

/** What AF_UNSPEC in connect() means: a datagram socket forgets its peer. */
export const UNSPEC = 'unspec';

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

export const ANY4 = new Uint8Array(4);
export const ANY6 = new Uint8Array(16);
export const LOOPBACK4 = Uint8Array.of(127, 0, 0, 1);
export const LOOPBACK6 = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);

/**
 * The address in a guest's sockaddr for a socket of `domain`: EINVAL when it
 * is too short for its family, EAFNOSUPPORT for a family the socket is not of
 * (an AF_INET address on an AF_INET6 socket is EAFNOSUPPORT too; use ::ffff:a.b.c.d).
 */
export function decodeAddr(bytes: Uint8Array, domain: Family, allowUnspec = false): SockAddr | typeof UNSPEC | Err {
  if (bytes.length < 2) return err(Errno.INVAL);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const family = v.getUint16(0, true);
  if (family === AddressFamily.UNSPEC && allowUnspec) return UNSPEC;
  if (family !== domain) return err(Errno.AFNOSUPPORT);
  switch (family) {
    case AddressFamily.INET:
      if (bytes.length < SOCKADDR_IN.SIZE) return err(Errno.INVAL);
      return { family, ip: bytes.slice(SOCKADDR_IN.ADDR, SOCKADDR_IN.ADDR + 4), port: v.getUint16(SOCKADDR_IN.PORT, false) };
    case AddressFamily.INET6:
      // Linux takes the RFC 2133 size, without sin6_scope_id.
      if (bytes.length < SOCKADDR_IN6.SCOPE_ID) return err(Errno.INVAL);
      return { family, ip: bytes.slice(SOCKADDR_IN6.ADDR, SOCKADDR_IN6.ADDR + 16), port: v.getUint16(SOCKADDR_IN6.PORT, false) };
    default: {
      // Up to the struct's size (its padding included); a path name of at most PATH_MAX bytes with its NUL.
      if (bytes.length > SOCKADDR_UN.SIZE) return err(Errno.INVAL);
      const path = bytes.subarray(SOCKADDR_UN.PATH, Math.min(bytes.length, SOCKADDR_UN.PATH + SOCKADDR_UN.PATH_MAX));
      if (path.length > 0 && path[0] === 0) return { family: AddressFamily.UNIX, name: latin1.decode(path.subarray(1)), abstract: true };
      const end = path.indexOf(0);
      try {
        return { family: AddressFamily.UNIX, name: utf8.decode(end < 0 ? path : path.subarray(0, end)), abstract: false };
      } catch {
        return err(Errno.INVAL);
      }
    }
  }
}

/** The guest's struct sockaddr for `a`, as long as Linux reports it (unix: the path and its NUL). */
export function encodeAddr(a: SockAddr): Uint8Array {
  if (a.family === AddressFamily.UNIX) {
    const name = a.abstract ? Uint8Array.from(a.name, (c) => c.charCodeAt(0) & 0xff) : encoder.encode(a.name);
    const len = a.name === '' && !a.abstract ? 0 : name.length + 1;
    const out = new Uint8Array(SOCKADDR_UN.PATH + len);
    out[0] = AddressFamily.UNIX;
    out.set(name, SOCKADDR_UN.PATH + (a.abstract ? 1 : 0));
    return out;
  }
  const inet6 = a.family === AddressFamily.INET6;
  const out = new Uint8Array(inet6 ? SOCKADDR_IN6.SIZE : SOCKADDR_IN.SIZE);
  const v = new DataView(out.buffer);
  v.setUint16(0, a.family, true);
  v.setUint16(SOCKADDR_IN.PORT, a.port, false);
  out.set(a.ip, inet6 ? SOCKADDR_IN6.ADDR : SOCKADDR_IN.ADDR);
  return out;
}

/** The IPv4 address an IPv6 one maps (::ffff:a.b.c.d), or null. */
export function mappedV4(ip: Uint8Array): Uint8Array | null {
  if (ip.length !== 16) return null;
  for (let i = 0; i < 10; i++) if (ip[i] !== 0) return null;
  return ip[10] === 0xff && ip[11] === 0xff ? ip.slice(12) : null;
}

/** ::ffff:a.b.c.d for an IPv4 address. */
export function mapV4(ip4: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(ip4, 12);
  return out;
}

/** An IP address as it is reached: IPv4 for a mapped IPv6 one. */
export function plainIp(ip: Uint8Array): Uint8Array {
  return mappedV4(ip) ?? ip;
}

export function isAny(ip: Uint8Array): boolean {
  return ip.every((b) => b === 0);
}

/** The guest's own network: 127.0.0.0/8, ::1 (and ::ffff:127.x). */
export function isLoopback(ip: Uint8Array): boolean {
  const p = plainIp(ip);
  return p.length === 4 ? p[0] === 127 : p.every((b, i) => b === (i === 15 ? 1 : 0));
}

export function sameIp(a: Uint8Array, b: Uint8Array): boolean {
  const x = plainIp(a), y = plainIp(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** Text of an IP address: dotted quad, or RFC 5952's IPv6 form (the longest zero run as ::). */
export function formatIp(ip: Uint8Array): string {
  if (ip.length === 4) return ip.join('.');
  const v4 = mappedV4(ip);
  if (v4) return `::ffff:${v4.join('.')}`;
  const groups = Array.from({ length: 8 }, (_, i) => (ip[2 * i] << 8) | ip[2 * i + 1]);
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** An IP address from its text (dotted quad or IPv6), or null. */
export function parseIp(text: string): Uint8Array | null {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const b = v4.slice(1).map(Number);
    return b.every((x) => x <= 255) ? Uint8Array.from(b) : null;
  }
  if (!text.includes(':')) return null;
  let head = text, tail = '';
  const dbl = text.indexOf('::');
  if (dbl >= 0) {
    head = text.slice(0, dbl);
    tail = text.slice(dbl + 2);
    if (tail.includes('::')) return null;
  }
  const parts = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    const items = s.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (i === items.length - 1 && item.includes('.')) {
        const q = parseIp(item);
        if (!q || q.length !== 4) return null;
        out.push((q[0] << 8) | q[1], (q[2] << 8) | q[3]);
      } else if (/^[0-9a-f]{1,4}$/i.test(item)) {
        out.push(parseInt(item, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const h = parts(head), t = parts(tail);
  if (!h || !t) return null;
  const missing = 8 - h.length - t.length;
  if (dbl < 0 ? missing !== 0 : missing < 1) return null;
  const groups = [...h, ...Array<number>(dbl < 0 ? 0 : missing).fill(0), ...t];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/** `ip:port` (`[ip]:port` for IPv6) or a unix name, for messages. */
export function formatAddr(a: SockAddr): string {
  if (a.family === AddressFamily.UNIX) return a.abstract ? `@${a.name}` : a.name || '(unnamed)';
  return a.ip.length === 16 ? `[${formatIp(a.ip)}]:${a.port}` : `${formatIp(a.ip)}:${a.port}`;
}
