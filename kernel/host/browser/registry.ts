// The browser side of pulling images: SHA-256 from hash-wasm (an incremental
// hash in WebAssembly; WebCrypto's digest is one-shot, so a layer would be
// held whole just to hash it) and the worker's fetch. The page's fetch cannot
// hand a redirect over (it would be opaque), so it follows redirects itself;
// the Fetch standard drops Authorization on a cross-origin redirect, the rule
// kernel/image/registry.ts applies when it follows them. The built-in images
// (image/builtin.ts) are a registry of their own: their layouts' files beside
// the page (images/NAME/, vite.config.ts), each streamed as it arrives. The
// IndexedDB blob store is its own file.
import { createSHA256 } from 'hash-wasm';
import { BUILTIN_REGISTRY, layoutFetch, routeBuiltin, type LayoutReader } from '../../image/builtin.js';
import type { Sha256, Sha256Factory } from '../../image/digest.js';
import { apiHost } from '../../image/reference.js';
import { isLoopback, RegistryClient, type Fetch, type RegistryOptions } from '../../image/registry.js';

/** hash-wasm's SHA-256 (≈260 MB/s in Node here; each call makes a fresh instance). */
export const browserSha256: Sha256Factory = async (): Promise<Sha256> => {
  const h = await createSHA256();
  h.init();
  return {
    update: (data) => void h.update(data),
    hex: () => h.digest('hex'),
  };
};

/** The worker's fetch, following redirects itself (see above). */
export const browserFetch: Fetch = (url, init) => fetch(url, { ...init, redirect: 'follow' });

/** A registry client for the page: anonymous unless given credentials; `baseUrl` may route through the proxy. */
export function browserRegistry(opts: Partial<RegistryOptions> = {}): RegistryClient {
  return new RegistryClient({ fetch: browserFetch, sha256: browserSha256, ...opts });
}

/** How the page reaches a registry (see the header). */
export type Route = 'direct' | 'proxy';

/** The path of the proxy, under the page's origin. */
export const PROXY_PATH = '/registry/';

/** DIRECT if `registry` answers a simple GET /v2/ with 200 and CORS, PROXY otherwise. */
export async function chooseRoute(registry: string, fetchFn: typeof fetch = fetch): Promise<Route> {
  const scheme = isLoopback(registry) ? 'http' : 'https';
  try {
    const res = await fetchFn(`${scheme}://${apiHost(registry)}/v2/`, { cache: 'no-store', credentials: 'omit' });
    await res.body?.cancel();
    return res.status === 200 ? 'direct' : 'proxy';
  } catch {
    return 'proxy'; // no CORS, or nothing there: the proxy will say which
  }
}

/**
 * The page's registry client on `route`. Through the proxy every registry is
 * reached at ORIGIN/registry/HOST, and plain HTTP to the page's own origin is
 * as safe as the page itself.
 */
export function pageRegistry(route: Route, origin: string): RegistryClient {
  if (route === 'direct') return browserRegistry();
  const page = new URL(origin);
  return browserRegistry({
    baseUrl: (host) => `${page.origin}${PROXY_PATH}${host}`,
    insecure: page.protocol === 'http:' ? [page.host] : [],
  });
}

/** Files of the built-in images' layouts at `base` (beside the page, ending in `/`), each streamed as it arrives. */
export function pageLayoutReader(base: string, fetchFn: typeof fetch = fetch): LayoutReader {
  return async (rel) => {
    const r = await fetchFn(new URL(rel, base), { cache: 'no-cache' });
    if (r.status === 404) {
      await r.body?.cancel();
      return undefined;
    }
    if (!r.ok || !r.body) throw new Error(`built-in image file ${rel}: HTTP ${r.status}`);
    // A compressed response's Content-Length is not the file's.
    const length = r.headers.get('content-encoding') ? null : r.headers.get('content-length');
    return { size: length === null ? undefined : Number(length), body: r.body };
  };
}

/**
 * The page's client for registry `host`: for the built-in registry, the
 * layouts at `builtinImages` (routeBuiltin, the rule the CLI follows too);
 * for any other, the registry directly or through the proxy (chooseRoute).
 */
export async function pageRegistryFor(host: string, origin: string, builtinImages: string | undefined, fetchFn: typeof fetch = fetch): Promise<RegistryClient> {
  if (host !== BUILTIN_REGISTRY) return pageRegistry(await chooseRoute(host, fetchFn), origin);
  if (builtinImages === undefined) throw new Error('this page serves no built-in images');
  return browserRegistry({ fetch: routeBuiltin(layoutFetch(pageLayoutReader(builtinImages, fetchFn)), browserFetch) });
}
