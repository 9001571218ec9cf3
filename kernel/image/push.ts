// Pushing an image: a manifest's blobs (layers, then the config), each by
// upload.ts's flows, then the manifest itself by tag (or by digest); for an
// index, each of its manifests first, by digest, then the index. The tag
// moves only once everything it names is in the registry, so a push that
// fails leaves the tag where it was. The registry's Docker-Content-Digest for
// the manifest must be the digest of the bytes sent.
// `pushManifest` is the reusable part (any manifest whose blobs a BlobSource
// holds: an image of the store, a cosign signature made in memory);
// `pushImage` pushes an image the store names. Cross-repository mounts: the
// store's refs record where its images came from (a pulled image's ref names
// its registry and repository; a pushed one gets its destination's ref), so
// a blob that an image of the destination registry reaches, under another
// repository, is mounted from there rather than sent again.
// Spec: OCI distribution-spec spec.md "Pushing Manifests"; image-spec
// manifest.md, image-index.md.

import { digestOf, verifyBytes, type Sha256Factory } from './digest.js';
import { checkIndex, checkManifest, documentType, isIndexType, isManifestType, parseJson, type Descriptor } from './media.js';
import type { LayerProgress } from './pull.js';
import { formatReference, parseReference, type Reference } from './reference.js';
import { discard, registryError, type RegistryClient } from './registry.js';
import { reachable, type BlobStore } from './store.js';
import { pushScope, uploadBlob, type BlobOutcome, type BlobSource } from './upload.js';

export interface PushOptions {
  registry: RegistryClient;
  sha256: Sha256Factory;
  /** The repository (of the destination's registry) to mount a blob from, if any may hold it. */
  mountFrom?: (digest: string) => string | undefined;
  /** Bytes per PATCH (upload.ts CHUNK_SIZE by default). */
  chunkSize?: number;
  signal?: AbortSignal;
  /** Each blob's progress; its last update has `outcome`. */
  onProgress?: (p: LayerProgress) => void;
}

export interface PushResult {
  /** The destination, canonical (`host/repo:tag`). */
  reference: string;
  /** The digest, size and media type of what the reference now names (a manifest, or an index). */
  digest: string;
  size: number;
  mediaType: string;
  /** Every blob of the push (of every manifest of an index), and what became of it. */
  blobs: Array<{ digest: string; size: number; outcome: BlobOutcome }>;
}

function toReference(ref: string | Reference): Reference {
  if (typeof ref !== 'string') return ref;
  const r = parseReference(ref);
  if (r instanceof Error) throw r;
  return r;
}

/**
 * Push `manifest` (an image manifest or an index, as bytes) to `dest` — a tag,
 * or a digest, which must then be the manifest's — after every blob it names,
 * read from `source`: for an index, its manifests (whole, from
 * `source.get`) and their blobs first.
 */
export async function pushManifest(destText: string | Reference, manifest: { bytes: Uint8Array; mediaType?: string }, source: BlobSource, opts: PushOptions): Promise<PushResult> {
  const dest = toReference(destText);
  const name = formatReference(dest);
  const digest = await digestOf(manifest.bytes, opts.sha256);
  if (dest.digest !== undefined && dest.digest !== digest) throw new Error(`${name}: the manifest to push is ${digest}, not the digest the reference names`);
  const blobs = new Map<string, { digest: string; size: number; outcome: BlobOutcome }>();
  const mediaType = await pushTree(dest, manifest.bytes, digest, manifest.mediaType, dest.tag ?? digest, source, opts, blobs);
  return { reference: name, digest, size: manifest.bytes.length, mediaType, blobs: [...blobs.values()] };
}

/** One manifest or index and all below it; `reference` the tag or digest it goes under. Its media type. */
async function pushTree(
  dest: Reference, bytes: Uint8Array, digest: string, mediaTypeHint: string | undefined, reference: string,
  source: BlobSource, opts: PushOptions, blobs: Map<string, { digest: string; size: number; outcome: BlobOutcome }>, depth = 0,
): Promise<string> {
  const doc = parseJson(bytes, `manifest ${digest}`);
  const type = documentType(doc, mediaTypeHint);
  if (isIndexType(type)) {
    if (depth > 2) throw new Error(`index ${digest}: indexes nested too deep`);
    for (const child of checkIndex(doc, `index ${digest}`).manifests) {
      if (!isIndexType(child.mediaType) && !isManifestType(child.mediaType)) throw new Error(`index ${digest}: cannot push an entry of type ${child.mediaType} (${child.digest})`);
      const childBytes = await source.get(child.digest);
      if (!childBytes) throw new Error(`index ${digest}: its manifest ${child.digest} is not in the local store (only complete images can be pushed)`);
      await verifyBytes(childBytes, child, opts.sha256);
      await pushTree(dest, childBytes, child.digest, child.mediaType, child.digest, source, opts, blobs, depth + 1);
    }
  } else if (isManifestType(type)) {
    const m = checkManifest(doc, `manifest ${digest}`);
    await pushBlobs(dest, [...m.layers, m.config], source, opts, blobs);
  } else {
    throw new Error(`manifest ${digest}: cannot push a document of type ${type}`);
  }
  await putManifest(dest, reference, bytes, digest, type, opts);
  return type;
}

/** Each blob once (a second mention of a digest is already there), with its progress. */
async function pushBlobs(dest: Reference, list: Descriptor[], source: BlobSource, opts: PushOptions, blobs: Map<string, { digest: string; size: number; outcome: BlobOutcome }>): Promise<void> {
  for (const [index, blob] of list.entries()) {
    const progress = (done: number, outcome?: BlobOutcome): void => opts.onProgress?.({
      digest: blob.digest, mediaType: blob.mediaType, index, count: list.length, done, total: blob.size,
      cached: outcome === 'exists' || outcome === 'mounted', outcome,
    });
    if (blobs.has(blob.digest)) {
      progress(blob.size, 'exists');
      continue;
    }
    progress(0);
    const outcome = await uploadBlob(dest.registry, dest.repository, blob, source, {
      client: opts.registry, sha256: opts.sha256, mountFrom: opts.mountFrom?.(blob.digest), chunkSize: opts.chunkSize,
      signal: opts.signal, onBytes: (done) => done < blob.size && progress(done),
    });
    blobs.set(blob.digest, { digest: blob.digest, size: blob.size, outcome });
    progress(blob.size, outcome);
  }
}

/** PUT the manifest under `reference`; the registry must say it stored these very bytes. */
async function putManifest(dest: Reference, reference: string, bytes: Uint8Array, digest: string, mediaType: string, opts: PushOptions): Promise<void> {
  const what = `manifest ${digest} to ${dest.registry}/${dest.repository}:${reference}`;
  const { res } = await opts.registry.send(dest.registry, {
    method: 'PUT', repository: dest.repository, target: `/v2/${dest.repository}/manifests/${reference}`,
    scope: pushScope(dest.repository), headers: { 'content-type': mediaType }, body: new Uint8Array(bytes), signal: opts.signal,
  });
  if (res.status !== 201) throw await registryError(res, `PUT ${what}`);
  await discard(res);
  const said = res.headers.get('docker-content-digest');
  if (said !== null && said !== digest) throw new Error(`PUT ${what}: the registry says it stored ${said}: digest mismatch, the push is not complete`);
}

/**
 * Push the image the store names `src` (as `image ls` shows it) to `dest`
 * (default: `src`), mounting blobs from other repositories of the destination
 * registry that the store's refs show to hold them; afterwards the store names
 * the image `dest` too.
 */
export async function pushImage(src: string, dest: string | undefined, store: BlobStore, opts: PushOptions): Promise<PushResult> {
  const from = toReference(src);
  const to = dest === undefined ? from : toReference(dest);
  const srcName = formatReference(from);
  const refs = await store.refs();
  const target = refs.get(srcName);
  if (!target) throw new Error(`no image ${srcName} in the store (tabkernel image ls shows what there is)`);
  const bytes = await store.get(target.digest);
  if (!bytes) throw new Error(`${srcName}: its manifest ${target.digest} is not in the store (an interrupted pull?)`);
  const mountFrom = opts.mountFrom ?? (await mountSources(store, refs, from, to));
  const result = await pushManifest(to, { bytes, mediaType: target.mediaType }, store, { ...opts, mountFrom });
  if (result.reference !== srcName) await store.setRef(result.reference, target);
  return result;
}

/**
 * For each blob, a repository of the destination's registry (not the
 * destination's own) that an image of the store came from and that reaches
 * the blob: the source's own repository first.
 */
async function mountSources(store: BlobStore, refs: Map<string, Descriptor>, src: Reference, dest: Reference): Promise<(digest: string) => string | undefined> {
  const where = new Map<string, string>();
  const candidates = [...refs].map(([name, d]) => ({ ref: parseReference(name), d }))
    .filter((c): c is { ref: Reference; d: Descriptor } => !(c.ref instanceof Error) && c.ref.registry === dest.registry && c.ref.repository !== dest.repository)
    .sort((a, b) => Number(b.ref.repository === src.repository && b.ref.registry === src.registry) - Number(a.ref.repository === src.repository && a.ref.registry === src.registry));
  for (const c of candidates) {
    let reached: Set<string>;
    try {
      reached = await reachable(store, c.d);
    } catch {
      continue; // a damaged image of the store offers nothing to mount; the blobs are sent instead
    }
    for (const digest of reached) if (!where.has(digest)) where.set(digest, c.ref.repository);
  }
  return (digest) => where.get(digest);
}
