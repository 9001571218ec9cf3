// Host names the kernel resolves for getaddrinfo (tk_resolve): `localhost`
// and `*.localhost` are the loopback (127.0.0.1, ::1, RFC 6761), the host's
// own loopback is host.tabkernel.internal (outbound.ts); any other name is
// asked of the host's resolver (Host.net.lookup: node:dns in the CLI) when
// the policy grants the name on some port to the process — a name the
// process may not reach is not looked up either (EACCES, and the log names
// the rule). A name the host resolves to its own loopback answers the
// host's alias (10.0.2.2): the guest's 127.0.0.1 is its own. Numeric
// addresses never come here (the libc parses them).
// Spec: RFC 6761 §6.3 (localhost); POSIX getaddrinfo(3).
import { Errno, err, type Err } from '../abi/errno.js';
import { AddressFamily } from '../abi/socket.js';
import type { HostNet } from '../hostapi.js';
import type { Process } from '../proc/process.js';
import { LOOPBACK4, LOOPBACK6, formatIp, isLoopback, parseIp, sameIp } from './address.js';
import { HOST_ALIAS, HOST_ALIAS_IP, type Outbound } from './outbound.js';

export interface Resolved {
  family: typeof AddressFamily.INET | typeof AddressFamily.INET6;
  ip: Uint8Array;
}

/** A DNS name: labels of letters, digits and hyphens (and underscores, which real zones hold). */
const NAME = /^(?=.{1,253}\.?$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;

export class Resolver {
  constructor(
    private readonly host: HostNet | undefined,
    private readonly outbound: Outbound,
    private readonly log: (line: string) => void,
  ) {}

  /** The addresses of `name` of `family` (AF_UNSPEC: both): at once, or once the host answers. */
  resolve(p: Process, name: string, family: number): Resolved[] | Err | Promise<Resolved[] | Err> {
    const wanted = (r: Resolved): boolean => family === AddressFamily.UNSPEC || r.family === family;
    const lower = name.toLowerCase().replace(/\.$/, '');
    if (lower === 'localhost' || lower.endsWith('.localhost')) {
      return [{ family: AddressFamily.INET, ip: LOOPBACK4 }, { family: AddressFamily.INET6, ip: LOOPBACK6 }].filter(wanted) as Resolved[];
    }
    if (lower === HOST_ALIAS) return [{ family: AddressFamily.INET, ip: HOST_ALIAS_IP } as Resolved].filter(wanted);
    if (!NAME.test(lower)) return err(Errno.INVAL);
    if (!this.host) return err(Errno.NOENT);
    const grant = this.host.allows(p.ns.image, lower);
    if (!grant.allowed) {
      this.log(`tabkernel: policy: lookup of ${lower} refused: ${grant.rule}`);
      return err(Errno.ACCES);
    }
    return this.host.lookup(lower).then((texts) => {
      const out: Resolved[] = [];
      for (const t of texts) {
        const found = parseIp(t);
        if (!found) continue;
        // The host's own loopback is not the guest's: the guest reaches it as the host's alias.
        const ip = isLoopback(found) ? HOST_ALIAS_IP : found;
        this.outbound.remember(formatIp(ip), lower);
        const r: Resolved = { family: ip.length === 4 ? AddressFamily.INET : AddressFamily.INET6, ip };
        if (wanted(r) && !out.some((o) => sameIp(o.ip, r.ip))) out.push(r);
      }
      return out.length > 0 ? out : err(Errno.NOENT);
    }, (e: unknown) => err((e as { code?: string }).code === 'ENOTFOUND' ? Errno.NOENT : Errno.AGAIN));
  }
}
