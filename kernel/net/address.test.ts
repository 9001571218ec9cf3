import { describe, expect, it } from 'vitest';
import { Errno, isErr } from '../abi/errno.js';
import { AddressFamily } from '../abi/socket.js';
import { decodeAddr, encodeAddr, formatIp, isLoopback, mappedV4, parseIp, type SockAddr } from './address.js';

const inet = (ip: number[], port: number): Uint8Array => Uint8Array.of(1, 0, port >> 8, port & 0xff, ...ip, 0, 0, 0, 0, 0, 0, 0, 0);

describe('IP addresses', () => {
  it('round-trips IPv4 and IPv6 text, the longest zero run as ::', () => {
    for (const t of ['127.0.0.1', '0.0.0.0', '::1', '::', '2001:db8::1', '2001:db8:0:1:1:1:1:1', 'fe80::1:0:0:1', '::ffff:10.0.2.2']) {
      expect(formatIp(parseIp(t)!)).toBe(t);
    }
    expect(formatIp(parseIp('2001:0db8:0000:0000:0001:0000:0000:0001')!)).toBe('2001:db8::1:0:0:1');
  });

  it('refuses what is no address', () => {
    for (const t of ['256.0.0.1', '1.2.3', 'localhost', '1::2::3', '12345::', ':::', '1:2:3:4:5:6:7:8:9']) expect(parseIp(t)).toBeNull();
  });

  it('knows the loopback, IPv4-mapped included', () => {
    expect(isLoopback(parseIp('127.9.9.9')!)).toBe(true);
    expect(isLoopback(parseIp('::1')!)).toBe(true);
    expect(isLoopback(parseIp('::ffff:127.0.0.1')!)).toBe(true);
    expect(isLoopback(parseIp('10.0.2.2')!)).toBe(false);
    expect([...mappedV4(parseIp('::ffff:1.2.3.4')!)!]).toEqual([1, 2, 3, 4]);
  });
});

describe('socket addresses', () => {
  it('decodes an AF_INET sockaddr, the port in network order', () => {
    const a = decodeAddr(inet([127, 0, 0, 1], 8080), AddressFamily.INET) as SockAddr;
    expect(a).toEqual({ family: AddressFamily.INET, ip: Uint8Array.of(127, 0, 0, 1), port: 8080 });
    expect(encodeAddr(a)).toEqual(inet([127, 0, 0, 1], 8080));
  });

  it('fails a short address with EINVAL and another family with EAFNOSUPPORT', () => {
    const short = decodeAddr(inet([127, 0, 0, 1], 1).subarray(0, 8), AddressFamily.INET);
    expect(isErr(short) && short.errno).toBe(Errno.INVAL);
    const other = decodeAddr(inet([127, 0, 0, 1], 1), AddressFamily.INET6);
    expect(isErr(other) && other.errno).toBe(Errno.AFNOSUPPORT);
  });

  it('takes AF_UNSPEC only where it means something (a datagram socket forgetting its peer)', () => {
    expect(decodeAddr(Uint8Array.of(0, 0), AddressFamily.INET, true)).toBe('unspec');
    expect(isErr(decodeAddr(Uint8Array.of(0, 0), AddressFamily.INET))).toBe(true);
  });

  it('reads unix paths up to their NUL, abstract names whole, and reports them as Linux does', () => {
    const path = new Uint8Array(112);
    path[0] = AddressFamily.UNIX;
    path.set(new TextEncoder().encode('/tmp/s'), 2);
    const a = decodeAddr(path, AddressFamily.UNIX) as SockAddr;
    expect(a).toEqual({ family: AddressFamily.UNIX, name: '/tmp/s', abstract: false });
    expect(encodeAddr(a).length).toBe(2 + 6 + 1);
    const abs = decodeAddr(Uint8Array.of(3, 0, 0, 120, 0, 121), AddressFamily.UNIX) as SockAddr;
    expect(abs).toEqual({ family: AddressFamily.UNIX, name: 'x\0y', abstract: true });
    expect(encodeAddr({ family: AddressFamily.UNIX, name: '', abstract: false }).length).toBe(2);
    const long = new Uint8Array(113);
    long[0] = AddressFamily.UNIX;
    expect(isErr(decodeAddr(long, AddressFamily.UNIX))).toBe(true);
  });
});
