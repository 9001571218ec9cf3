// The registry client against a scripted fetch: transport choice, the
// challenge loop and redirects. The real registry is in
// test/integration/registry.test.ts.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Sha256Factory } from './digest.js';
import { isLoopback, RegistryClient, type Fetch, type FetchInit, type RegistryOptions } from './registry.js';

const sha256: Sha256Factory = async () => {
  const h = createHash('sha256');
  return { update: (d) => void h.update(d), hex: () => h.digest('hex') };
};
const digest = (s: string): string => `sha256:${createHash('sha256').update(s).digest('hex')}`;

type Handler = (url: URL, init: FetchInit) => Response;

/** A fetch that answers from `handler` and records every request. */
function scripted(handler: Handler): { fetch: Fetch; seen: Array<{ url: string; init: FetchInit }> } {
  const seen: Array<{ url: string; init: FetchInit }> = [];
  const fetch: Fetch = async (url, init) => {
    seen.push({ url, init: { ...init, headers: { ...init.headers } } });
    return handler(new URL(url), init);
  };
  return { fetch, seen };
}

function client(fetch: Fetch, more: Partial<RegistryOptions> = {}): RegistryClient {
  return new RegistryClient({ fetch, sha256, ...more });
}

const MANIFEST = '{"schemaVersion":2}';

function manifestResponse(body = MANIFEST, headers: Record<string, string> = {}): Response {
  return new Response(body, { status: 200, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': digest(body), ...headers } });
}

describe('transport', () => {
  it('knows loopback hosts: localhost, 127.0.0.0/8, ::1', () => {
    for (const h of ['localhost', 'localhost:5000', '127.0.0.1:5000', '127.8.9.10', '[::1]:5000', 'x.localhost']) expect(isLoopback(h)).toBe(true);
    for (const h of ['example.com', '10.0.0.1:5000', '128.0.0.1', '[::2]:5000', 'localhost.example.com']) expect(isLoopback(h)).toBe(false);
  });

  it('uses plain HTTP for loopback, HTTPS otherwise, HTTP for a host named insecure', async () => {
    const { fetch, seen } = scripted(() => manifestResponse());
    await client(fetch).manifest('127.0.0.1:5000', 'a', 'latest');
    await client(fetch).manifest('example.com', 'a', 'latest');
    await client(fetch).manifest('docker.io', 'library/a', 'latest');
    await client(fetch, { insecure: ['lab:5000'] }).manifest('lab:5000', 'a', 'latest');
    expect(seen.map((s) => s.url)).toEqual([
      'http://127.0.0.1:5000/v2/a/manifests/latest',
      'https://example.com/v2/a/manifests/latest',
      'https://registry-1.docker.io/v2/library/a/manifests/latest',
      'http://lab:5000/v2/a/manifests/latest',
    ]);
  });

  it('asks for OCI and Docker indexes and manifests', async () => {
    const { fetch, seen } = scripted(() => manifestResponse());
    await client(fetch).manifest('example.com', 'a', 'latest');
    const accept = seen[0].init.headers.accept;
    for (const t of ['application/vnd.oci.image.index.v1+json', 'application/vnd.oci.image.manifest.v1+json',
      'application/vnd.docker.distribution.manifest.list.v2+json', 'application/vnd.docker.distribution.manifest.v2+json']) {
      expect(accept).toContain(t);
    }
  });
});

describe('the challenge loop', () => {
  it('gets a token for the scope, reuses it, and fetches a new one when the registry refuses it', async () => {
    let issued = 0;
    let refuse = 'T1';
    const { fetch, seen } = scripted((url, init) => {
      if (url.host === 'auth.example.com') return Response.json({ token: `T${++issued}`, expires_in: 300 });
      const auth = init.headers.authorization;
      if (!auth || auth === `Bearer ${refuse}`) {
        return new Response(null, { status: 401, headers: { 'www-authenticate': 'Bearer realm="https://auth.example.com/token",service="reg",scope="repository:a:pull"' } });
      }
      return manifestResponse();
    });
    const c = client(fetch);
    await c.manifest('example.com', 'a', 'latest'); // 401, token T1 refused, token T2
    refuse = '';
    await c.manifest('example.com', 'a', 'latest'); // T2 reused
    const tokenCalls = seen.filter((s) => s.url.startsWith('https://auth.example.com/'));
    expect(tokenCalls).toHaveLength(2);
    expect(tokenCalls[0].url).toBe('https://auth.example.com/token?service=reg&scope=repository%3Aa%3Apull');
    expect(seen.at(-1)!.init.headers.authorization).toBe('Bearer T2');
  });

  it('sends Basic credentials from the lookup after a Basic challenge', async () => {
    const { fetch, seen } = scripted((_url, init) =>
      init.headers.authorization === `Basic ${Buffer.from('u:p').toString('base64')}`
        ? manifestResponse()
        : new Response(null, { status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } }));
    await client(fetch, { credentials: async () => ({ username: 'u', password: 'p' }) }).manifest('example.com', 'a', 'latest');
    expect(seen).toHaveLength(2);
  });

  it('does not send credentials to a token realm over plain HTTP on another host', async () => {
    const { fetch } = scripted((url) => url.host === 'example.com'
      ? new Response(null, { status: 401, headers: { 'www-authenticate': 'Bearer realm="http://auth.example.com/token"' } })
      : Response.json({ token: 'x' }));
    await expect(client(fetch, { credentials: async () => ({ username: 'u', password: 'p' }) }).manifest('example.com', 'a', 'latest'))
      .rejects.toThrow(/refusing http:\/\/auth.example.com/);
  });
});

describe('redirects', () => {
  it('drops Authorization when a redirect leaves the origin, keeps it on the same origin', async () => {
    const blob = 'layer bytes';
    const { fetch, seen } = scripted((url, init) => {
      if (!init.headers.authorization && url.host === 'example.com') {
        return new Response(null, { status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } });
      }
      if (url.pathname.startsWith('/v2/')) return new Response(null, { status: 307, headers: { location: '/moved' } });
      if (url.pathname === '/moved') return new Response(null, { status: 307, headers: { location: 'https://cdn.example.net/blob' } });
      return new Response(blob, { status: 200 });
    });
    const c = client(fetch, { credentials: async () => ({ username: 'u', password: 'p' }) });
    const chunks: Uint8Array[] = [];
    for await (const chunk of await c.blob('example.com', 'a', { digest: digest(blob), size: blob.length })) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString()).toBe(blob);
    const last3 = seen.slice(-3);
    expect(last3.map((s) => [s.url, s.init.headers.authorization !== undefined])).toEqual([
      ['https://example.com/v2/a/blobs/' + digest(blob), true],
      ['https://example.com/moved', true],
      ['https://cdn.example.net/blob', false],
    ]);
    expect(seen.every((s) => s.init.redirect === 'manual')).toBe(true);
  });

  it('refuses a redirect from HTTPS down to plain HTTP on a remote host', async () => {
    const { fetch } = scripted((url) => url.protocol === 'https:'
      ? new Response(null, { status: 302, headers: { location: 'http://cdn.example.net/x' } })
      : new Response('x'));
    await expect(client(fetch).blob('example.com', 'a', { digest: digest('x') })).rejects.toThrow(/refusing http:\/\/cdn.example.net/);
  });

  it('gives up after ten redirects', async () => {
    const { fetch } = scripted(() => new Response(null, { status: 302, headers: { location: '/again' } }));
    await expect(client(fetch).manifest('example.com', 'a', 'latest')).rejects.toThrow(/more than 10 redirects/);
  });
});

describe('verification', () => {
  it('refuses a manifest whose bytes do not hash to its Docker-Content-Digest', async () => {
    const other = digest('something else');
    const { fetch } = scripted(() => manifestResponse(MANIFEST, { 'docker-content-digest': other }));
    await expect(client(fetch).manifest('example.com', 'a', 'latest')).rejects.toThrow(new RegExp(`^${other}: manifest`));
  });

  it('refuses a manifest fetched by digest that hashes to another', async () => {
    const want = digest('x');
    const { fetch } = scripted(() => manifestResponse(MANIFEST, { 'docker-content-digest': want }));
    await expect(client(fetch).manifest('example.com', 'a', want)).rejects.toThrow(/hashes to/);
  });

  it('refuses a blob answer whose Content-Length contradicts the descriptor before reading it', async () => {
    const { fetch } = scripted(() => new Response('abc', { status: 200, headers: { 'content-length': '3' } }));
    await expect(client(fetch).blob('example.com', 'a', { digest: digest('abcd'), size: 4 })).rejects.toThrow(/answered with another blob \(3 bytes\)/);
  });

  it('names the OCI error code of a failed request', async () => {
    const { fetch } = scripted(() => Response.json({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }, { status: 404 }));
    await expect(client(fetch).manifest('example.com', 'a', 'nope')).rejects.toThrow('manifest example.com/a:nope not found: HTTP 404: MANIFEST_UNKNOWN manifest unknown');
  });
});

describe('send (the push side)', () => {
  it('sends Authorization to the registry’s own origin only, not to an upload Location on another host', async () => {
    const { fetch, seen } = scripted((url, init) => url.host === 'example.com' && !init.headers.authorization
      ? new Response(null, { status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } })
      : new Response(null, { status: 202 }));
    const c = client(fetch, { credentials: async () => ({ username: 'u', password: 'p' }) });
    await c.send('example.com', { method: 'POST', repository: 'a', target: '/v2/a/blobs/uploads/', scope: 'repository:a:pull,push' });
    await c.send('example.com', { method: 'PATCH', repository: 'a', target: 'https://storage.example.net/up/1', scope: 'repository:a:pull,push', body: new Uint8Array([1]) });
    expect(seen.map((s) => [s.url, s.init.headers.authorization !== undefined])).toEqual([
      ['https://example.com/v2/a/blobs/uploads/', false],
      ['https://example.com/v2/a/blobs/uploads/', true],
      ['https://storage.example.net/up/1', false],
    ]);
  });

  it('sends the body again after a 401 and through a 307, and does not follow a 302 with it', async () => {
    const { fetch, seen } = scripted((url, init) => {
      if (!init.headers.authorization) return new Response(null, { status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } });
      if (url.pathname === '/v2/a/manifests/1') return new Response(null, { status: 307, headers: { location: '/v2/a/manifests/moved' } });
      if (url.pathname === '/v2/a/manifests/moved') return new Response(null, { status: 201 });
      return new Response(null, { status: 302, headers: { location: '/elsewhere' } });
    });
    const c = client(fetch, { credentials: async () => ({ username: 'u', password: 'p' }) });
    const body = new TextEncoder().encode('{"schemaVersion":2}');
    const { res, url } = await c.send('example.com', { method: 'PUT', repository: 'a', target: '/v2/a/manifests/1', scope: 'repository:a:pull,push', body });
    expect([res.status, url]).toEqual([201, 'https://example.com/v2/a/manifests/moved']);
    expect(seen.map((s) => s.init.body?.length)).toEqual([body.length, body.length, body.length]);
    const other = await c.send('example.com', { method: 'PUT', repository: 'a', target: '/v2/a/other', scope: 'repository:a:pull,push', body });
    expect(other.res.status).toBe(302);
  });

  it('says a token without the push scope was denied, naming the user and the scope', async () => {
    const { fetch } = scripted((url) => url.host === 'auth.example.com'
      ? Response.json({ token: 'pull-only' })
      : new Response(null, { status: 401, headers: { 'www-authenticate': 'Bearer realm="https://auth.example.com/token",service="reg",scope="repository:a:pull,push",error="insufficient_scope"' } }));
    const c = client(fetch, { credentials: async () => ({ username: 'u', password: 'p' }) });
    await expect(c.send('example.com', { method: 'POST', repository: 'a', target: '/v2/a/blobs/uploads/', scope: 'repository:a:pull,push' }))
      .rejects.toThrow('example.com: denied: user "u" is not granted repository:a:pull,push (401 for POST /v2/a/blobs/uploads/)');
  });
});
