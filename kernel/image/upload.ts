// Uploading a small artifact to a registry — a few blobs held whole, then a
// manifest by tag — over the registry client's authenticated `send` (a push
// scope). What `image sign` needs for a signature manifest (its config, its
// payloads, the manifest); the general push (large blobs in chunks,
// cross-repository mounts, indexes) is image push's. Per blob: HEAD first
// (a registry that has it answers 200, or a 307 to where it lives), else
// POST /v2/NAME/blobs/uploads/ to open a session, then PUT its Location with
// `digest=` and the whole blob (the monolithic upload; distribution 2.8
// ignores a body sent with the POST, notes/IMAGES.md §2). The manifest goes
// last, so it never names a blob the registry lacks, and the digest the
// registry answers must be the one of the bytes sent.
// Spec: OCI distribution-spec spec.md "Push" (POST then PUT, "Pushing Manifests").

import type { Sha256Factory } from './digest.js';
import { digestOf } from './digest.js';
import { discard, registryError, type FetchResponse, type RegistryClient } from './registry.js';

/** A blob to upload: its digest and bytes (held whole: this is for small artifacts). */
export interface UploadBlob {
  digest: string;
  bytes: Uint8Array;
}

/** Where the artifact goes and what it is. */
export interface Artifact {
  registry: string;
  repository: string;
  /** The manifest's tag. */
  tag: string;
  blobs: UploadBlob[];
  manifest: { mediaType: string; bytes: Uint8Array };
}

/** Upload `a` (blobs the registry has are skipped); resolves to the manifest's digest. */
export async function uploadArtifact(client: RegistryClient, a: Artifact, sha256: Sha256Factory, signal?: AbortSignal): Promise<string> {
  const where = `${a.registry}/${a.repository}`;
  for (const blob of a.blobs) {
    if (await hasBlob(client, a, blob.digest, signal)) continue;
    await uploadBlob(client, a, blob, signal);
  }
  const digest = await digestOf(a.manifest.bytes, sha256);
  const res = await client.send('PUT', a.registry, a.repository, `/v2/${a.repository}/manifests/${a.tag}`, { body: a.manifest.bytes, contentType: a.manifest.mediaType }, signal);
  if (res.status !== 201 && res.status !== 200) throw await registryError(res, `upload of manifest ${where}:${a.tag}`);
  const said = res.headers.get('docker-content-digest');
  await discard(res);
  if (said !== null && said !== digest) throw new Error(`upload of manifest ${where}:${a.tag}: the registry stored ${said}, not ${digest}`);
  return digest;
}

async function hasBlob(client: RegistryClient, a: Artifact, digest: string, signal?: AbortSignal): Promise<boolean> {
  const res = await client.send('HEAD', a.registry, a.repository, `/v2/${a.repository}/blobs/${digest}`, {}, signal);
  await discard(res);
  if (res.status === 200) return true;
  if (res.status === 404) return false;
  throw await registryError(res, `HEAD blob ${digest} of ${a.registry}/${a.repository}`);
}

async function uploadBlob(client: RegistryClient, a: Artifact, blob: UploadBlob, signal?: AbortSignal): Promise<void> {
  const what = `upload of blob ${blob.digest} to ${a.registry}/${a.repository}`;
  const opened = await client.send('POST', a.registry, a.repository, `/v2/${a.repository}/blobs/uploads/`, {}, signal);
  if (opened.status !== 202) throw await registryError(opened, what);
  const location = locationOf(opened, client, a, what);
  await discard(opened);
  const put = new URL(location);
  put.searchParams.append('digest', blob.digest);
  const res = await client.send('PUT', a.registry, a.repository, put.href, { body: blob.bytes, contentType: 'application/octet-stream' }, signal);
  if (res.status !== 201) throw await registryError(res, what);
  await discard(res);
}

/** An upload session's Location, made absolute (the spec allows a path). */
function locationOf(res: FetchResponse, client: RegistryClient, a: Artifact, what: string): string {
  const location = res.headers.get('location');
  if (!location) throw new Error(`${what}: the registry opened no upload session (no Location)`);
  return new URL(location, client.baseOf(a.registry)).href;
}
