// The service worker's side of the HTTP bridge: a fetch of /port/N/… — by the
// page, an iframe, another tab of the origin — goes to the guest listening on
// TCP port N of a page's kernel, and the guest's answer is the fetch's
// Response. The service worker talks to kernel workers directly, on a
// MessagePort each kernel page handed over (web/serviceworker.ts passes it
// to its kernel worker: kernel/host/browser/bridge.ts), so no byte of a
// request or an answer crosses a page's thread, and an answer's body streams
// (a ReadableStream the kernel worker transferred, or chunk messages pulled
// one at a time where streams do not transfer).
// Nothing here outlives the service worker: when the browser stops it (idle
// for ~30 s) and starts it again for the next fetch, the kernel ports are
// gone, and the first request asks the open pages again (clients.matchAll,
// a BridgeOffer each; a kernel page answers through its kernel worker's
// BridgeHello). With several kernel pages open, a request goes to the first
// whose kernel listens on N. A kernel that does not acknowledge a request in
// time is dropped (its page was closed). No kernel, or no listener: a 502
// page that names the listening ports. Every answer carries the isolation
// headers (isolation.ts), so a guest's page in a frame is allowed in the
// isolated page and is isolated itself.
// The messages are BridgeOffer/BridgeRequest/BridgeAnswer (kernel/host/browser/messages.ts).
import type { BridgeAnswer, BridgeHeaders, BridgeHello, BridgeOffer, BridgePull, BridgeRequest } from '../kernel/host/browser/messages.js';
import { isolated, isolatedHeaders, nullBodyStatus } from './isolation.js';

/** What the bridge needs of the service worker's Clients: the open pages (ServiceWorkerGlobalScope.clients). */
export interface PageClients {
  matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<ReadonlyArray<PageClient>>;
  get(id: string): Promise<PageClient | undefined>;
}

export interface PageClient {
  id: string;
  postMessage(msg: unknown, transfer: Transferable[]): void;
}

export interface BridgeTimeouts {
  /** How long the open pages have to answer an offer (the first answer ends the wait). */
  hello: number;
  /** How long a kernel has to acknowledge a request before it is taken for gone. */
  accept: number;
}

const DEFAULT_TIMEOUTS: BridgeTimeouts = { hello: 2000, accept: 3000 };

interface KernelLink {
  clientId: string;
  port: MessagePort;
}

type Outcome =
  | { kind: 'answer'; response: Response }
  | { kind: 'no-listener'; listening: number[] }
  | { kind: 'gone' };

export class PortBridge {
  private kernels: KernelLink[] = [];
  /** An offer to the open pages in flight: requests meanwhile wait for the same one. */
  private discovering: Promise<void> | null = null;
  /** Settles once every page of the last offer has answered or timed out (null: none pending). */
  private offers: Promise<void> | null = null;

  /** `scope`: the service worker's scope URL, ending in '/'. */
  constructor(
    private readonly clients: PageClients,
    private readonly scope: string,
    private readonly timeouts: BridgeTimeouts = DEFAULT_TIMEOUTS,
  ) {}

  /** The guest port a request is for (`<scope>port/N` or `<scope>port/N/…`), or null: not the bridge's. */
  portOf(url: string): number | null {
    if (!url.startsWith(this.scope)) return null;
    const m = /^port\/(\d{1,5})(?=$|[/?#])/.exec(url.slice(this.scope.length));
    const port = m ? Number(m[1]) : NaN;
    return port >= 1 && port <= 65535 ? port : null;
  }

  /** The Response to a request portOf() accepted. */
  async respond(request: Request): Promise<Response> {
    const port = this.portOf(request.url)!;
    const url = new URL(request.url);
    const prefix = `${new URL(this.scope).pathname}port/${port}`;
    const target = url.pathname.slice(prefix.length) + url.search;
    // /port/N is the guest's root: relative links resolve under /port/N/ only with the slash.
    if (target === '' || target.startsWith('?')) return isolated(Response.redirect(`${url.origin}${prefix}/${url.search}`, 308));
    const body = request.method === 'GET' || request.method === 'HEAD' ? null : await request.arrayBuffer();
    const headers: BridgeHeaders = [...request.headers];
    const req = { type: 'request' as const, port, method: request.method, target, headers, body, prefix, origin: url.origin };

    const listening = new Set<number>();
    const asked = new Set<KernelLink>();
    let askedAgain = false;
    if (this.kernels.length === 0) await this.discover();
    for (;;) {
      const kernel = this.kernels.find((k) => !asked.has(k));
      if (kernel) {
        asked.add(kernel);
        const outcome = (await this.alive(kernel)) ? await this.ask(kernel, req) : { kind: 'gone' as const };
        if (outcome.kind === 'answer') return outcome.response;
        if (outcome.kind === 'no-listener') outcome.listening.forEach((p) => listening.add(p));
        else this.kernels = this.kernels.filter((k) => k !== kernel);
        continue;
      }
      // Every kernel known was asked: pages still answering an offer may have one more.
      if (this.offers) {
        await this.offers;
        if (this.kernels.some((k) => !asked.has(k))) continue;
      }
      // A kernel was gone, or none is known: its page may have a new one (reloaded) — ask the pages once more.
      if (!askedAgain && (this.kernels.length < asked.size || this.kernels.length === 0) && asked.size > 0) {
        askedAgain = true;
        await this.discover();
        continue;
      }
      break;
    }
    if (this.kernels.length === 0) {
      return badGateway(port, 'No tabkernel page is open',
        'No page of this origin runs a tabkernel kernel that answered. Open the page that runs the server, then reload this one.');
    }
    return badGateway(port, `Nothing listens on port ${port}`,
      `No process in the kernel of an open page listens on TCP port ${port}.`, [...listening].sort((a, b) => a - b));
  }

  /** Whether the page of `kernel` is still open (a reloaded page is a new client, with a new kernel). */
  private async alive(kernel: KernelLink): Promise<boolean> {
    return (await this.clients.get(kernel.clientId)) !== undefined;
  }

  /** Send the request to one kernel and wait for its answer. */
  private ask(kernel: KernelLink, req: Omit<BridgeRequest, 'reply'>): Promise<Outcome> {
    const channel = new MessageChannel();
    const reply = channel.port1;
    // A copy of the body per kernel asked: the one that does not listen keeps its own.
    const message: BridgeRequest = { ...req, body: req.body?.slice(0) ?? null, reply: channel.port2 };
    return new Promise<Outcome>((resolve) => {
      const timer = setTimeout(() => {
        reply.close();
        resolve({ kind: 'gone' });
      }, this.timeouts.accept);
      reply.onmessage = (e: MessageEvent<BridgeAnswer>) => {
        const a = e.data;
        if (a.type === 'accepted') {
          clearTimeout(timer);
          return;
        }
        clearTimeout(timer);
        if (a.type === 'no-listener') {
          reply.close();
          return resolve({ kind: 'no-listener', listening: a.listening });
        }
        if (a.type === 'error') {
          reply.close();
          return resolve({ kind: 'answer', response: badGateway(req.port, `The server on port ${req.port} gave no answer`, a.message) });
        }
        if (a.type === 'response') resolve({ kind: 'answer', response: guestResponse(a, reply, req.port) });
      };
      kernel.port.postMessage(message, [channel.port2, ...(message.body ? [message.body] : [])]);
    });
  }

  /**
   * Offer a bridge port to each open page not known to host a kernel;
   * resolves at the first kernel's hello (or when none can come). Later
   * hellos are added as they come, until `offers` settles (all answered, or
   * the timeout).
   */
  private discover(): Promise<void> {
    this.discovering ??= (async () => {
      const pages = await this.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const known = new Set(this.kernels.map((k) => k.clientId));
      const fresh = pages.filter((p) => !known.has(p.id));
      let first: () => void = () => {};
      const firstHello = new Promise<void>((resolve) => (first = resolve));
      const answers = fresh.map((page) => new Promise<void>((resolve) => {
        const channel = new MessageChannel();
        const timer = setTimeout(() => {
          channel.port1.close();
          resolve();
        }, this.timeouts.hello);
        channel.port1.onmessage = (e: MessageEvent<BridgeHello>) => {
          if (e.data?.type !== 'hello') return;
          clearTimeout(timer);
          channel.port1.onmessage = null;
          this.kernels = [...this.kernels.filter((k) => k.clientId !== page.id), { clientId: page.id, port: channel.port1 }];
          first();
          resolve();
        };
        page.postMessage({ type: 'tabkernel-bridge' } satisfies BridgeOffer, [channel.port2]);
      }));
      const all = Promise.all(answers).then(() => {
        if (this.offers === all) this.offers = null;
      });
      this.offers = all;
      await Promise.race([firstHello, all]);
    })().finally(() => {
      this.discovering = null;
    });
    return this.discovering;
  }
}

/** The guest's answer as the fetch's Response: its status, its headers (isolated), its body streaming. */
function guestResponse(a: BridgeAnswer & { type: 'response' }, reply: MessagePort, port: number): Response {
  if (a.body !== 'chunks') reply.close();
  let body = a.body === 'chunks' ? chunkStream(reply) : a.body;
  if (a.status < 200 || a.status > 599) {
    void body?.cancel();
    return badGateway(port, `The server on port ${port} gave an answer a browser cannot take`, `HTTP status ${a.status}`);
  }
  const headers = new Headers();
  for (const [name, value] of a.headers) {
    try {
      headers.append(name, value);
    } catch {
      // A field a Headers object refuses (it checks names and values): left out.
    }
  }
  const init = { status: a.status, statusText: /^[\t\x20-\x7e\x80-\xff]*$/.test(a.reason) ? a.reason : '', headers: isolatedHeaders(headers) };
  if (nullBodyStatus(a.status)) {
    void body?.cancel();
    body = null;
  }
  return new Response(body, init);
}

/** The 'chunks' answer as a stream: each read asks the kernel for the next piece. */
function chunkStream(reply: MessagePort): ReadableStream<Uint8Array> {
  let waiting: { resolve(a: BridgeAnswer): void } | null = null;
  reply.onmessage = (e: MessageEvent<BridgeAnswer>) => waiting?.resolve(e.data);
  const pull = (msg: BridgePull): void => reply.postMessage(msg);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const a = await new Promise<BridgeAnswer>((resolve) => {
        waiting = { resolve };
        pull({ type: 'more' });
      });
      waiting = null;
      if (a.type === 'chunk') controller.enqueue(a.bytes);
      else if (a.type === 'end') {
        controller.close();
        reply.close();
      } else {
        controller.error(new Error(a.type === 'error' ? a.message : `unexpected ${a.type}`));
        reply.close();
      }
    },
    cancel() {
      pull({ type: 'cancel' });
      reply.close();
    },
  }, { highWaterMark: 0 });
}

/** The 502 page: what went wrong, and the ports that have a listener (also in X-Tabkernel-Listening). */
export function badGateway(port: number, title: string, detail: string, listening?: number[]): Response {
  const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const ports = listening === undefined ? ''
    : listening.length === 0 ? '<p>No port has a listener now. Start a server in the terminal, for example <code>httpd -p 8080 /root</code>.</p>'
      : `<p>Ports with a listener:</p><ul>${listening.map((p) => `<li><a href="../${p}/">port ${p}</a></li>`).join('')}</ul>`;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>502 ${esc(title)}</title></head>`
    + `<body><h1>502 Bad Gateway</h1><p><strong>${esc(title)}</strong> (port ${port})</p><p>${esc(detail)}</p>${ports}`
    + '<p><small>tabkernel service worker</small></p></body></html>';
  const headers: Record<string, string> = { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' };
  if (listening) headers['X-Tabkernel-Listening'] = listening.join(',');
  return new Response(html, { status: 502, statusText: 'Bad Gateway', headers: isolatedHeaders(headers) });
}
