// Built-in images: images that ship with tabkernel as OCI image layouts
// (userland/images/NAME/: oci-layout, index.json, blobs/sha256/HEX) and are
// named by a short name without a registry host — `toolchain` (reference.ts
// gives such a name the registry BUILTIN_REGISTRY). `root` is the root image
// itself (userland/rootfs), which the hosts load as they always have; the
// others are served by layoutFetch as a read-only registry of their own, so a
// built-in image is pulled the way any image is — its manifest, config and
// layers verified against their digests, kept in the host's store, admitted
// by the policy — with no network. The host says where a layout's files are
// (a directory of the checkout in Node, URLs beside the page in the browser).
// Spec: OCI image-spec image-layout.md; distribution-spec "Pulling manifests",
// "Pulling blobs" (the two GET routes and HEAD, Docker-Content-Digest).
import type { Fetch, FetchInit, FetchResponse } from './registry.js';

/** The registry of the built-in images; `builtin/NAME` is the canonical form of NAME. */
export const BUILTIN_REGISTRY = 'builtin';
/** The root image: userland/rootfs, what a run without an image gets. */
export const ROOT_IMAGE = 'root';
/** The names that mean a built-in image when written without a registry host. */
export const BUILTIN_IMAGES: readonly string[] = [ROOT_IMAGE, 'toolchain'];

/** Reads a file of the layouts' directory by its relative path (`toolchain/index.json`); undefined when there is none. */
export type LayoutReader = (path: string) => Promise<Uint8Array | undefined>;

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A registry over the OCI layouts `read` reaches: GET and HEAD of /v2/, manifests and blobs; everything else 405. */
export function layoutFetch(read: LayoutReader): Fetch {
  return async (url: string, init: FetchInit): Promise<FetchResponse> => {
    if (init.method !== 'GET' && init.method !== 'HEAD') return answer(405, init, enc.encode('built-in images are read-only'));
    const path = new URL(url).pathname;
    if (path === '/v2/' || path === '/v2') return answer(200, init, enc.encode('{}'), { 'content-type': 'application/json' });
    const m = /^\/v2\/([a-z0-9._/-]+)\/(manifests|blobs)\/([^/]+)$/.exec(path);
    if (!m) return notFound(init, 'NAME_UNKNOWN', path);
    const [, name, kind, ref] = m;
    if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(name) || !BUILTIN_IMAGES.includes(name) || name === ROOT_IMAGE) {
      return notFound(init, 'NAME_UNKNOWN', `no built-in image ${name}`);
    }
    const digest = kind === 'blobs' ? ref : await manifestDigest(read, name, ref);
    if (digest instanceof Error) return notFound(init, 'MANIFEST_UNKNOWN', digest.message);
    if (!/^sha256:[a-f0-9]{64}$/.test(digest)) return notFound(init, 'BLOB_UNKNOWN', `bad digest ${digest}`);
    const bytes = await read(`${name}/blobs/sha256/${digest.slice('sha256:'.length)}`);
    if (!bytes) return notFound(init, kind === 'blobs' ? 'BLOB_UNKNOWN' : 'MANIFEST_UNKNOWN', `${name}: no blob ${digest}`);
    const headers: Record<string, string> = { 'docker-content-digest': digest };
    if (kind === 'manifests') headers['content-type'] = mediaTypeOf(bytes);
    return answer(200, init, bytes, headers);
  };
}

/** The digest of the manifest `ref` (a tag or a digest) names in NAME's index.json. */
async function manifestDigest(read: LayoutReader, name: string, ref: string): Promise<string | Error> {
  if (ref.startsWith('sha256:')) return ref;
  const bytes = await read(`${name}/index.json`);
  if (!bytes) return new Error(`built-in image ${name} is not installed (no ${name}/index.json)`);
  let index: { manifests?: Array<{ digest?: unknown; annotations?: Record<string, string> }> };
  try {
    index = JSON.parse(dec.decode(bytes)) as typeof index;
  } catch {
    return new Error(`${name}/index.json is not JSON`);
  }
  const manifests = Array.isArray(index.manifests) ? index.manifests : [];
  const tagged = manifests.find((d) => d.annotations?.['org.opencontainers.image.ref.name'] === ref);
  const found = tagged ?? (ref === 'latest' && manifests.length === 1 ? manifests[0] : undefined);
  if (!found || typeof found.digest !== 'string') return new Error(`built-in image ${name} has no tag ${ref}`);
  return found.digest;
}

function mediaTypeOf(manifest: Uint8Array): string {
  try {
    const m = JSON.parse(dec.decode(manifest)) as { mediaType?: unknown };
    if (typeof m.mediaType === 'string') return m.mediaType;
  } catch {
    // Not JSON: the client's verification says so.
  }
  return 'application/vnd.oci.image.manifest.v1+json';
}

function notFound(init: FetchInit, code: string, message: string): FetchResponse {
  return answer(404, init, enc.encode(JSON.stringify({ errors: [{ code, message }] })), { 'content-type': 'application/json' });
}

function answer(status: number, init: FetchInit, body: Uint8Array, headers: Record<string, string> = {}): FetchResponse {
  const h: Record<string, string> = { ...headers, 'content-length': String(body.length) };
  let sent = init.method === 'HEAD';
  return {
    status,
    headers: { get: (name: string) => h[name.toLowerCase()] ?? null },
    body: {
      getReader: () => ({
        read: async () => {
          if (sent) return { done: true };
          sent = true;
          return { done: false, value: body };
        },
        cancel: async () => {
          sent = true;
        },
      }),
    },
  };
}
