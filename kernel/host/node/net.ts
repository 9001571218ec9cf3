// The CLI's network beyond the guests' loopback (Host.net, kernel/hostapi.ts):
// outbound TCP through node:net, names through node:dns, and the policy that
// decides which hosts a process may reach — the capabilities' "network"
// grants (kernel/policy/capabilities.ts: a container its image's scope, a
// program run from the host "programs"), plus the patterns given with
// --allow-net, which grant programs run from the host (not containers:
// their grants are the policy's, as their mounts are). Off by default.
// Also the HostConnection (kernel/net/hostconn.ts) over a node:net socket,
// which the published ports (publish.ts) use too.
import type NodeDns from 'node:dns';
import net from 'node:net';
import type { HostNet } from '../../hostapi.js';
import type { HostConnection } from '../../net/hostconn.js';
import { parseReference } from '../../image/reference.js';
import { checkHost, type Capabilities } from '../../policy/capabilities.js';
import { lazyBuiltin } from './lazy.js';

const dns = lazyBuiltin<typeof NodeDns>('node:dns');

/** Bytes a socket's reader may fall behind by before the socket is paused. */
const HIGH_WATER = 256 * 1024;

/** A node:net socket as a HostConnection; `reset` tells, after read() answered null, that the peer reset it. */
export function socketConnection(sock: net.Socket): HostConnection & { reset: boolean; abort(): void } {
  const queue: Buffer[] = [];
  let queued = 0;
  let ended = false;
  let waiting: ((b: Uint8Array | null) => void) | null = null;
  const conn = {
    reset: false,
    read(): Promise<Uint8Array | null> {
      const next = queue.shift();
      if (next) {
        queued -= next.length;
        if (queued < HIGH_WATER / 2 && sock.isPaused()) sock.resume();
        return Promise.resolve(next);
      }
      if (ended) return Promise.resolve(null);
      return new Promise((resolve) => { waiting = resolve; });
    },
    write(bytes: Uint8Array): Promise<void> {
      if (sock.destroyed || sock.writableEnded) return Promise.reject(Object.assign(new Error('EPIPE: the connection is closed'), { code: 'EPIPE' }));
      return new Promise((resolve, reject) => sock.write(bytes, (e) => (e ? reject(e) : resolve())));
    },
    end(): void {
      if (!sock.destroyed) sock.end();
    },
    close(): void {
      if (!sock.destroyed) sock.destroy();
    },
    /** An abortive close: the peer sees a reset. */
    abort(): void {
      if (!sock.destroyed) sock.resetAndDestroy();
    },
  };
  const wake = (): void => {
    const w = waiting;
    if (!w) return;
    waiting = null;
    const next = queue.shift();
    if (next) queued -= next.length;
    w(next ?? null);
  };
  sock.on('data', (d: Buffer) => {
    queue.push(d);
    queued += d.length;
    if (queued > HIGH_WATER) sock.pause();
    wake();
  });
  const finish = (): void => {
    ended = true;
    wake();
  };
  sock.on('end', finish);
  sock.on('close', finish);
  sock.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'ECONNRESET') conn.reset = true;
    finish();
  });
  return conn;
}

export interface NodeNetOptions {
  /** The capabilities in force (their file for messages; undefined: the built-in ones); read when first asked. */
  capabilities: () => { capabilities: Capabilities; file?: string };
  /** --allow-net patterns: more hosts for programs run from the host. */
  allowNet: readonly string[];
}

export function nodeNet(opts: NodeNetOptions): HostNet {
  let caps: { capabilities: Capabilities; file?: string } | Error | null = null;
  const load = (): { capabilities: Capabilities; file?: string } | Error => {
    if (caps) return caps;
    try {
      const c = opts.capabilities();
      const programs = { ...c.capabilities.programs, network: [...c.capabilities.programs.network, ...opts.allowNet] };
      caps = { capabilities: { ...c.capabilities, programs }, file: c.file };
    } catch (e) {
      caps = e as Error;
    }
    return caps;
  };
  return {
    connect(host: string, port: number): Promise<HostConnection> {
      return new Promise((resolve, reject) => {
        const sock = net.connect({ host, port, noDelay: true });
        const failed = (e: Error): void => reject(e);
        sock.once('error', failed);
        sock.once('connect', () => {
          sock.off('error', failed);
          resolve(socketConnection(sock));
        });
      });
    },
    async lookup(name: string): Promise<string[]> {
      const found = await dns.promises.lookup(name, { all: true, verbatim: true });
      return found.map((a) => a.address);
    },
    allows(scope: string | null, host: string, port?: number): { allowed: boolean; rule: string } {
      const c = load();
      if (c instanceof Error) return { allowed: false, rule: c.message };
      const ref = scope === null ? null : parseReference(scope);
      if (ref instanceof Error) return { allowed: false, rule: `${scope}: ${ref.message}` };
      const g = checkHost(c.capabilities, ref, host, port);
      const extra = ref === null && opts.allowNet.length > 0 ? ` with --allow-net ${opts.allowNet.join(' ')}` : '';
      return { allowed: g.allowed, rule: `${g.rule} (${c.file ?? 'the built-in capabilities'}${extra})` };
    },
  };
}
