// Published ports: `tabkernel run -p [HOSTADDR:]HOSTPORT:GUESTPORT`, Docker's
// --publish syntax. The CLI listens on HOSTADDR:HOSTPORT (127.0.0.1 unless
// given: a published port is not open to the network by accident) before
// the guest starts, and each TCP connection it takes becomes a connection
// to the guest listening on GUESTPORT of its loopback (kernel.net.connect,
// kernel/net/hostconn.ts), the bytes pumped both ways (kernel/net/pump.ts).
// A connection that arrives while nothing listens on GUESTPORT is reset,
// as Docker's proxy does.
import net from 'node:net';
import type { Network } from '../../net/network.js';
import { pump } from '../../net/pump.js';
import { socketConnection } from './net.js';

export interface PortSpec {
  hostAddr: string;
  hostPort: number;
  guestPort: number;
  /** As given, for messages. */
  text: string;
}

/** `[HOSTADDR:]HOSTPORT:GUESTPORT[/tcp]` (HOSTADDR may be an IPv6 address in brackets); an Error naming what is wrong. */
export function parsePublish(text: string): PortSpec | Error {
  const bad = (why: string): Error => new Error(`-p ${text}: ${why} (expected [HOSTADDR:]HOSTPORT:GUESTPORT)`);
  let rest = text;
  if (rest.endsWith('/tcp')) rest = rest.slice(0, -4);
  else if (rest.includes('/')) return bad('only TCP ports can be published');
  let hostAddr = '127.0.0.1';
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0 || rest[close + 1] !== ':') return bad('an IPv6 address goes in brackets, then a colon');
    hostAddr = rest.slice(1, close);
    if (!net.isIPv6(hostAddr)) return bad(`${hostAddr} is not an IPv6 address`);
    rest = rest.slice(close + 2);
  }
  const parts = rest.split(':');
  if (parts.length === 3 && hostAddr === '127.0.0.1') {
    hostAddr = parts.shift()!;
    if (!net.isIP(hostAddr)) return bad(`${hostAddr} is not an IP address`);
  }
  if (parts.length !== 2) return bad('wrong number of fields');
  const [h, g] = parts.map((p) => (/^\d{1,5}$/.test(p) ? Number(p) : NaN));
  if (!(h >= 0 && h <= 65535)) return bad(`host port "${parts[0]}" is not a port number`);
  if (!(g >= 1 && g <= 65535)) return bad(`guest port "${parts[1]}" is not a port number`);
  return { hostAddr, hostPort: h, guestPort: g, text };
}

/** Listen on every spec's host address; resolves once all listen (to the servers), rejects with the first failure. */
export function publish(network: Network, specs: readonly PortSpec[]): Promise<net.Server[]> {
  return Promise.all(specs.map((spec) => new Promise<net.Server>((resolve, reject) => {
    const server = net.createServer({ noDelay: true }, (sock) => {
      const guest = network.connect(spec.guestPort);
      if (!guest) {
        sock.on('error', () => {});
        sock.resetAndDestroy();
        return;
      }
      void pump(socketConnection(sock), guest);
    });
    server.once('error', (e: NodeJS.ErrnoException) => reject(new Error(`-p ${spec.text}: cannot listen on ${spec.hostAddr}:${spec.hostPort}: ${e.code ?? e.message}`)));
    server.listen(spec.hostPort, spec.hostAddr, () => resolve(server));
  })));
}
