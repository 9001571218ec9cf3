// Connections that leave the guest's loopback: a guest's connect to any
// other address goes to the host's network (Host.net: node:net in the CLI)
// when the policy grants the host and port to the process — a container
// its image's scope's "network" list, a program run from the host the
// "programs" one (the CLI's --allow-net adds to it); otherwise it fails with
// ECONNREFUSED and the kernel's log (the CLI's stderr) names the rule.
// The guest reaches the host's own loopback as host.tabkernel.internal,
// 10.0.2.2 (QEMU's user network uses that address for its host the same
// way); the policy is asked about 127.0.0.1 then, so `loopback` grants it.
// A name the guest resolved through the host (resolver.ts) is remembered
// with its addresses, and the policy is asked about the name as well as the
// address. The connection is a kernel connection whose far end the kernel
// pumps into the host's (pump.ts); the guest's socket is connecting until
// the host's connect settles (EINPROGRESS under O_NONBLOCK).
import { Errno } from '../abi/errno.js';
import { AddressFamily } from '../abi/socket.js';
import type { HostNet } from '../hostapi.js';
import type { PipeArena } from '../ipc/pipe.js';
import type { Process } from '../proc/process.js';
import { formatIp, mapV4, plainIp, sameIp, type InetAddr } from './address.js';
import { openConnection } from './connection.js';
import { HostEnd } from './hostconn.js';
import { pump } from './pump.js';
import type { StreamSocket } from './stream.js';

/** The name and address under which a guest reaches the host's loopback. */
export const HOST_ALIAS = 'host.tabkernel.internal';
export const HOST_ALIAS_IP = Uint8Array.of(10, 0, 2, 2);
/** The address an outbound connection's guest end reports as its own (QEMU's guest address). */
export const GUEST_IP = Uint8Array.of(10, 0, 2, 15);

/** The errno of a host's connect failure, by its code. */
const HOST_ERRNO: Record<string, Errno> = {
  ECONNREFUSED: Errno.CONNREFUSED, ETIMEDOUT: Errno.TIMEDOUT, EHOSTUNREACH: Errno.HOSTUNREACH,
  ENETUNREACH: Errno.NETUNREACH, ECONNRESET: Errno.CONNRESET, EADDRNOTAVAIL: Errno.ADDRNOTAVAIL,
  ENOTFOUND: Errno.HOSTUNREACH, EACCES: Errno.ACCES, EPERM: Errno.PERM,
};

export class Outbound {
  /** Names resolved through the host, by the address text they gave. */
  private readonly names = new Map<string, string>();
  private nextPort = 40000;

  constructor(
    private readonly host: HostNet | undefined,
    private readonly arena: PipeArena,
    private readonly log: (line: string) => void,
  ) {}

  /** `name` resolved to `ip` (text) through the host. */
  remember(ip: string, name: string): void {
    this.names.set(ip, name);
  }

  /** What the policy and the messages call `ip`, and what the host connects to. */
  private target(ip: Uint8Array): { name: string; hostAddr: string; policyNames: string[] } {
    const text = formatIp(plainIp(ip));
    const name = this.names.get(text);
    // The host's loopback: the policy hears of 127.0.0.1 (and of the name the guest looked up for it, if any).
    if (sameIp(ip, HOST_ALIAS_IP)) return { name: name ?? HOST_ALIAS, hostAddr: '127.0.0.1', policyNames: name ? ['127.0.0.1', name] : ['127.0.0.1'] };
    return { name: name ?? text, hostAddr: text, policyNames: name ? [name, text] : [text] };
  }

  /** A guest's connect of `sock` to `addr` (not on its loopback): INPROGRESS, or why not. */
  connect(sock: StreamSocket, p: Process, addr: InetAddr): Errno {
    const { name, hostAddr, policyNames } = this.target(addr.ip);
    const where = `${name}:${addr.port}`;
    if (!this.host) {
      this.log(`tabkernel: connect to ${where}: this host has no network beyond the guest's loopback`);
      return Errno.NETUNREACH;
    }
    const grants = policyNames.map((n) => this.host!.allows(p.ns.image, n, addr.port));
    if (!grants.some((g) => g.allowed)) {
      this.log(`tabkernel: policy: connect to ${where} refused: ${grants[0].rule}`);
      return Errno.CONNREFUSED;
    }
    const ends = openConnection(this.arena);
    if (!ends) return Errno.NOBUFS;
    let cancelled = false;
    const guestIp = addr.family === AddressFamily.INET ? GUEST_IP : mapV4(GUEST_IP);
    sock.connectingTo({ cancel: () => { cancelled = true; } }, { family: addr.family, ip: guestIp, port: this.port() });
    this.host.connect(hostAddr, addr.port).then((conn) => {
      if (cancelled) {
        conn.close();
        ends.a.abort();
        ends.b.close();
        return;
      }
      sock.established(ends.a, addr);
      void pump(new HostEnd(ends.b), conn);
    }, (e: unknown) => {
      ends.a.close();
      ends.b.close();
      if (!cancelled) sock.failed(HOST_ERRNO[(e as { code?: string }).code ?? ''] ?? Errno.HOSTUNREACH);
    });
    return Errno.INPROGRESS;
  }

  private port(): number {
    this.nextPort = this.nextPort >= 60999 ? 40000 : this.nextPort + 1;
    return this.nextPort;
  }
}
