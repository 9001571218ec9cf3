// The browser side of pulling images: SHA-256 from hash-wasm (an incremental
// hash in WebAssembly; WebCrypto's digest is one-shot, so a layer would be
// held whole just to hash it) and the worker's fetch. The page's fetch cannot
// hand a redirect over (it would be opaque), so it follows redirects itself;
// the Fetch standard drops Authorization on a cross-origin redirect, the rule
// kernel/image/registry.ts applies when it follows them. The IndexedDB blob
// store is its own file.
import { createSHA256 } from 'hash-wasm';
import type { Sha256, Sha256Factory } from '../../image/digest.js';
import { RegistryClient, type Fetch, type RegistryOptions } from '../../image/registry.js';

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
