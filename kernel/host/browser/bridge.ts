// The kernel's side of the service worker's bridge (sw/bridge.ts): HTTP
// requests for /port/N/… arrive on a MessagePort the page handed over once
// (BridgeAttach), straight from the service worker — the page's thread is
// not on the way. Each request becomes a connection to the guest listening on
// TCP port N (kernel.net.connect, kernel/net/hostconn.ts) carrying an HTTP/1.1
// request with `Connection: close`; the guest's response is read with
// http1.ts and answered on the request's own reply port: its head, then its
// body as a ReadableStream transferred to the service worker, pulled piece by
// piece from the connection (back-pressure reaches the guest), or, where a
// stream does not transfer, as chunk messages the service worker asks for one
// at a time. The messages are BridgeRequest / BridgeAnswer (messages.ts).
// The guest sees Host: localhost:N and X-Forwarded-Host/-Proto/-Prefix; a
// redirect to its own paths (Location: /x, http://localhost:N/x) is
// rewritten under the prefix, so the browser stays on the bridge.
// Spec: RFC 9112 (HTTP/1.1), RFC 9110 §7.6.1 (hop-by-hop fields); the
// Streams standard, "Transferable streams".
import type { HostConnection } from '../../net/hostconn.js';
import { encodeRequestHead, header, HttpReader, type HeaderList } from './http1.js';
import type { BridgeAnswer, BridgeHeaders, BridgePull, BridgeRequest } from './messages.js';

/** What the bridge needs of the kernel's network (kernel.net: net/network.ts). */
export interface GuestPorts {
  connect(port: number): HostConnection | null;
  listening(): number[];
}

/** Fields that describe one connection, not the message (RFC 9110 §7.6.1), or that the bridge sets itself. */
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer',
  'transfer-encoding', 'upgrade', 'host', 'content-length',
]);

/**
 * Serve the bridge's requests arriving on `port`: say hello, then answer each.
 * `transferStreams`: whether bodies go as transferred streams (default: where
 * the browser can) or as chunk messages.
 */
export function serveBridge(port: MessagePort, net: GuestPorts, opts: { transferStreams?: boolean } = {}): void {
  const streams = opts.transferStreams ?? STREAMS_TRANSFER;
  port.addEventListener('message', (e: MessageEvent<BridgeRequest>) => {
    if (e.data?.type === 'request' && e.data.reply) void answer(e.data, net, streams);
  });
  port.start();
  port.postMessage({ type: 'hello' });
}

/** The fields the guest gets: the browser's, less the hop-by-hop ones, and the bridge's own. */
export function guestRequestHeaders(req: Pick<BridgeRequest, 'headers' | 'port' | 'prefix' | 'origin' | 'method' | 'body'>): HeaderList {
  const out: HeaderList = [['Host', `localhost:${req.port}`]];
  for (const [name, value] of req.headers) if (!HOP_BY_HOP.has(name.toLowerCase())) out.push([name, value]);
  const origin = new URL(req.origin);
  out.push(['X-Forwarded-Host', origin.host], ['X-Forwarded-Proto', origin.protocol.replace(':', '')], ['X-Forwarded-Prefix', req.prefix]);
  if (req.body !== null || !['GET', 'HEAD', 'OPTIONS', 'DELETE', 'TRACE'].includes(req.method.toUpperCase())) {
    out.push(['Content-Length', String(req.body?.byteLength ?? 0)]);
  }
  out.push(['Connection', 'close']);
  return out;
}

/** The fields the browser gets: the guest's, less the hop-by-hop ones, its own redirects kept under the prefix. */
export function browserResponseHeaders(headers: HeaderList, req: Pick<BridgeRequest, 'port' | 'prefix'>, framedByLength: boolean): BridgeHeaders {
  const out: BridgeHeaders = [];
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    // Content-Length stays when it frames the body: the browser shows progress by it.
    if (HOP_BY_HOP.has(lower) && !(lower === 'content-length' && framedByLength)) continue;
    out.push([name, lower === 'location' || lower === 'content-location' ? underPrefix(value, req.port, req.prefix) : value]);
  }
  return out;
}

/** A URL the guest names itself by (an absolute path, or http://localhost:N/…), as the browser reaches it: under the prefix. */
export function underPrefix(url: string, port: number, prefix: string): string {
  if (url.startsWith('/') && !url.startsWith('//')) return prefix + url;
  const m = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\]):(\d+)(\/[^]*)?$/i.exec(url);
  if (m && Number(m[2]) === port) return prefix + (m[3] ?? '/');
  return url;
}

async function answer(req: BridgeRequest, net: GuestPorts, transferStreams: boolean): Promise<void> {
  const reply = req.reply;
  const send = (a: BridgeAnswer, transfer: Transferable[] = []): void => reply.postMessage(a, transfer);
  const conn = net.connect(req.port);
  if (!conn) {
    send({ type: 'no-listener', listening: net.listening() });
    reply.close();
    return;
  }
  send({ type: 'accepted' });
  try {
    const head = encodeRequestHead({ method: req.method, target: req.target, headers: guestRequestHeaders(req) });
    // The guest may answer before it has read the body (a 413): the answer is read meanwhile, and a write it refuses is no error.
    const writing = conn.write(head).then(() => (req.body && req.body.byteLength > 0 ? conn.write(new Uint8Array(req.body)) : undefined));
    writing.catch(() => {});
    const reader = new HttpReader(conn);
    const res = await reader.readResponseHead(req.method);
    const framedByLength = header(res.headers, 'transfer-encoding') === undefined && header(res.headers, 'content-length') !== undefined;
    const base = { type: 'response' as const, status: res.status, reason: res.reason, headers: browserResponseHeaders(res.headers, req, framedByLength) };
    if (reader.bodyless()) {
      send({ ...base, body: null });
      finish(conn, reply);
    } else if (transferStreams) {
      const body = bodyStream(reader, conn);
      send({ ...base, body }, [body as unknown as Transferable]);
    } else {
      sendChunks(reader, conn, reply, base);
    }
  } catch (e) {
    send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    finish(conn, reply);
  }
}

function finish(conn: HostConnection, reply: MessagePort): void {
  conn.close();
  reply.close();
}

/** Whether a ReadableStream can be transferred (Chrome, and Firefox since 103 — else a DataCloneError). */
const STREAMS_TRANSFER = ((): boolean => {
  try {
    const stream = new ReadableStream();
    const channel = new MessageChannel();
    channel.port1.postMessage(stream, [stream as unknown as Transferable]);
    channel.port1.close();
    channel.port2.close();
    return true;
  } catch {
    return false;
  }
})();

/** The body, pulled from the connection as the reader asks; cancelling it closes the connection. */
function bodyStream(reader: HttpReader, conn: HostConnection): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const piece = await reader.nextBody();
        if (piece === null) {
          controller.close();
          conn.close();
        } else {
          controller.enqueue(piece);
        }
      } catch (e) {
        controller.error(new Error(`the guest's response broke off: ${e instanceof Error ? e.message : String(e)}`));
        conn.close();
      }
    },
    cancel() {
      conn.close();
    },
  }, { highWaterMark: 0 });
}

/** The body as chunk messages, one per `more` from the service worker, then `end` (or `error`). */
function sendChunks(reader: HttpReader, conn: HostConnection, reply: MessagePort, base: Omit<BridgeAnswer & { type: 'response' }, 'body'>): void {
  reply.onmessage = async (e: MessageEvent<BridgePull>) => {
    if (e.data?.type === 'cancel') return finish(conn, reply);
    if (e.data?.type !== 'more') return;
    try {
      const piece = await reader.nextBody();
      if (piece === null) {
        reply.postMessage({ type: 'end' } satisfies BridgeAnswer);
        finish(conn, reply);
      } else {
        reply.postMessage({ type: 'chunk', bytes: piece } satisfies BridgeAnswer, [piece.buffer as ArrayBuffer]);
      }
    } catch (err) {
      reply.postMessage({ type: 'error', message: `the guest's response broke off: ${err instanceof Error ? err.message : String(err)}` } satisfies BridgeAnswer);
      finish(conn, reply);
    }
  };
  reply.postMessage({ ...base, body: 'chunks' } satisfies BridgeAnswer);
}
