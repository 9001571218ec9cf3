import { describe, expect, it } from 'vitest';
import { Errno, isErr } from '../abi/errno.js';
import { parseIp } from './address.js';
import { EPHEMERAL_HIGH, EPHEMERAL_LOW, PortTable, type Binding } from './ports.js';

const b = (ip: string, o: Partial<Binding> = {}): Binding => ({ ip: parseIp(ip)!, v6only: false, reuse: false, listening: false, ...o });
const errno = (v: number | { errno: Errno }): Errno | number => (isErr(v as never) ? (v as { errno: Errno }).errno : v as number);

describe('the port table', () => {
  it('gives a second bind of the same address and port EADDRINUSE, another port or address not', () => {
    const t = new PortTable('tcp');
    expect(t.bind(b('127.0.0.1'), 80)).toBe(80);
    expect(errno(t.bind(b('127.0.0.1'), 80))).toBe(Errno.ADDRINUSE);
    expect(t.bind(b('127.0.0.2'), 80)).toBe(80);
    expect(t.bind(b('127.0.0.1'), 81)).toBe(81);
  });

  it('lets a wildcard bind meet every address of its family, and :: the IPv4 ones too unless IPV6_V6ONLY', () => {
    const t = new PortTable('tcp');
    t.bind(b('127.0.0.1'), 80);
    expect(errno(t.bind(b('0.0.0.0'), 80))).toBe(Errno.ADDRINUSE);
    expect(errno(t.bind(b('::'), 80))).toBe(Errno.ADDRINUSE);
    expect(t.bind(b('::', { v6only: true }), 80)).toBe(80);
    expect(t.bind(b('::1'), 81)).toBe(81);
    expect(t.bind(b('127.0.0.1'), 81)).toBe(81);
  });

  it('shares a port between SO_REUSEADDR sockets until one listens', () => {
    const t = new PortTable('tcp');
    const first = b('127.0.0.1', { reuse: true });
    const second = b('127.0.0.1', { reuse: true });
    t.bind(first, 90);
    expect(t.bind(second, 90)).toBe(90);
    expect(t.listen(first, 90)).toBe(Errno.SUCCESS);
    expect(t.listen(second, 90)).toBe(Errno.ADDRINUSE);
    expect(errno(t.bind(b('127.0.0.1', { reuse: true }), 90))).toBe(Errno.ADDRINUSE);
  });

  it('hands out ephemeral ports from Linux\'s range, and frees a port on unbind', () => {
    const t = new PortTable('tcp');
    const got = t.bind(b('127.0.0.1'), 0) as number;
    expect(got).toBeGreaterThanOrEqual(EPHEMERAL_LOW);
    expect(got).toBeLessThanOrEqual(EPHEMERAL_HIGH);
    const x = b('127.0.0.1');
    t.bind(x, 100);
    t.unbind(x, 100);
    expect(t.bind(b('127.0.0.1'), 100)).toBe(100);
  });

  it('delivers to the binding of the very address before a wildcard one, IPv4-mapped addresses as IPv4', () => {
    const t = new PortTable('udp');
    const any = b('0.0.0.0', { reuse: true });
    const exact = b('127.0.0.5', { reuse: true });
    t.bind(any, 53);
    t.bind(exact, 53);
    expect(t.find(parseIp('127.0.0.5')!, 53)).toBe(exact);
    expect(t.find(parseIp('127.0.0.1')!, 53)).toBe(any);
    expect(t.find(parseIp('::ffff:127.0.0.5')!, 53)).toBe(exact);
    expect(t.find(parseIp('::1')!, 53)).toBeUndefined();
    expect(t.portsWhere(() => true)).toEqual([53]);
  });
});
