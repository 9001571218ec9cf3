// The page's way out: a guest's HTTP conversation carried by the browser's
// fetch (here a scripted one), and the policy's say over it (the kernel's
// side — refusals, ECONNREFUSED — is kernel/net's; the page's is test/e2e's
// cases/outbound.js).
import { describe, expect, it } from 'vitest';
import { parseCapabilities } from '../../policy/capabilities.js';
import { BUILT_IN_SIGNATURE_POLICY, Policy } from '../../policy/policy.js';
import type { HostConnection } from '../../net/hostconn.js';
import { pump } from '../../net/pump.js';
import { header, HttpReader } from './http1.js';
import { originFor, PageNet } from './outbound.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function policyWith(network: string[]): Policy {
  const caps = parseCapabilities(JSON.stringify({ programs: { network } }), 'caps.json');
  if (caps instanceof Error) throw caps;
  return new Policy(BUILT_IN_SIGNATURE_POLICY, caps, { capabilities: 'http://page.test/tabkernel-capabilities.json' });
}

interface Fetched {
  url: string;
  init: RequestInit;
  body: string;
}

/** A fetch answering with `answer(url, init)`, recording what it was asked. */
function scriptedFetch(answer: (url: string, init: RequestInit) => Response | Promise<Response>) {
  const asked: Fetched[] = [];
  const fetchFn = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = String(input);
    const body = init.body ? new TextDecoder().decode(init.body as Uint8Array) : '';
    asked.push({ url, init, body });
    return answer(url, init);
  }) as typeof fetch;
  return { fetchFn, asked };
}

/** Write `request` as the guest would and read back every response until the connection ends. */
async function converse(conn: HostConnection, request: string): Promise<Array<{ status: number; headers: Array<[string, string]>; body: string }>> {
  await conn.write(enc(request));
  const reader = new HttpReader(conn);
  const out = [];
  const methods = [...request.matchAll(/^([A-Z]+) \S+ HTTP\/1\.1\r$/gm)].map((m) => m[1]);
  for (const method of methods.length > 0 ? methods : ['GET']) {
    let head;
    try {
      head = await reader.readResponseHead(method);
    } catch {
      break;
    }
    let body = '';
    for (let p = await reader.nextBody(); p !== null; p = await reader.nextBody()) body += new TextDecoder().decode(p);
    out.push({ status: head.status, headers: head.headers, body });
  }
  expect(await conn.read()).toBeNull();
  return out;
}

const net = (fetchFn: typeof fetch, policy: Policy | Error = policyWith(['*'])): PageNet => new PageNet(() => policy, () => {}, fetchFn);

/** A fetch that never answers, and the signal it was last given. */
function hangingFetch(): { fetchFn: typeof fetch; signal: () => AbortSignal | undefined } {
  let signal: AbortSignal | undefined;
  const fetchFn = ((_: RequestInfo | URL, init: RequestInit = {}) => {
    signal = init.signal ?? undefined;
    return new Promise<Response>(() => {});
  }) as typeof fetch;
  return { fetchFn, signal: () => signal };
}

describe("the page's way out", () => {
  it('grants nothing by default, what the capabilities grant, and nothing when the policy failed to load', () => {
    const builtIn = new PageNet(() => Policy.builtIn(), () => {}).allows(null, 'example.com', 80);
    expect(builtIn).toEqual({ allowed: false, rule: '"programs" network [] (the built-in capabilities)' });
    const granted = new PageNet(() => policyWith(['example.com']), () => {});
    expect(granted.allows(null, 'example.com', 80).allowed).toBe(true);
    expect(granted.allows(null, 'example.com').allowed).toBe(true);
    expect(granted.allows(null, 'other.com', 80)).toEqual({ allowed: false, rule: '"programs" network ["example.com"] (http://page.test/tabkernel-capabilities.json)' });
    expect(new PageNet(() => new Error('policy.json: bad JSON'), () => {}).allows(null, 'example.com', 80))
      .toEqual({ allowed: false, rule: "the page's policy did not load: policy.json: bad JSON" });
  });

  it('gives each name a stand-in address and fetches from the name when it is connected to', async () => {
    const { fetchFn, asked } = scriptedFetch(() => new Response('hi'));
    const n = net(fetchFn);
    const [a] = await n.lookup('example.com');
    const [b] = await n.lookup('api.example.com');
    expect(a).toMatch(/^198\.1[89]\.\d+\.\d+$/);
    expect(b).not.toBe(a);
    expect(await n.lookup('example.com')).toEqual([a]);
    await converse(await n.connect(a, 8080), 'GET /x HTTP/1.1\r\nHost: example.com:8080\r\nConnection: close\r\n\r\n');
    expect(asked[0].url).toBe('http://example.com:8080/x');
  });

  it('fetches the request with its method, path, headers and body, and answers with the status, headers and a chunked body', async () => {
    const { fetchFn, asked } = scriptedFetch(() => new Response('created!', {
      status: 201, statusText: 'Created', headers: { 'Content-Type': 'text/plain', 'X-Id': '7', 'Content-Encoding': 'gzip', 'Content-Length': '99' },
    }));
    const conn = await net(fetchFn).connect('203.0.113.5', 80);
    const [res] = await converse(conn, 'POST /items?a=1 HTTP/1.1\r\nHost: 203.0.113.5\r\nUser-Agent: tabkernel-fetch\r\nX-Token: t\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello');
    expect(asked).toHaveLength(1);
    const { url, init, body } = asked[0];
    expect([url, init.method, body, init.credentials, init.redirect]).toEqual(['http://203.0.113.5/items?a=1', 'POST', 'hello', 'omit', 'follow']);
    const sent = init.headers as Headers;
    expect([sent.get('x-token'), sent.get('user-agent'), sent.get('host'), sent.get('connection'), sent.get('content-length')]).toEqual(['t', 'tabkernel-fetch', null, null, null]);
    expect(res.status).toBe(201);
    expect(res.body).toBe('created!');
    expect(header(res.headers, 'x-id')).toBe('7');
    expect(header(res.headers, 'transfer-encoding')).toBe('chunked');
    // The browser decoded the body: its coding and length are not the guest's.
    expect(header(res.headers, 'content-encoding')).toBeUndefined();
    expect(header(res.headers, 'content-length')).toBeUndefined();
  });

  it('uses https on port 443 and http with the port elsewhere', async () => {
    expect(originFor('example.com', 443)).toBe('https://example.com');
    expect(originFor('example.com', 80)).toBe('http://example.com');
    expect(originFor('example.com', 8080)).toBe('http://example.com:8080');
    expect(originFor('2001:db8::1', 8080)).toBe('http://[2001:db8::1]:8080');
  });

  it('answers requests one after another on a kept-alive connection, and HEAD without a body', async () => {
    const { fetchFn, asked } = scriptedFetch((url) => new Response(url.endsWith('/a') ? 'first' : 'second'));
    const conn = await net(fetchFn).connect('example.com', 80);
    const got = await converse(conn, 'GET /a HTTP/1.1\r\nHost: x\r\n\r\nHEAD /b HTTP/1.1\r\nHost: x\r\n\r\nGET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(got.map((r) => [r.status, r.body])).toEqual([[200, 'first'], [200, ''], [200, 'second']]);
    expect(asked.map((a) => a.init.method)).toEqual(['GET', 'HEAD', 'GET']);
  });

  it('answers 502 naming CORS when the browser cannot fetch', async () => {
    const lines: string[] = [];
    const fetchFn = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    const conn = await new PageNet(() => policyWith(['*']), (l) => lines.push(l), fetchFn).connect('example.com', 80);
    const [res] = await converse(conn, 'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n');
    expect(res.status).toBe(502);
    expect(res.body).toContain("tabkernel: the browser's fetch of http://example.com/ failed: Failed to fetch");
    expect(res.body).toContain('Access-Control-Allow-Origin');
    expect(lines[0]).toMatch(/^tabkernel: page network: /);
  });

  it('answers 400 to bytes that are not an HTTP request, and to a request for another host', async () => {
    const { fetchFn, asked } = scriptedFetch(() => new Response('no'));
    const [garbage] = await converse(await net(fetchFn).connect('example.com', 25), 'EHLO mail.example.com\r\n\r\n');
    expect(garbage.status).toBe(400);
    expect(garbage.body).toContain('only HTTP/1.1 requests can leave a page');
    const [other] = await converse(await net(fetchFn).connect('example.com', 80), 'GET http://evil.test/ HTTP/1.1\r\nHost: evil.test\r\n\r\n');
    expect(other.status).toBe(400);
    expect(other.body).toContain('a request for http://evil.test on a connection to http://example.com');
    expect(asked).toEqual([]);
  });

  it('refuses the answer of a redirect to another host (the policy granted only the first)', async () => {
    const redirected = (to: string): Response => {
      const r = new Response('moved');
      Object.defineProperty(r, 'redirected', { value: true });
      Object.defineProperty(r, 'url', { value: to });
      return r;
    };
    const { fetchFn } = scriptedFetch((url) => redirected(url.includes('/away') ? 'http://elsewhere.test/' : 'https://example.com/home'));
    const n = net(fetchFn);
    const [same] = await converse(await n.connect('example.com', 80), 'GET /home HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n');
    expect([same.status, same.body]).toEqual([200, 'moved']);
    const [away] = await converse(await n.connect('example.com', 80), 'GET /away HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n');
    expect(away.status).toBe(502);
    expect(away.body).toContain('redirected to http://elsewhere.test/');
  });

  it('aborts the fetch when the guest closes the connection', async () => {
    const { fetchFn, signal } = hangingFetch();
    const conn = await net(fetchFn).connect('example.com', 80);
    await conn.write(enc('GET /slow HTTP/1.1\r\nHost: example.com\r\n\r\n'));
    await new Promise((r) => setTimeout(r, 10));
    conn.close();
    expect(signal()?.aborted).toBe(true);
    expect(await conn.read()).toBeNull();
    await expect(conn.write(enc('x'))).rejects.toThrow('EPIPE');
  });

  it('is closed, not called as a reset, when the pump between it and the guest fails (regression: `e.abort is not a function`)', async () => {
    const { fetchFn, signal } = hangingFetch();
    const conn = await net(fetchFn).connect('example.com', 80);
    // The guest's end fails at once: pump resets both sides (abort() where a side has it).
    const guest: HostConnection = {
      read: () => Promise.reject(new Error('reset')),
      write: async () => {},
      end: () => {},
      close: () => {},
    };
    await conn.write(enc('GET /slow HTTP/1.1\r\nHost: example.com\r\n\r\n'));
    await new Promise((r) => setTimeout(r, 10));
    await pump(guest, conn);
    expect(signal()?.aborted).toBe(true);
    await expect(conn.write(enc('x'))).rejects.toThrow('EPIPE');
  });
});
