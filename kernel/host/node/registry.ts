// The Node side of pulling images: fetch (Node's own, undici), SHA-256 from
// node:crypto, credentials from the auth files (credentials.ts) and the blob
// store directory (blobstore.ts), put together as the image code expects them
// (kernel/image/registry.ts, pull.ts). The built-in images (image/builtin.ts)
// answer from their OCI layouts under userland/images of this checkout.
import type * as NodeCrypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { layoutFetch, routeBuiltin, type LayoutFile } from '../../image/builtin.js';
import type { Sha256, Sha256Factory } from '../../image/digest.js';
import { RegistryClient, type Fetch } from '../../image/registry.js';
import { readCredentials } from './credentials.js';
import { lazyBuiltin } from './lazy.js';

const nodeCrypto = lazyBuiltin<typeof NodeCrypto>('node:crypto');

/** node:crypto's incremental SHA-256 (≈1.2 GB/s here). */
export const nodeSha256: Sha256Factory = async (): Promise<Sha256> => {
  const h = nodeCrypto.createHash('sha256');
  return {
    update: (data) => void h.update(data),
    hex: () => h.digest('hex'),
  };
};

/**
 * Node's fetch, which hands a redirect over as it is when asked to ('manual').
 * A push's body goes as a stream of its one array with its Content-Length:
 * given the array itself, undici copies it first (the Fetch standard's
 * "extract a body"), and for a push that is every byte once more, allocated
 * anew — in alternating runs of 40 PATCHes of 8 MiB to a local server, 541–784
 * ms of CPU as arrays against 322–392 as streams, most of the difference the
 * garbage collector's. Its TypeError says only "fetch failed", with the reason
 * as its cause: the error says where it could not go and why (still a
 * TypeError, as fetch's are).
 */
export const nodeFetch: Fetch = async (url, init) => {
  try {
    if (init.body === undefined) return await fetch(url, init);
    const bytes = init.body;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        if (bytes.length > 0) c.enqueue(bytes);
        c.close();
      },
    });
    const headers = { ...init.headers, 'content-length': String(bytes.length) };
    return await fetch(url, { ...init, headers, body, duplex: 'half' } as RequestInit);
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new TypeError(`cannot reach ${new URL(url).origin} (${cause?.code ?? cause?.message ?? e.message})`, { cause: e });
  }
};

export interface NodeRegistryOptions {
  /** Registries that may be reached over plain HTTP (loopback always may). */
  insecure?: readonly string[];
  /** The environment the auth files are found through (default process.env). */
  env?: NodeJS.ProcessEnv;
  fetch?: Fetch;
}

/** Where the built-in images' OCI layouts are: $TABKERNEL_IMAGES, or userland/images of this checkout. */
export function builtinImagesDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.TABKERNEL_IMAGES || fileURLToPath(new URL('../userland/images', import.meta.url));
}

/** The built-in images as a registry: files of their layouts, streamed from `dir`. */
export function builtinFetch(dir: string): Fetch {
  return layoutFetch(async (rel): Promise<LayoutFile | undefined> => {
    const file = path.join(dir, rel);
    try {
      const st = await fs.promises.stat(file);
      if (!st.isFile()) return undefined;
      return { size: st.size, body: Readable.toWeb(fs.createReadStream(file)) as ReadableStream<Uint8Array> };
    } catch {
      return undefined;
    }
  });
}

/** A registry client with Node's fetch, hashing and the user's auth files; the built-in images from their layouts. */
export function nodeRegistry(opts: NodeRegistryOptions = {}): RegistryClient {
  const env = opts.env ?? process.env;
  const network = opts.fetch ?? nodeFetch;
  const builtin = builtinFetch(builtinImagesDir(env));
  return new RegistryClient({
    fetch: routeBuiltin(builtin, network),
    sha256: nodeSha256,
    credentials: (registry, repository) => readCredentials(registry, repository, env),
    insecure: opts.insecure,
  });
}
