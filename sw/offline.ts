// The service worker's copy of the page, so that a page that loaded once boots
// with the network off — and boots faster with it on. Two caches:
//  - the precache: every file a build made (the page, its scripts and workers,
//    rootfs.json and the root image's pack), listed in the service worker
//    itself by the build (sw/build.ts), fetched at install and served from
//    the cache first. The list's version is a hash of the files: a new build
//    is a new service worker (the browser compares its bytes), whose install
//    fills a new precache and whose activation deletes the old one;
//  - the runtime cache: every other same-origin GET (the dev server's modules,
//    the policy files beside the page), served from the network first, the
//    copy kept for when the network fails. 404s are kept too: "no policy
//    here" is an answer worth having offline.
// Not cached: the registry proxy's answers (pulled images live in the
// IndexedDB store: kernel/host/browser/blobstore.ts), /port/N/ (the bridge:
// bridge.ts), other origins and non-GET requests: those pass through untouched.
// Everything this file answers carries the isolation headers (isolation.ts).
// Spec: Service Workers, "Cache Objects" and the install/activate lifecycle.
import { PRECACHE_PREFIX } from '../kernel/host/browser/precache.js';
import { isolated } from './isolation.js';

/** What a build lists for the service worker to precache (sw/build.ts); paths relative to the scope. */
export interface Precache {
  version: string;
  files: string[];
}

/** Fetched at install beside the precache, best effort (a failure does not fail the install); then network first. */
export const INSTALL_EXTRAS = ['policy.json', 'tabkernel-capabilities.json'];

/** Paths under the scope that are never cached. */
const PASS_THROUGH = ['registry/', 'port/'];

const RUNTIME_CACHE = 'tabkernel-runtime';

export class OfflineCache {
  /** Absolute URLs of the precached files; the page itself also under the scope's own URL. */
  private readonly precached = new Set<string>();
  private readonly precacheName: string;
  /** The caches opened, once per life of the service worker (each open is a trip to the storage). */
  private readonly opened = new Map<string, Promise<Cache>>();

  /** `scope`: the service worker's scope URL (the page's base), ending in '/'. */
  constructor(
    private readonly caches: CacheStorage,
    private readonly scope: string,
    private readonly precache: Precache,
    // Called as a method of this object, fetch itself would throw "Illegal invocation".
    private readonly fetchFn: typeof fetch = (input, init) => fetch(input, init),
  ) {
    this.precacheName = PRECACHE_PREFIX + precache.version;
    for (const f of precache.files) this.precached.add(new URL(f, scope).href);
  }

  private open(name: string): Promise<Cache> {
    let cache = this.opened.get(name);
    if (!cache) this.opened.set(name, (cache = this.caches.open(name)));
    return cache;
  }

  /** Install: fetch every precached file (all or nothing), then the extras (best effort). */
  async install(): Promise<void> {
    const cache = await this.open(this.precacheName);
    // Revalidated, so that a file the HTTP cache holds from an older build is not taken for this one.
    await Promise.all([...this.precached].map(async (url) => {
      const r = await this.fetchFn(url, { cache: 'no-cache' });
      if (!r.ok) throw new Error(`service worker: precaching ${url}: HTTP ${r.status}`);
      await cache.put(url, r);
    }));
    const runtime = await this.open(RUNTIME_CACHE);
    await Promise.all(INSTALL_EXTRAS.map(async (f) => {
      const url = new URL(f, this.scope).href;
      try {
        const r = await this.fetchFn(url, { cache: 'no-cache' });
        if (keepable(r)) await runtime.put(url, r);
      } catch {
        // Offline at install, or no such file: the page does without.
      }
    }));
  }

  /** Activate: delete the precaches of other versions. */
  async activate(): Promise<void> {
    for (const name of await this.caches.keys()) {
      if (name.startsWith(PRECACHE_PREFIX) && name !== this.precacheName) await this.caches.delete(name);
    }
  }

  /** Whether `request` is one this cache answers (else it goes to the network untouched). */
  handles(request: Request): boolean {
    if (request.method !== 'GET' || !request.url.startsWith(this.scope)) return false;
    const rest = request.url.slice(this.scope.length);
    return !PASS_THROUGH.some((p) => rest.startsWith(p));
  }

  /**
   * The answer to a request handles() accepted. Keeping a copy goes on after
   * the answer, through `waitUntil` (the fetch event's, which keeps the
   * service worker alive for it).
   */
  async respond(request: Request, waitUntil: (work: Promise<unknown>) => void = () => {}): Promise<Response> {
    const key = this.key(request);
    if (this.precached.has(key)) {
      const hit = await (await this.open(this.precacheName)).match(key);
      if (hit) return isolated(hit);
    }
    return isolated(await this.networkFirst(request, key, waitUntil));
  }

  /** The cache key: navigations ignore the query (`/?image=REF` is the page at `/`). */
  private key(request: Request): string {
    const url = new URL(request.url);
    if (request.mode === 'navigate') url.search = '';
    url.hash = '';
    return url.href;
  }

  private async networkFirst(request: Request, key: string, waitUntil: (work: Promise<unknown>) => void): Promise<Response> {
    const runtime = await this.open(RUNTIME_CACHE);
    let response: Response;
    try {
      response = await this.fetchFn(request);
    } catch (e) {
      const copy = (await runtime.match(request)) ?? (await runtime.match(key)) ?? (await this.fromPrecache(key));
      if (copy) return copy;
      throw e;
    }
    if (keepable(response)) waitUntil(runtime.put(request.mode === 'navigate' ? key : request, response.clone()).catch(() => {}));
    return response;
  }

  private async fromPrecache(key: string): Promise<Response | undefined> {
    return (await this.open(this.precacheName)).match(key);
  }
}

/** A same-origin answer worth keeping: a success, or a 404 (not partial content, not an error page). */
function keepable(r: Response): boolean {
  return (r.type === 'basic' || r.type === 'default') && (r.status === 200 || r.status === 404);
}
