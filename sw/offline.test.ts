// The service worker's offline cache against an in-memory Cache Storage and a
// scripted network (a browser's own behaviour is test/e2e's: cases/offline.js).
import { describe, expect, it } from 'vitest';
import { OfflineCache, type Precache } from './offline.js';

const SCOPE = 'http://page.test/app/';

/** Cache Storage in memory: what OfflineCache uses of it (open, keys, delete; put and match). */
class MemoryCaches {
  readonly stores = new Map<string, Map<string, Response>>();

  async open(name: string): Promise<Cache> {
    let store = this.stores.get(name);
    if (!store) this.stores.set(name, (store = new Map()));
    const key = (r: RequestInfo | URL): string => (r instanceof Request ? r.url : String(r));
    const s = store;
    return {
      put: async (r: RequestInfo | URL, response: Response) => void s.set(key(r), response),
      match: async (r: RequestInfo | URL) => s.get(key(r))?.clone(),
    } as unknown as Cache;
  }

  async keys(): Promise<string[]> {
    return [...this.stores.keys()];
  }

  async delete(name: string): Promise<boolean> {
    return this.stores.delete(name);
  }
}

/** A network serving `files` by path (404 otherwise), or failing every request when `down`. */
function network(files: Record<string, string>) {
  const asked: Array<{ path: string; cache?: RequestCache }> = [];
  const net = {
    down: false,
    asked,
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : String(input);
      const path = new URL(url).pathname;
      asked.push({ path, cache: init?.cache });
      if (net.down) throw new TypeError('Failed to fetch');
      return path in files ? new Response(files[path], { status: 200 }) : new Response('not here', { status: 404 });
    }) as typeof fetch,
  };
  return net;
}

const BUILD: Precache = { version: 'v1', files: ['./', 'assets/main-abc.js', 'rootfs.json'] };
const FILES = { '/app/': '<html>page', '/app/assets/main-abc.js': 'main()', '/app/rootfs.json': '{}', '/app/policy.json': '{"default":[]}' };

/** A request as the page makes it; `navigate` as a navigation does (a Request cannot be built with that mode). */
function get(path: string, mode: RequestMode = 'cors', method = 'GET'): Request {
  if (mode !== 'navigate') return new Request(new URL(path, SCOPE), { method });
  return { url: new URL(path, SCOPE).href, method, mode } as Request;
}

async function installed(files = FILES, build = BUILD) {
  const caches = new MemoryCaches();
  const net = network(files);
  const cache = new OfflineCache(caches as unknown as CacheStorage, SCOPE, build, net.fetch);
  await cache.install();
  await cache.activate();
  net.asked.length = 0;
  return { caches, net, cache };
}

describe('the offline cache', () => {
  it('precaches every file of the build at install, revalidating each with the server', async () => {
    const caches = new MemoryCaches();
    const net = network(FILES);
    await new OfflineCache(caches as unknown as CacheStorage, SCOPE, BUILD, net.fetch).install();
    expect([...caches.stores.get('tabkernel-precache-v1')!.keys()].sort())
      .toEqual([SCOPE, `${SCOPE}assets/main-abc.js`, `${SCOPE}rootfs.json`]);
    expect(net.asked.filter((a) => a.cache !== 'no-cache')).toEqual([]);
    // The policy beside the page, best effort: this one is there; the capabilities file is a 404, kept as one.
    expect(await (await (await caches.open('tabkernel-runtime')).match(`${SCOPE}policy.json`))!.text()).toBe('{"default":[]}');
    expect((await (await caches.open('tabkernel-runtime')).match(`${SCOPE}tabkernel-capabilities.json`))!.status).toBe(404);
  });

  it('fails the install when a file of the build cannot be fetched', async () => {
    const { '/app/rootfs.json': _gone, ...rest } = FILES;
    const cache = new OfflineCache(new MemoryCaches() as unknown as CacheStorage, SCOPE, BUILD, network(rest).fetch);
    await expect(cache.install()).rejects.toThrow(`service worker: precaching ${SCOPE}rootfs.json: HTTP 404`);
  });

  it('serves a precached file from the cache, without the network, cross-origin isolated', async () => {
    const { net, cache } = await installed();
    const r = await cache.respond(get('assets/main-abc.js'));
    expect(await r.text()).toBe('main()');
    expect(r.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(r.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(net.asked).toEqual([]);
  });

  it('serves the page for a navigation with a query (?image=REF) from the precache', async () => {
    const { net, cache } = await installed();
    net.down = true;
    const r = await cache.respond(get('?image=alpine', 'navigate'));
    expect(await r.text()).toBe('<html>page');
    expect(r.headers.get('cross-origin-opener-policy')).toBe('same-origin');
  });

  it('takes anything else from the network first and keeps a copy for when the network fails', async () => {
    const files = { ...FILES, '/app/src/mod.ts': 'v1' };
    const { net, cache } = await installed(files);
    const kept: Array<Promise<unknown>> = [];
    const waitUntil = (work: Promise<unknown>): void => void kept.push(work);
    expect(await (await cache.respond(get('src/mod.ts'), waitUntil)).text()).toBe('v1');
    files['/app/src/mod.ts'] = 'v2';
    expect(await (await cache.respond(get('src/mod.ts'), waitUntil)).text()).toBe('v2');
    // The copies are kept after the answers, as the fetch event's waitUntil lets them.
    expect(kept).toHaveLength(2);
    await Promise.all(kept);
    net.down = true;
    const offline = await cache.respond(get('src/mod.ts'));
    expect(await offline.text()).toBe('v2');
    expect(offline.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    await expect(cache.respond(get('src/never-seen.ts'))).rejects.toThrow('Failed to fetch');
  });

  it('keeps a 404 as the answer for when the network fails (no policy file is an answer too)', async () => {
    const { net, cache } = await installed();
    const kept: Array<Promise<unknown>> = [];
    expect((await cache.respond(get('tabkernel-capabilities.json'), (w) => void kept.push(w))).status).toBe(404);
    await Promise.all(kept);
    net.down = true;
    expect((await cache.respond(get('tabkernel-capabilities.json'))).status).toBe(404);
  });

  it('leaves other origins, other methods, the registry proxy and /port/ to the network', async () => {
    const { cache } = await installed();
    expect(cache.handles(get('assets/main-abc.js'))).toBe(true);
    expect(cache.handles(get('assets/main-abc.js', 'cors', 'POST'))).toBe(false);
    expect(cache.handles(new Request('http://other.test/app/x.js'))).toBe(false);
    expect(cache.handles(get('registry/ghcr.io/v2/'))).toBe(false);
    expect(cache.handles(get('port/8080/'))).toBe(false);
    // The scope is /app/: /elsewhere is not this page's.
    expect(cache.handles(new Request('http://page.test/elsewhere'))).toBe(false);
  });

  it('drops the precache of an older build when a newer one activates, and keeps the runtime copies', async () => {
    const { caches, net } = await installed();
    const next = new OfflineCache(caches as unknown as CacheStorage, SCOPE, { ...BUILD, version: 'v2' }, net.fetch);
    await next.install();
    expect([...caches.stores.keys()].sort()).toEqual(['tabkernel-precache-v1', 'tabkernel-precache-v2', 'tabkernel-runtime']);
    await next.activate();
    expect([...caches.stores.keys()].sort()).toEqual(['tabkernel-precache-v2', 'tabkernel-runtime']);
  });
});
