// The page's way out (Host.net, kernel/hostapi.ts): a browser opens no TCP
// connection for a page, so a guest's connection beyond its loopback is not
// one. It is an HTTP/1.1 conversation with the browser's fetch: the guest
// writes requests into it as it would to a server, each one becomes a
// fetch() of the same method, path, headers and body from the kernel
// worker, and the answer comes back as an HTTP/1.1 response (status, the
// headers the browser lets the page see, the body streamed in chunks).
// Port 443 is https:// (the browser does the TLS the guest has not got);
// any other port is http://. Bytes that are not an HTTP request get a 400
// that says why; a protocol in which the server speaks first cannot work.
// The kernel asks the policy first (net/outbound.ts): allows() answers from
// the capabilities of the page's policy (tabkernel-capabilities.json beside
// the page: policy.ts) — off by default, as in the CLI. Names are not
// looked up (a page has no DNS): lookup() gives each name a stand-in address
// of 198.18.0.0/15 (RFC 2544's range, never routed) that connect() maps back
// to the name, which the URL then carries. What the browser's fetch adds:
// the server must allow this page's origin by CORS (the page is cross-origin
// isolated: COEP), the browser follows redirects itself — to the same host
// only, else the guest gets a 502 — and its cookies are not sent. A failed
// fetch (unreachable, or no CORS) is a 502 whose body says so.
// Spec: RFC 9112 (messages), RFC 9110 §7.6.1 (hop-by-hop fields); Fetch
// (CORS, forbidden request-header names, redirect mode).
import type { HostNet } from '../../hostapi.js';
import type { HostConnection } from '../../net/hostconn.js';
import { parseReference } from '../../image/reference.js';
import { concatBytes } from '../../lib/bytes.js';
import type { Policy } from '../../policy/policy.js';
import { encodeChunk, encodeResponseHead, header, HttpError, HttpReader, LAST_CHUNK, type HeaderList, type RequestHead } from './http1.js';

/** Fields that describe one connection, not the message, or that the browser sets itself. */
const NOT_FORWARDED = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  'host', 'content-length', 'expect',
]);

/** Fields of the fetch's response not passed on: its body is already decoded, and its framing is the connection's. */
const NOT_RETURNED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding']);

export class PageNet implements HostNet {
  /** Stand-in address → name, and back (see the header). */
  private readonly nameOf = new Map<string, string>();
  private readonly addressOf = new Map<string, string>();

  /**
   * `policy`: the page's policy now (an Error when it failed to load: then
   * nothing is allowed); `log`: the kernel's log (the page's console).
   */
  constructor(
    private readonly policy: () => Policy | Error,
    private readonly log: (line: string) => void,
    private readonly fetchFn: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  allows(scope: string | null, host: string, port?: number): { allowed: boolean; rule: string } {
    const p = this.policy();
    if (p instanceof Error) return { allowed: false, rule: `the page's policy did not load: ${p.message}` };
    const ref = scope === null ? null : parseReference(scope);
    if (ref instanceof Error) return { allowed: false, rule: `${scope}: ${ref.message}` };
    const g = p.checkHost(ref, host, port);
    return { allowed: g.allowed, rule: `${g.rule} (${p.source.capabilities ?? 'the built-in capabilities'})` };
  }

  async lookup(name: string): Promise<string[]> {
    let address = this.addressOf.get(name);
    if (!address) {
      const n = this.addressOf.size + 1;
      if (n >= 1 << 17) throw Object.assign(new Error(`${name}: no stand-in address left`), { code: 'ENOTFOUND' });
      address = `198.${18 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
      this.addressOf.set(name, address);
      this.nameOf.set(address, name);
    }
    return [address];
  }

  async connect(host: string, port: number): Promise<HostConnection> {
    const name = this.nameOf.get(host) ?? host;
    return new FetchConnection(originFor(name, port), this.fetchFn, this.log);
  }
}

/** The origin a connection to `host`:`port` fetches from: https on 443, else http; the scheme's own port left out. */
export function originFor(host: string, port: number): string {
  const h = host.includes(':') ? `[${host}]` : host;
  if (port === 443) return `https://${h}`;
  return port === 80 ? `http://${h}` : `http://${h}:${port}`;
}

/** Bytes a pipe holds before its writer waits for the reader (back-pressure from a guest that reads slowly). */
const PIPE_HIGH = 256 * 1024;

/** Bytes one way, written by one side and read by the other; null once ended. */
class BytePipe {
  private readonly queue: Uint8Array[] = [];
  private queued = 0;
  private reader: (() => void) | null = null;
  private writer: (() => void) | null = null;
  ended = false;

  /** Add `bytes`; resolves once the pipe holds less than PIPE_HIGH (or has ended). */
  async push(bytes: Uint8Array): Promise<void> {
    if (this.ended) return;
    this.queue.push(bytes);
    this.queued += bytes.length;
    this.wakeReader();
    while (this.queued >= PIPE_HIGH && !this.ended) await new Promise<void>((resolve) => (this.writer = resolve));
  }

  end(): void {
    this.ended = true;
    this.wakeReader();
    this.wakeWriter();
  }

  async read(): Promise<Uint8Array | null> {
    while (this.queue.length === 0 && !this.ended) await new Promise<void>((resolve) => (this.reader = resolve));
    const bytes = this.queue.shift() ?? null;
    if (bytes) this.queued -= bytes.length;
    if (this.queued < PIPE_HIGH) this.wakeWriter();
    return bytes;
  }

  private wakeReader(): void {
    const w = this.reader;
    this.reader = null;
    w?.();
  }

  private wakeWriter(): void {
    const w = this.writer;
    this.writer = null;
    w?.();
  }
}

/** The guest's connection to `origin`: each HTTP request written into it is fetched, its answer read back. */
class FetchConnection implements HostConnection {
  private readonly fromGuest = new BytePipe();
  private readonly toGuest = new BytePipe();
  /** Cancels the fetch under way. Not named `abort`: pump.ts resets a connection through its abort() method, where it has one. */
  private readonly cancel = new AbortController();
  private closed = false;
  /** An error answer was sent: the connection ends after it. */
  private closing = false;

  constructor(private readonly origin: string, private readonly fetchFn: typeof fetch, private readonly log: (line: string) => void) {
    void this.serve();
  }

  read(): Promise<Uint8Array | null> {
    return this.toGuest.read();
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.closed || this.fromGuest.ended) throw Object.assign(new Error('EPIPE: the connection is closed'), { code: 'EPIPE' });
    await this.fromGuest.push(bytes.slice());
  }

  end(): void {
    this.fromGuest.end();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.cancel.abort();
    this.fromGuest.end();
    this.toGuest.end();
  }

  /** Answer the guest's requests in turn, until it ends its side, asks to close, or sends what is not HTTP. */
  private async serve(): Promise<void> {
    const reader = new HttpReader(this.fromGuest);
    try {
      for (;;) {
        let head: RequestHead | null;
        let body: Uint8Array | null = null;
        try {
          head = await reader.readRequestHead();
          if (head === null) break;
          body = await readAll(reader);
        } catch (e) {
          if (!(e instanceof HttpError)) throw e;
          await this.answerError(400, 'Bad Request', `only HTTP/1.1 requests can leave a page (${e.message})`);
          break;
        }
        await this.forward(head, body);
        if (this.closing || /\bclose\b/i.test(header(head.headers, 'connection') ?? '') || head.version === 'HTTP/1.0') break;
      }
    } catch {
      // The guest went away mid-answer (a write refused), or the connection was closed.
    }
    this.toGuest.end();
  }

  /** One request through the browser's fetch, its answer to the guest. */
  private async forward(head: RequestHead, body: Uint8Array | null): Promise<void> {
    const url = this.urlOf(head.target);
    if (url instanceof Error) return this.answerError(400, 'Bad Request', url.message);
    const headers = new Headers();
    for (const [name, value] of head.headers) {
      if (NOT_FORWARDED.has(name.toLowerCase())) continue;
      try {
        headers.append(name, value);
      } catch {
        // A value a Headers object refuses: left out.
      }
    }
    const method = head.method.toUpperCase();
    let res: Response;
    try {
      res = await this.fetchFn(url, {
        method: head.method,
        headers,
        body: method === 'GET' || method === 'HEAD' || !body ? undefined : (body as Uint8Array<ArrayBuffer>),
        credentials: 'omit',
        cache: 'no-store',
        redirect: 'follow',
        signal: this.cancel.signal,
      });
    } catch (e) {
      if (this.closed) return;
      const why = `the browser's fetch of ${url} failed: ${e instanceof Error ? e.message : String(e)} `
        + `(the server must be reachable from the browser and let this page's origin read it: Access-Control-Allow-Origin)`;
      this.log(`tabkernel: page network: ${why}`);
      return this.answerError(502, 'Bad Gateway', why);
    }
    if (res.redirected && new URL(res.url).hostname !== new URL(url).hostname) {
      await res.body?.cancel();
      return this.answerError(502, 'Bad Gateway', `${url} redirected to ${res.url}: a page's fetch follows redirects itself, and here only to the same host`);
    }
    await this.answer(res, method === 'HEAD');
  }

  /** The request target as a URL of this connection's origin; an Error for a target naming another. */
  private urlOf(target: string): string | Error {
    if (target.startsWith('/')) return this.origin + target;
    if (/^https?:\/\//i.test(target)) {
      const u = new URL(target);
      if (u.origin !== new URL(this.origin).origin) return new Error(`a request for ${u.origin} on a connection to ${this.origin}`);
      return u.href;
    }
    return new Error(`a request target a page cannot fetch: ${target}`);
  }

  /** The fetch's answer as an HTTP/1.1 response, its body in chunks as it arrives. */
  private async answer(res: Response, head: boolean): Promise<void> {
    const headers: HeaderList = [];
    res.headers.forEach((value, name) => {
      if (!NOT_RETURNED.has(name)) headers.push([name, value]);
    });
    const bodyless = head || res.status === 204 || res.status === 304 || res.body === null;
    if (!bodyless) headers.push(['Transfer-Encoding', 'chunked']);
    else if (!head) headers.push(['Content-Length', '0']);
    await this.send(encodeResponseHead({ status: res.status, reason: res.statusText, headers }));
    if (bodyless) {
      await res.body?.cancel();
      return;
    }
    const reader = res.body!.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (value.length > 0) await this.send(encodeChunk(value));
      }
      await this.send(LAST_CHUNK);
    } catch (e) {
      // The body broke off: the guest sees its connection end without the last chunk.
      void reader.cancel().catch(() => {});
      throw e;
    }
  }

  private async answerError(status: number, reason: string, text: string): Promise<void> {
    this.closing = true;
    const body = new TextEncoder().encode(`tabkernel: ${text}\n`);
    await this.send(encodeResponseHead({
      status, reason,
      headers: [['Content-Type', 'text/plain; charset=utf-8'], ['Content-Length', String(body.length)], ['Connection', 'close']],
    }));
    await this.send(body);
  }

  private async send(bytes: Uint8Array): Promise<void> {
    if (this.closed) throw new Error('closed');
    await this.toGuest.push(bytes);
  }
}

/** A request's whole body (null when it has none). */
async function readAll(reader: HttpReader): Promise<Uint8Array | null> {
  if (reader.bodyless()) return null;
  const parts: Uint8Array[] = [];
  for (let p = await reader.nextBody(); p !== null; p = await reader.nextBody()) parts.push(p);
  return concatBytes(parts);
}
