// Built-in images: images that ship with tabkernel as OCI image layouts
// (userland/images/NAME/: oci-layout, index.json, blobs/sha256/HEX) and are
// named by a short name without a registry host — `toolchain` (reference.ts
// gives such a name the registry BUILTIN_REGISTRY). `root` is the root image
// itself (userland/rootfs), which the hosts load as they always have; the
// others are served by layoutFetch as a read-only registry of their own, so a
// built-in image is pulled the way any image is — its manifest, config and
// layers verified against their digests, kept in the host's store, admitted
// by the policy — with no network. The host says where a layout's files are
// (a directory of the checkout in Node, URLs beside the page in the browser)
// and hands each file over as a stream: the toolchain's C compiler layer is
// 105 MB, which goes to the store as it is read, never held whole here.
// routeBuiltin is the one rule every host follows to reach them: a request
// for the registry `builtin` goes to the layouts, any other to the network.
// Spec: OCI image-spec image-layout.md; distribution-spec "Pulling manifests",
// "Pulling blobs" (the two GET routes and HEAD, Docker-Content-Digest).
import type { ByteReader, Fetch, FetchInit, FetchResponse } from './registry.js';
import { concatBytes } from '../lib/bytes.js';

/** The registry of the built-in images; `builtin/NAME` is the canonical form of NAME. */
export const BUILTIN_REGISTRY = 'builtin';
/** The root image: userland/rootfs, what a run without an image gets. */
export const ROOT_IMAGE = 'root';
/** The names that mean a built-in image when written without a registry host. */
export const BUILTIN_IMAGES: readonly string[] = [ROOT_IMAGE, 'toolchain'];

/** A file of a layout as the host opens it: its length when known, and its bytes as they are read. */
export interface LayoutFile {
  size?: number;
  body: { getReader(): ByteReader };
}

/** The file beside the page that lists the built-in layouts (vite.config.ts writes it; a browser cannot list a directory). */
export const BUILTIN_LIST = 'builtin-images.json';
/** BUILTIN_LIST's content: the names of the layouts (directories with an index.json). */
export interface BuiltinList {
  images: string[];
}

/** Opens a file of the layouts' directory by its relative path (`toolchain/index.json`); undefined when there is none. */
export type LayoutReader = (path: string) => Promise<LayoutFile | undefined>;

/** The largest index.json or manifest read whole (the registry client's own limit for a manifest). */
const SMALL_FILE_MAX = 4 << 20;

const enc = new TextEncoder();
const dec = new TextDecoder();

/** `fetch` with the built-in registry's requests answered by `builtin` (layoutFetch), every other by `network`. */
export function routeBuiltin(builtin: Fetch, network: Fetch): Fetch {
  return (url, init) => (new URL(url).hostname === BUILTIN_REGISTRY ? builtin(url, init) : network(url, init));
}

/** Bytes already in memory as a layout file (tests, small files). */
export function layoutBytes(bytes: Uint8Array): LayoutFile {
  return { size: bytes.length, body: { getReader: () => oneChunk(bytes) } };
}

/** A registry over the OCI layouts `read` reaches: GET and HEAD of /v2/, manifests and blobs; everything else 405. */
export function layoutFetch(read: LayoutReader): Fetch {
  return async (url: string, init: FetchInit): Promise<FetchResponse> => {
    if (init.method !== 'GET' && init.method !== 'HEAD') return answer(405, init, layoutBytes(enc.encode('built-in images are read-only')));
    const path = new URL(url).pathname;
    if (path === '/v2/' || path === '/v2') return answer(200, init, layoutBytes(enc.encode('{}')), { 'content-type': 'application/json' });
    const m = /^\/v2\/([a-z0-9._/-]+)\/(manifests|blobs)\/([^/]+)$/.exec(path);
    if (!m) return notFound(init, 'NAME_UNKNOWN', path);
    const [, name, kind, ref] = m;
    if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(name) || !BUILTIN_IMAGES.includes(name) || name === ROOT_IMAGE) {
      return notFound(init, 'NAME_UNKNOWN', `no built-in image ${name}`);
    }
    const digest = kind === 'blobs' ? ref : await manifestDigest(read, name, ref);
    if (digest instanceof Error) return notFound(init, 'MANIFEST_UNKNOWN', digest.message);
    if (!/^sha256:[a-f0-9]{64}$/.test(digest)) return notFound(init, 'BLOB_UNKNOWN', `bad digest ${digest}`);
    const file = await read(`${name}/blobs/sha256/${digest.slice('sha256:'.length)}`);
    if (!file) return notFound(init, kind === 'blobs' ? 'BLOB_UNKNOWN' : 'MANIFEST_UNKNOWN', `${name}: no blob ${digest}`);
    const headers: Record<string, string> = { 'docker-content-digest': digest };
    if (kind === 'blobs') return answer(200, init, file, headers);
    // A manifest is small: read whole for its media type.
    const bytes = await bytesOf(file, `${name}: manifest ${digest}`);
    headers['content-type'] = mediaTypeOf(bytes);
    return answer(200, init, layoutBytes(bytes), headers);
  };
}

/** A small file of a layout, read whole (an Error beyond SMALL_FILE_MAX). */
async function bytesOf(file: LayoutFile, what: string): Promise<Uint8Array> {
  const reader = file.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (let c = await reader.read(); !c.done; c = await reader.read()) {
    if (!c.value) continue;
    size += c.value.length;
    if (size > SMALL_FILE_MAX) {
      await reader.cancel();
      throw new Error(`${what} is larger than ${SMALL_FILE_MAX} bytes`);
    }
    parts.push(c.value);
  }
  return concatBytes(parts, size);
}

/** A built-in image as a list of them shows it (the page's links): its name, manifest digest and size. */
export interface BuiltinSummary {
  name: string;
  digest: string;
  /** The layers' bytes, as `image ls` counts an image's size. */
  size: number;
}

/** NAME's layout summed up from its index.json and its `latest` manifest; an Error if it has neither. */
export async function describeLayout(read: LayoutReader, name: string): Promise<BuiltinSummary | Error> {
  const digest = await manifestDigest(read, name, 'latest');
  if (digest instanceof Error) return digest;
  const file = /^sha256:[a-f0-9]{64}$/.test(digest) ? await read(`${name}/blobs/sha256/${digest.slice('sha256:'.length)}`) : undefined;
  if (!file) return new Error(`${name}: no manifest ${digest}`);
  const bytes = await bytesOf(file, `${name}: manifest ${digest}`);
  let manifest: { layers?: Array<{ size?: unknown }> };
  try {
    manifest = JSON.parse(dec.decode(bytes)) as typeof manifest;
  } catch {
    return new Error(`${name}: manifest ${digest} is not JSON`);
  }
  const sizes = (Array.isArray(manifest.layers) ? manifest.layers : []).map((d) => d?.size);
  if (!sizes.every((n): n is number => typeof n === 'number')) return new Error(`${name}: manifest ${digest} lacks a layer's size`);
  return { name, digest, size: sizes.reduce((a, b) => a + b, 0) };
}

/** The digest of the manifest `ref` (a tag or a digest) names in NAME's index.json. */
async function manifestDigest(read: LayoutReader, name: string, ref: string): Promise<string | Error> {
  if (ref.startsWith('sha256:')) return ref;
  const file = await read(`${name}/index.json`);
  if (!file) return new Error(`built-in image ${name} is not installed (no ${name}/index.json)`);
  let index: { manifests?: Array<{ digest?: unknown; annotations?: Record<string, string> }> };
  try {
    index = JSON.parse(dec.decode(await bytesOf(file, `${name}/index.json`))) as typeof index;
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
  return answer(404, init, layoutBytes(enc.encode(JSON.stringify({ errors: [{ code, message }] }))), { 'content-type': 'application/json' });
}

/** A response with `file` as its body (none for HEAD: the file is closed unread). */
function answer(status: number, init: FetchInit, file: LayoutFile, headers: Record<string, string> = {}): FetchResponse {
  const h: Record<string, string> = { ...headers };
  if (file.size !== undefined) h['content-length'] = String(file.size);
  const head = init.method === 'HEAD';
  if (head) void file.body.getReader().cancel().catch(() => undefined);
  return {
    status,
    headers: { get: (name: string) => h[name.toLowerCase()] ?? null },
    body: { getReader: () => (head ? oneChunk(new Uint8Array(0), true) : file.body.getReader()) },
  };
}

/** A reader of one chunk (none when `empty`). */
function oneChunk(bytes: Uint8Array, empty = false): ByteReader {
  let sent = empty;
  return {
    read: async () => {
      if (sent) return { done: true };
      sent = true;
      return { done: false, value: bytes };
    },
    cancel: async () => {
      sent = true;
    },
  };
}
