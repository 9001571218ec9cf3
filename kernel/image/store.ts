// The blob store: content-addressed blobs (manifests, configs, layers) shared
// by every image, plus refs that name an image's manifest (`reference →
// descriptor`). A store only keeps bytes; it never decides whether they are
// good. `putVerified` is the one way in: it streams into a BlobWriter and
// commits only after the bytes matched their digest and size (digest.ts), so
// a mismatch or an interrupted pull leaves nothing under the digest.
// `removeImage` drops a ref and the blobs that no other ref reaches.
// Implementations: a directory in Node (kernel/host/node/blobstore.ts), an
// IndexedDB store in the browser. Spec: OCI image-spec image-layout.md (the
// Node store's layout follows it).

import type { BlobFile } from '../fs/blobfile.js';
import { verified, type Expected, type Sha256Factory } from './digest.js';
import { checkIndex, checkManifest, documentType, isIndexType, isManifestType, parseJson, type Descriptor } from './media.js';

/** A blob being written. Nothing is visible under the digest before `commit`. */
export interface BlobWriter {
  /** Add a chunk; the writer may hold it until commit, so the caller must not reuse it. */
  write(chunk: Uint8Array): Promise<void>;
  /** Make the blob visible under its digest, atomically and durably. */
  commit(): Promise<void>;
  /** Throw away what was written. */
  abort(): Promise<void>;
}

export interface BlobStore {
  has(digest: string): Promise<boolean>;
  /** A blob whole (manifests and configs), or undefined if absent. */
  get(digest: string): Promise<Uint8Array | undefined>;
  /** A blob as a stream of chunks (layers), or undefined if absent. */
  stream(digest: string): Promise<AsyncIterable<Uint8Array> | undefined>;
  /** A blob read where it is stored (fs/blobfile.ts), where the store can; undefined if absent. */
  file?(digest: string): Promise<BlobFile | undefined>;
  /** Start writing a blob; use putVerified rather than this. */
  create(digest: string): Promise<BlobWriter>;
  delete(digest: string): Promise<void>;
  /** The digests of all blobs held. */
  list(): Promise<string[]>;

  /** All refs: canonical reference (reference.ts formatReference) → the manifest it names. */
  refs(): Promise<Map<string, Descriptor>>;
  setRef(reference: string, target: Descriptor): Promise<void>;
  /** Drop a ref; false if there was none. */
  deleteRef(reference: string): Promise<boolean>;
}

/**
 * Store `chunks` under `want.digest` only if they hash to it and have the
 * right size; otherwise throw (DigestMismatchError) with nothing stored.
 * `onChunk` sees each chunk as it passes (progress).
 */
export async function putVerified(
  store: BlobStore,
  sha256: Sha256Factory,
  want: Expected,
  chunks: AsyncIterable<Uint8Array>,
  onChunk?: (chunk: Uint8Array) => void,
): Promise<void> {
  const writer = await store.create(want.digest);
  try {
    for await (const chunk of verified(chunks, want, sha256)) {
      await writer.write(chunk);
      onChunk?.(chunk);
    }
  } catch (e) {
    await writer.abort();
    throw e;
  }
  await writer.commit();
}

/** putVerified for bytes held whole. */
export async function putBytes(store: BlobStore, sha256: Sha256Factory, want: Expected, bytes: Uint8Array): Promise<void> {
  await putVerified(store, sha256, want, (async function* () {
    yield bytes;
  })());
}

/**
 * Every blob a manifest or index reaches, itself included (the blobs that are
 * present; a missing one is skipped: an interrupted pull).
 */
export async function reachable(store: BlobStore, root: Descriptor, into = new Set<string>()): Promise<Set<string>> {
  if (into.has(root.digest)) return into;
  into.add(root.digest);
  if (!isIndexType(root.mediaType) && !isManifestType(root.mediaType)) return into;
  const bytes = await store.get(root.digest);
  if (!bytes) return into;
  const doc = parseJson(bytes, `manifest ${root.digest}`);
  const type = documentType(doc, root.mediaType);
  if (isIndexType(type)) {
    for (const d of checkIndex(doc, `index ${root.digest}`).manifests) await reachable(store, d, into);
  } else {
    const m = checkManifest(doc, `manifest ${root.digest}`);
    into.add(m.config.digest);
    for (const l of m.layers) into.add(l.digest);
  }
  return into;
}

/**
 * Drop the ref `reference` and delete the blobs it reached that no other ref
 * reaches. Only that ref's blobs are candidates, never every unreferenced
 * blob: another pull may be storing blobs whose ref it has not set yet.
 * Returns the digests deleted; throws if there is no such ref.
 */
export async function removeImage(store: BlobStore, reference: string): Promise<string[]> {
  const refs = await store.refs();
  const target = refs.get(reference);
  if (!target) throw new Error(`no image ${reference} in the store`);
  const mine = await reachable(store, target);
  await store.deleteRef(reference);
  const others = new Set<string>();
  for (const [name, d] of await store.refs()) if (name !== reference) await reachable(store, d, others);
  const deleted: string[] = [];
  for (const digest of mine) {
    if (others.has(digest) || !(await store.has(digest))) continue;
    await store.delete(digest);
    deleted.push(digest);
  }
  return deleted;
}
