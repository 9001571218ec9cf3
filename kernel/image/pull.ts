// Pulling an image: reference → (index → the wasm platform's entry) →
// manifest → config → layers, each verified (registry.ts, digest.ts) and kept
// in the blob store (store.ts); layers already held are not fetched again.
// The manifest goes in after its config and layers, and the ref last, so a
// ref only ever names a complete image. Two shapes are images here: ordinary
// tar-layer images for os wasi|wasip1 / architecture wasm|wasm32, and
// single-module Wasm artifacts (the CNCF layout, runwasi's layer type) whose
// layer is a core module. `cachedImage` reads a pulled image back from the store
// alone, with no registry. The unpacker and the container runner take over
// from the description. The signature policy is consulted through `admit`
// (policy/admission.ts) as soon as the digest is known.
// Spec: OCI image-spec image-index.md (platform), notes/IMAGES.md §3;
// CNCF TAG Runtime "Wasm OCI Artifact"; runwasi's containerd-shim-wasm.

import { LAYER_MEDIA_TYPES } from './compression.js';
import type { Sha256Factory } from './digest.js';
import {
  checkIndex, checkManifest, documentType, isIndexType, isManifestType, MediaType, parseJson, platformName, WASM_LAYER_TYPES,
  type Descriptor, type ImageConfig, type Index, type Manifest,
} from './media.js';
import { formatReference, manifestReference, parseReference, type Reference } from './reference.js';
import type { RegistryClient } from './registry.js';
import { putBytes, putVerified, type BlobStore } from './store.js';

export interface LayerProgress {
  digest: string;
  mediaType: string;
  /** Which layer (0-based) of how many. */
  index: number;
  count: number;
  /** Bytes so far of `total`. */
  done: number;
  total: number;
  /** True when the layer was already in the store (then done === total at once); in a push, when the registry had the blob or mounted it. */
  cached: boolean;
  /** A push's blobs, in their last update: the registry had it, mounted it, or took its bytes (image/push.ts). */
  outcome?: 'exists' | 'mounted' | 'pushed';
}

export interface PullOptions {
  registry: RegistryClient;
  store: BlobStore;
  sha256: Sha256Factory;
  signal?: AbortSignal;
  onProgress?: (p: LayerProgress) => void;
  /**
   * Admission (policy/admission.ts): called with the digest the reference
   * resolved to — the top-level manifest or index, or the digest a reference
   * pins — before any config or layer is fetched; throwing refuses the image
   * and nothing of it is stored.
   */
  admit?: (ref: Reference, digest: string) => Promise<void>;
}

export interface ImageDescription {
  /** The canonical reference, as the store's ref names it. */
  reference: string;
  /** The image manifest (for an index: the wasm platform's manifest). */
  manifestDigest: string;
  manifestMediaType: string;
  configDigest: string;
  config: ImageConfig;
  layers: Array<{ digest: string; mediaType: string; size: number }>;
  /** 'wasm-artifact': one layer holding a core module, which is the entrypoint. */
  kind: 'image' | 'wasm-artifact';
}

const WASM_OS = ['wasi', 'wasip1'];
const WASM_ARCH = ['wasm', 'wasm32'];
const COMPONENTS_UNSUPPORTED = 'WASI preview 2 components are not supported';
/** Tar layers, as the layer reader takes them (compression.ts). */
const TAR_LAYER_TYPES = new Set(Object.keys(LAYER_MEDIA_TYPES));
const CORE_MODULE = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const COMPONENT = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];

function toReference(ref: string | Reference): Reference {
  if (typeof ref !== 'string') return ref;
  const r = parseReference(ref);
  if (r instanceof Error) throw r;
  return r;
}

/** Pull `ref` into the store (what is there already is not fetched again) and describe it. */
export async function pull(refText: string | Reference, opts: PullOptions): Promise<ImageDescription> {
  const ref = toReference(refText);
  const name = formatReference(ref);
  const { registry, store, sha256, signal } = opts;

  // 1. A digest names content that never changes: a complete copy in the store will do.
  if (ref.digest) {
    const cached = await cachedImage(store, ref);
    if (cached) {
      await opts.admit?.(ref, ref.digest);
      return cached;
    }
  }

  // 2. The manifest, through the index if there is one (verified against each descriptor).
  let top = await registry.manifest(ref.registry, ref.repository, manifestReference(ref), undefined, signal);
  await opts.admit?.(ref, top.digest);
  let doc = parseJson(top.bytes, `manifest ${name}`);
  let type = documentType(doc, top.contentType);
  let descriptor: Descriptor = { mediaType: type, digest: top.digest, size: top.bytes.length };
  for (let depth = 0; isIndexType(type); depth++) {
    if (depth > 2) throw new Error(`${name}: indexes nested too deep`);
    descriptor = selectPlatform(checkIndex(doc, `index ${name}`), name);
    top = await registry.manifest(ref.registry, ref.repository, descriptor.digest, descriptor, signal);
    doc = parseJson(top.bytes, `manifest ${descriptor.digest}`);
    type = documentType(doc, descriptor.mediaType);
  }
  if (!isManifestType(type)) throw new Error(`${name}: unsupported manifest type ${type}`);
  const manifest = checkManifest(doc, `manifest ${descriptor.digest}`);
  const kind = imageKind(manifest, name);

  // 3. The config, then the layers not yet held.
  const held = await store.get(manifest.config.digest);
  const configBytes = held ?? (await registry.blobBytes(ref.registry, ref.repository, manifest.config, signal));
  const config = parseJson(configBytes, `config ${manifest.config.digest}`) as ImageConfig;
  checkConfigPlatform(config, name); // before storing: an image for another platform leaves nothing behind
  if (!held) await putBytes(store, sha256, manifest.config, configBytes);
  for (const [index, layer] of manifest.layers.entries()) {
    const progress = (done: number, cached: boolean): void =>
      opts.onProgress?.({ digest: layer.digest, mediaType: layer.mediaType, index, count: manifest.layers.length, done, total: layer.size, cached });
    if (await store.has(layer.digest)) {
      if (kind === 'wasm-artifact') checkModuleHeader(await headOf(store, layer.digest), layer.digest);
      progress(layer.size, true);
      continue;
    }
    progress(0, false);
    let chunks = await registry.blob(ref.registry, ref.repository, layer, signal);
    if (kind === 'wasm-artifact') chunks = checkedModule(chunks, layer.digest);
    let done = 0;
    await putVerified(store, sha256, layer, chunks, (chunk) => progress((done += chunk.length), false));
  }

  // 4. The manifest, and last the ref: a ref only names a complete image.
  const target: Descriptor = { mediaType: type, digest: descriptor.digest, size: top.bytes.length };
  if (!(await store.has(target.digest))) await putBytes(store, sha256, target, top.bytes);
  await store.setRef(name, target);
  return describeManifest(name, target, manifest, config, kind);
}

/** A pulled image from the store alone, or undefined if the store lacks its ref or any of its blobs. */
export async function cachedImage(store: BlobStore, refText: string | Reference): Promise<ImageDescription | undefined> {
  const name = formatReference(toReference(refText));
  const target = (await store.refs()).get(name);
  if (!target) return undefined;
  const bytes = await store.get(target.digest);
  if (!bytes) return undefined;
  const manifest = checkManifest(parseJson(bytes, `manifest ${target.digest}`), `manifest ${target.digest}`);
  const configBytes = await store.get(manifest.config.digest);
  if (!configBytes) return undefined;
  for (const l of manifest.layers) if (!(await store.has(l.digest))) return undefined;
  const config = parseJson(configBytes, `config ${manifest.config.digest}`) as ImageConfig;
  return describeManifest(name, target, manifest, config, imageKind(manifest, name));
}

/** The image for `ref`: from the store if it holds it whole, else pulled. */
export async function ensureImage(refText: string | Reference, opts: PullOptions): Promise<ImageDescription> {
  return (await cachedImage(opts.store, refText)) ?? pull(refText, opts);
}

function describeManifest(reference: string, target: Descriptor, manifest: Manifest, config: ImageConfig, kind: ImageDescription['kind']): ImageDescription {
  return {
    reference,
    manifestDigest: target.digest,
    manifestMediaType: target.mediaType,
    configDigest: manifest.config.digest,
    config,
    layers: manifest.layers.map((l) => ({ digest: l.digest, mediaType: l.mediaType, size: l.size })),
    kind,
  };
}

/** The index entry for os wasi|wasip1 and architecture wasm|wasm32, or a clear error. */
export function selectPlatform(index: Index, name: string): Descriptor {
  const entries = index.manifests.filter((d) => isManifestType(d.mediaType) || isIndexType(d.mediaType));
  const fits = entries.find((d) => d.platform && WASM_OS.includes(d.platform.os) && WASM_ARCH.includes(d.platform.architecture));
  if (fits) return fits;
  if (entries.some((d) => d.platform?.os === 'wasip2')) throw new Error(`${name}: ${COMPONENTS_UNSUPPORTED} (the image offers only wasip2)`);
  const offered = entries
    .map((d) => (d.platform ? platformName(d.platform) : 'no platform'))
    .filter((p) => p !== 'unknown/unknown'); // BuildKit's attestation entries
  throw new Error(`${name}: no image for wasi/wasm; the index offers ${offered.length ? offered.join(', ') : 'nothing'}`);
}

/** A single-module Wasm artifact, or a tar-layer image; anything else is refused by name. */
function imageKind(m: Manifest, name: string): ImageDescription['kind'] {
  const wasmLayers = m.layers.filter((l) => WASM_LAYER_TYPES.includes(l.mediaType));
  if (m.config.mediaType === MediaType.WASM_CONFIG || wasmLayers.length > 0) {
    if (wasmLayers.length !== 1 || m.layers.length !== 1) {
      throw new Error(`${name}: a Wasm artifact must have exactly one module layer (it has ${m.layers.length} layers, ${wasmLayers.length} of them Wasm)`);
    }
    return 'wasm-artifact';
  }
  for (const l of m.layers) {
    if (!TAR_LAYER_TYPES.has(l.mediaType)) throw new Error(`${name}: unsupported layer media type ${l.mediaType} (layer ${l.digest})`);
  }
  return 'image';
}

/** An image whose config names another platform is refused; so is a component (wasip2). */
function checkConfigPlatform(c: ImageConfig, name: string): void {
  if (c.os === undefined && c.architecture === undefined) return;
  if (c.os === 'wasip2') throw new Error(`${name}: ${COMPONENTS_UNSUPPORTED}`);
  if (WASM_OS.includes(c.os ?? '') && WASM_ARCH.includes(c.architecture ?? '')) return;
  throw new Error(`${name}: the image is for ${platformName(c)}; tabkernel runs wasi/wasm images`);
}

function checkModuleHeader(head: Uint8Array, digest: string): void {
  const is = (magic: number[]): boolean => head.length >= 8 && magic.every((b, i) => head[i] === b);
  if (is(CORE_MODULE)) return;
  if (is(COMPONENT)) throw new Error(`layer ${digest} is a WebAssembly component: ${COMPONENTS_UNSUPPORTED}`);
  throw new Error(`layer ${digest} is not a WebAssembly module (no \\0asm version 1 header)`);
}

/** Pass a module layer's chunks through, refusing it by its first 8 bytes before it is stored. */
async function* checkedModule(chunks: AsyncIterable<Uint8Array>, digest: string): AsyncGenerator<Uint8Array> {
  const head = new Uint8Array(8);
  let got = 0;
  for await (const chunk of chunks) {
    if (got < 8) {
      const n = Math.min(8 - got, chunk.length);
      head.set(chunk.subarray(0, n), got);
      got += n;
      if (got === 8) checkModuleHeader(head, digest);
    }
    yield chunk;
  }
  if (got < 8) checkModuleHeader(head.subarray(0, got), digest);
}

async function headOf(store: BlobStore, digest: string): Promise<Uint8Array> {
  const s = await store.stream(digest);
  if (!s) return new Uint8Array(0);
  for await (const chunk of s) return chunk.subarray(0, 8);
  return new Uint8Array(0);
}
