// The page's registry proxy (kernel/host/node/registry-proxy.ts) against
// Debian's docker-registry: the page's registry client (browserRegistry's
// code, with Node's fetch) pulls through it into the IndexedDB store
// (fake-indexeddb) — anonymously, with token auth whose credentials only
// the proxy knows and blobs behind a 307 to another host, and with Basic
// auth — and it refuses what it must refuse (hosts off its allowlist or the
// capabilities' registries among them).
import 'fake-indexeddb/auto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdbBlobStore } from '../../kernel/host/browser/blobstore.js';
import { browserSha256 } from '../../kernel/host/browser/registry.js';
import { registryProxy } from '../../kernel/host/node/registry-proxy.js';
import { pull } from '../../kernel/image/pull.js';
import { RegistryClient, type Fetch } from '../../kernel/image/registry.js';
import { buildImage, freePort, startRegistry, type TestRegistry } from '../support/registry.js';

let dir: string;
let layout: string;
const env: NodeJS.ProcessEnv = {};
let proxy: http.Server;
let proxyUrl: string;
const registries: TestRegistry[] = [];
let dbs = 0;

/** What the page's client sent and got back, to check that no password reaches it. */
interface Seen { url: string; authorization?: string; status: number; challenge: string | null }

/** The page's registry client: Node's fetch following redirects as a browser's does, every registry through the proxy. */
function pageClient(seen: Seen[] = []): RegistryClient {
  const f: Fetch = async (url, init) => {
    const res = await fetch(url, { ...init, redirect: 'follow' });
    seen.push({ url, authorization: init.headers.authorization, status: res.status, challenge: res.headers.get('www-authenticate') });
    return res;
  };
  return new RegistryClient({ fetch: f, sha256: browserSha256, baseUrl: (host) => `${proxyUrl}/registry/${host}` });
}

async function pushed(opts: Parameters<typeof startRegistry>[0]): Promise<TestRegistry> {
  const reg = await startRegistry(opts);
  registries.push(reg);
  await reg.pushLayout(layout, 'app', 'tk/app:1');
  return reg;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-proxy-'));
  layout = buildImage(dir, 'app', { files: { '/app/data': 'x'.repeat(100_000), '/etc/hello': 'hello\n' }, cmd: ['/bin/sh'] });
  // One middleware for the whole server, as Vite mounts it (it remembers the realms announced).
  const mw = registryProxy({ env });
  proxy = http.createServer((req, res) => mw(req, res, () => res.writeHead(404).end()));
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await Promise.all(registries.map((r) => r.stop()));
  proxy?.closeAllConnections();
  await new Promise((r) => proxy?.close(r));
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the registry proxy', () => {
  it('pulls an image from an anonymous registry into the IndexedDB store', async () => {
    const reg = await pushed({});
    const store = await IdbBlobStore.open(`proxy-${dbs++}`);
    const img = await pull(`${reg.host}/tk/app:1`, { registry: pageClient(), store, sha256: browserSha256 });
    expect(img.layers).toHaveLength(2);
    for (const l of img.layers) expect(await store.has(l.digest)).toBe(true);
    store.close();
  }, 60_000);

  it('pulls from a token-auth registry with blobs behind a 307: the server has the credentials, the page only tokens', async () => {
    const reg = await pushed({ auth: 'token', redirect: true });
    env.REGISTRY_AUTH_FILE = reg.writeAuthFile(path.join(dir, 'auth.json'));
    const seen: Seen[] = [];
    const store = await IdbBlobStore.open(`proxy-${dbs++}`);
    try {
      const img = await pull(`${reg.host}/tk/app:1`, { registry: pageClient(seen), store, sha256: browserSha256 });
      expect(img.layers).toHaveLength(2);
    } finally {
      delete env.REGISTRY_AUTH_FILE;
      store.close();
    }
    // The page asked the proxy's token path; the proxy asked the issuer with the user's password.
    expect(seen.some((s) => s.challenge?.includes(`realm="${proxyUrl}/registry/${reg.host}/-/token?realm=`))).toBe(true);
    expect(seen.filter((s) => s.url.includes('/-/token?')).length).toBeGreaterThan(0);
    expect(seen.every((s) => !s.authorization?.startsWith('Basic'))).toBe(true);
    expect(reg.tokenRequests.some((r) => r.headers.authorization === `Basic ${Buffer.from('tk:tkpass').toString('base64')}`)).toBe(true);
    // Blobs came from the blob server, which never saw an Authorization header.
    expect(reg.blobRequests.length).toBeGreaterThanOrEqual(2);
    expect(reg.blobRequests.every((r) => r.headers.authorization === undefined)).toBe(true);
  }, 60_000);

  it("answers a Basic challenge with the server's credentials", async () => {
    const reg = await pushed({ auth: 'htpasswd' });
    env.REGISTRY_AUTH_FILE = reg.writeAuthFile(path.join(dir, 'auth-basic.json'));
    const seen: Seen[] = [];
    const store = await IdbBlobStore.open(`proxy-${dbs++}`);
    try {
      await pull(`${reg.host}/tk/app:1`, { registry: pageClient(seen), store, sha256: browserSha256 });
    } finally {
      delete env.REGISTRY_AUTH_FILE;
      store.close();
    }
    expect(seen.every((s) => s.status !== 401 && s.authorization === undefined)).toBe(true);
  }, 60_000);

  it('without server credentials a token registry refuses the anonymous page', async () => {
    const reg = registries.find((r) => r.tokenRequests.length > 0)!;
    const store = await IdbBlobStore.open(`proxy-${dbs++}`);
    await expect(pull(`${reg.host}/tk/app:1`, { registry: pageClient(), store, sha256: browserSha256 })).rejects.toThrow(/401|UNAUTHORIZED|denied/i);
    store.close();
  }, 60_000);

  it('refuses hosts off the allowlist, realms the upstream never announced, other paths and methods', async () => {
    const get = async (p: string, method = 'GET') => {
      const res = await fetch(`${proxyUrl}${p}`, { method });
      return { status: res.status, text: await res.text() };
    };
    expect(await get('/registry/example.com/v2/')).toMatchObject({ status: 403, text: expect.stringContaining('example.com is not an allowed upstream') });
    expect(await get(`/registry/127.0.0.1:1/-/token?realm=${encodeURIComponent('http://127.0.0.1:1/steal')}`)).toMatchObject({ status: 403 });
    expect((await get('/registry/127.0.0.1:1/etc/passwd')).status).toBe(404);
    expect((await get('/registry/127.0.0.1:1/v2/', 'POST')).status).toBe(405);
  });

  it('refuses registries the capabilities in force do not list (tabkernel-capabilities.json "registries")', async () => {
    const caps = path.join(dir, 'tabkernel-capabilities.json');
    fs.writeFileSync(caps, JSON.stringify({ registries: ['ghcr.io'] }));
    env.TABKERNEL_CAPABILITIES = caps;
    try {
      const res = await fetch(`${proxyUrl}/registry/127.0.0.1:1/v2/`);
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ errors: [{ code: 'DENIED', message: `registry proxy: policy: images may not be pulled from 127.0.0.1:1: "registries" ["ghcr.io"] (${caps})` }] });
      fs.writeFileSync(caps, JSON.stringify({ registries: ['loopback'] }));
      expect((await fetch(`${proxyUrl}/registry/127.0.0.1:1/v2/`)).status).toBe(502); // allowed: on to the (absent) upstream
    } finally {
      delete env.TABKERNEL_CAPABILITIES;
    }
  });

  it('answers 502 with the reason when the upstream cannot be reached', async () => {
    const port = await freePort();
    const res = await fetch(`${proxyUrl}/registry/127.0.0.1:${port}/v2/`);
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({ errors: [{ code: 'UNREACHABLE', message: `registry proxy: cannot reach 127.0.0.1:${port} (ECONNREFUSED)` }] });
  });
});
