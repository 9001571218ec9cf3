// The HTTP bridge end to end in one thread: the service worker's side
// (sw/bridge.ts) asks scripted pages for their kernels, each page hands the
// port to the kernel's side (kernel/host/browser/bridge.ts), and the kernel's
// side talks HTTP/1.1 to a scripted guest server over connections that stand
// in for kernel.net's (the real ones are test/e2e's: cases/bridge.js).
import { describe, expect, it } from 'vitest';
import { HttpReader, type HeaderList, type RequestHead } from '../kernel/host/browser/http1.js';
import { serveBridge, underPrefix, type GuestPorts } from '../kernel/host/browser/bridge.js';
import type { HostConnection } from '../kernel/net/hostconn.js';
import { PortBridge, type PageClient, type PageClients } from './bridge.js';

const SCOPE = 'http://page.test/';
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Bytes one way: pushed by one side, read by the other; null once ended. */
class Pipe {
  private readonly queue: Uint8Array[] = [];
  private waiter: (() => void) | null = null;
  ended = false;

  push(bytes: Uint8Array): void {
    this.queue.push(bytes.slice());
    this.wake();
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  async read(): Promise<Uint8Array | null> {
    while (this.queue.length === 0 && !this.ended) await new Promise<void>((resolve) => (this.waiter = resolve));
    return this.queue.shift() ?? null;
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }
}

/** The guest's end of a connection: the request as it came, and a way to answer. */
interface GuestSide {
  request: RequestHead;
  body: string;
  send(text: string): void;
  close(): void;
  /** Resolves when the host closed its end. */
  hostClosed: Promise<void>;
}

/** A kernel's network as the bridge sees it: handlers by port, each a guest server answering one connection. */
function guestNet(servers: Record<number, (guest: GuestSide) => void | Promise<void>>): GuestPorts & { connections: number } {
  const net = {
    connections: 0,
    listening: () => Object.keys(servers).map(Number).sort((a, b) => a - b),
    connect(port: number): HostConnection | null {
      const serve = servers[port];
      if (!serve) return null;
      net.connections++;
      const toGuest = new Pipe();
      const toHost = new Pipe();
      let closed: () => void = () => {};
      const hostClosed = new Promise<void>((resolve) => (closed = resolve));
      const conn: HostConnection = {
        read: () => toHost.read(),
        write: async (bytes) => {
          if (toGuest.ended) throw new Error('EPIPE: the guest reads no more');
          toGuest.push(bytes);
        },
        end: () => toGuest.end(),
        close: () => {
          toGuest.end();
          toHost.end();
          closed();
        },
      };
      void (async () => {
        const reader = new HttpReader(toGuest);
        const request = (await reader.readRequestHead())!;
        let body = '';
        for (let p = await reader.nextBody(); p !== null; p = await reader.nextBody()) body += new TextDecoder().decode(p);
        await serve({ request, body, send: (t) => toHost.push(enc(t)), close: () => toHost.end(), hostClosed });
      })();
      return conn;
    },
  };
  return net;
}

/** Open pages: `kernels` host a kernel (serving the bridge with that network), the rest do not answer. */
function pages(kernels: Record<string, GuestPorts>, others: string[] = [], opts: { transferStreams?: boolean } = {}) {
  const open = new Map<string, PageClient>();
  const offers: string[] = [];
  const add = (id: string, net?: GuestPorts): void => {
    open.set(id, {
      id,
      postMessage(msg: unknown, transfer: Transferable[]) {
        offers.push(id);
        if (net && (msg as { type?: string }).type === 'tabkernel-bridge') serveBridge(transfer[0] as MessagePort, net, opts);
      },
    });
  };
  for (const [id, net] of Object.entries(kernels)) add(id, net);
  for (const id of others) add(id);
  const clients: PageClients = {
    matchAll: async () => [...open.values()],
    get: async (id) => open.get(id),
  };
  return { clients, offers, open, add, close: (id: string) => open.delete(id) };
}

const FAST = { hello: 200, accept: 300 };

const hello = (guest: GuestSide): void => guest.send('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world');

function fieldsOf(headers: HeaderList): Record<string, string> {
  return Object.fromEntries(headers.map(([n, v]) => [n.toLowerCase(), v]));
}

describe('the HTTP bridge', () => {
  it('answers a GET of /port/N/… with the guest\'s response, isolated, and tells the guest where it is', async () => {
    let seen: RequestHead | null = null;
    const net = guestNet({ 8080: (g) => { seen = g.request; hello(g); } });
    const bridge = new PortBridge(pages({ tab: net }).clients, SCOPE, FAST);
    expect(bridge.portOf('http://page.test/port/8080/file?x=1')).toBe(8080);
    expect(bridge.portOf('http://page.test/portal/8080/')).toBeNull();
    expect(bridge.portOf('http://page.test/port/99999/')).toBeNull();
    const r = await bridge.respond(new Request('http://page.test/port/8080/dir/file.txt?x=1', { headers: { Accept: 'text/plain', Connection: 'keep-alive' } }));
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('hello world');
    expect(r.headers.get('content-type')).toBe('text/plain');
    expect(r.headers.get('content-length')).toBe('11');
    expect(r.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(r.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    const req = seen as unknown as RequestHead;
    expect([req.method, req.target, req.version]).toEqual(['GET', '/dir/file.txt?x=1', 'HTTP/1.1']);
    const f = fieldsOf(req.headers);
    expect(f).toMatchObject({
      host: 'localhost:8080', accept: 'text/plain', connection: 'close',
      'x-forwarded-host': 'page.test', 'x-forwarded-proto': 'http', 'x-forwarded-prefix': '/port/8080',
    });
    expect(f['content-length']).toBeUndefined();
  });

  it('carries a request body to the guest with its length', async () => {
    let got = '';
    const net = guestNet({ 3000: (g) => { got = `${g.request.method} ${fieldsOf(g.request.headers)['content-length']} ${g.body}`; g.send('HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n'); } });
    const bridge = new PortBridge(pages({ tab: net }).clients, SCOPE, FAST);
    const r = await bridge.respond(new Request('http://page.test/port/3000/items', { method: 'POST', body: 'name=x' }));
    expect([r.status, r.statusText]).toEqual([201, 'Created']);
    expect(await r.text()).toBe('');
    expect(got).toBe('POST 6 name=x');
  });

  for (const transferStreams of [true, false]) {
    it(`streams a chunked answer: the first piece is read before the guest has sent the rest (${transferStreams ? 'a transferred stream' : 'chunk messages'})`, async () => {
      let more: () => void = () => {};
      const sentFirst = new Promise<void>((resolve) => {
        more = resolve;
      });
      let rest: () => void = () => {};
      const net = guestNet({
        8080: async (g) => {
          g.send('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n');
          more();
          await new Promise<void>((resolve) => (rest = resolve));
          g.send('6\r\nsecond\r\n0\r\n\r\n');
        },
      });
      const bridge = new PortBridge(pages({ tab: net }, [], { transferStreams }).clients, SCOPE, FAST);
      const r = await bridge.respond(new Request('http://page.test/port/8080/stream'));
      await sentFirst;
      const reader = r.body!.getReader();
      expect(new TextDecoder().decode((await reader.read()).value)).toBe('first');
      rest();
      expect(new TextDecoder().decode((await reader.read()).value)).toBe('second');
      expect((await reader.read()).done).toBe(true);
      expect(r.headers.get('transfer-encoding')).toBeNull();
    });
  }

  it('fails the body\'s read, and nothing hangs, when the guest dies mid-answer', async () => {
    const net = guestNet({ 8080: (g) => { g.send('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial'); g.close(); } });
    const bridge = new PortBridge(pages({ tab: net }).clients, SCOPE, FAST);
    const r = await bridge.respond(new Request('http://page.test/port/8080/'));
    expect(r.status).toBe(200);
    await expect(r.text()).rejects.toThrow();
  });

  it('answers 502 naming the cause when the guest closes before answering or answers what is not HTTP', async () => {
    const net = guestNet({ 1: (g) => g.close(), 2: (g) => { g.send('SSH-2.0-x\r\n\r\n'); g.close(); } });
    const bridge = new PortBridge(pages({ tab: net }).clients, SCOPE, FAST);
    const closed = await bridge.respond(new Request('http://page.test/port/1/'));
    expect(closed.status).toBe(502);
    expect(await closed.text()).toContain('the connection closed before a response');
    const garbled = await bridge.respond(new Request('http://page.test/port/2/'));
    expect(garbled.status).toBe(502);
    expect(await garbled.text()).toContain('not an HTTP/1.1 status line');
  });

  it('answers 502 listing the ports that have a listener when nobody listens on N', async () => {
    const net = guestNet({ 8080: hello, 3000: hello });
    const bridge = new PortBridge(pages({ tab: net }).clients, SCOPE, FAST);
    const r = await bridge.respond(new Request('http://page.test/port/9999/'));
    expect(r.status).toBe(502);
    expect(r.headers.get('x-tabkernel-listening')).toBe('3000,8080');
    expect(r.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    const html = await r.text();
    expect(html).toContain('Nothing listens on port 9999');
    expect(html).toContain('<a href="../3000/">port 3000</a>');
    expect(net.connections).toBe(0);
  });

  it('answers 502 when no open page hosts a kernel', async () => {
    const p = pages({}, ['guest-frame']);
    const r = await new PortBridge(p.clients, SCOPE, FAST).respond(new Request('http://page.test/port/8080/'));
    expect(r.status).toBe(502);
    expect(await r.text()).toContain('No tabkernel page is open');
    expect(p.offers).toEqual(['guest-frame']);
  });

  it('asks the pages once and keeps the kernels it found for the next requests', async () => {
    const p = pages({ tab: guestNet({ 8080: hello }) }, ['other']);
    const bridge = new PortBridge(p.clients, SCOPE, FAST);
    for (let i = 0; i < 3; i++) expect((await bridge.respond(new Request('http://page.test/port/8080/'))).status).toBe(200);
    expect(p.offers.sort()).toEqual(['other', 'tab']);
  });

  it('finds the kernels again after the service worker was stopped and started (a new bridge, nothing remembered)', async () => {
    const p = pages({ tab: guestNet({ 8080: hello }) });
    expect((await new PortBridge(p.clients, SCOPE, FAST).respond(new Request('http://page.test/port/8080/'))).status).toBe(200);
    const restarted = new PortBridge(p.clients, SCOPE, FAST);
    const r = await restarted.respond(new Request('http://page.test/port/8080/'));
    expect(await r.text()).toBe('hello world');
    expect(p.offers).toEqual(['tab', 'tab']);
  });

  it('drops the kernel of a page that was closed or reloaded and finds the new one', async () => {
    const p = pages({ tab: guestNet({ 8080: hello }) });
    const bridge = new PortBridge(p.clients, SCOPE, FAST);
    expect((await bridge.respond(new Request('http://page.test/port/8080/'))).status).toBe(200);
    // The page reloads: a new client with a new kernel; the old one is gone.
    p.close('tab');
    p.add('tab-reloaded', guestNet({ 8080: (g) => g.send('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nnew') }));
    expect(await (await bridge.respond(new Request('http://page.test/port/8080/'))).text()).toBe('new');
  });

  it('drops a kernel that does not acknowledge a request in time', async () => {
    const p = pages({});
    const bridge = new PortBridge(p.clients, SCOPE, FAST);
    // A page whose kernel said hello and then went silent (its worker ended).
    p.open.set('silent', {
      id: 'silent',
      postMessage(_msg: unknown, transfer: Transferable[]) {
        const port = transfer[0] as MessagePort;
        port.postMessage({ type: 'hello' });
      },
    });
    const r = await bridge.respond(new Request('http://page.test/port/8080/'));
    expect(r.status).toBe(502);
    expect(await r.text()).toContain('No tabkernel page is open');
  });

  it('with two kernel pages, goes to the one whose kernel listens on N', async () => {
    const p = pages({ first: guestNet({ 3000: hello }), second: guestNet({ 8080: (g) => g.send('HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond') }) });
    const bridge = new PortBridge(p.clients, SCOPE, { hello: 500, accept: 500 });
    expect(await (await bridge.respond(new Request('http://page.test/port/8080/'))).text()).toBe('second');
    expect(await (await bridge.respond(new Request('http://page.test/port/3000/'))).text()).toBe('hello world');
    const none = await bridge.respond(new Request('http://page.test/port/1234/'));
    expect(none.headers.get('x-tabkernel-listening')).toBe('3000,8080');
  });

  it('keeps the guest\'s redirects on the bridge and sends /port/N to /port/N/', async () => {
    const net = guestNet({ 8080: (g) => g.send('HTTP/1.1 302 Found\r\nLocation: /login?next=%2F\r\nContent-Length: 0\r\n\r\n') });
    const bridge = new PortBridge(pages({ tab: net }).clients, SCOPE, FAST);
    const r = await bridge.respond(new Request('http://page.test/port/8080/private', { redirect: 'manual' }));
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe('/port/8080/login?next=%2F');
    const bare = await bridge.respond(new Request('http://page.test/port/8080?q=1'));
    expect([bare.status, bare.headers.get('location')]).toEqual([308, 'http://page.test/port/8080/?q=1']);
    expect(underPrefix('http://localhost:8080/a', 8080, '/port/8080')).toBe('/port/8080/a');
    expect(underPrefix('http://127.0.0.1:8080', 8080, '/port/8080')).toBe('/port/8080/');
    expect(underPrefix('http://localhost:9090/a', 8080, '/port/8080')).toBe('http://localhost:9090/a');
    expect(underPrefix('//cdn.test/a', 8080, '/port/8080')).toBe('//cdn.test/a');
  });

  it('closes the guest connection when the reader cancels the body', async () => {
    let hostClosed: Promise<void> = Promise.resolve();
    const net = guestNet({
      8080: (g) => {
        hostClosed = g.hostClosed;
        g.send('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n');
      },
    });
    const bridge = new PortBridge(pages({ tab: net }).clients, SCOPE, FAST);
    const r = await bridge.respond(new Request('http://page.test/port/8080/'));
    const reader = r.body!.getReader();
    await reader.read();
    await reader.cancel();
    await hostClosed;
  });
});
