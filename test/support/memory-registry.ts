// A registry in memory behind a Fetch, for unit tests of code that talks to a
// registry (sign, verify, admission) without a process to start: manifests by
// tag and digest, blobs, and uploads (POST, then PUT with the digest, which it
// checks). Anonymous. The real registry is test/support/registry.ts.
import crypto from 'node:crypto';
import type { Sha256Factory } from '../../kernel/image/digest.js';
import { RegistryClient, type Fetch } from '../../kernel/image/registry.js';

export const sha256: Sha256Factory = async () => {
  const h = crypto.createHash('sha256');
  return { update: (d) => void h.update(d), hex: () => h.digest('hex') };
};
export const digestOf = (b: Uint8Array | string): string => `sha256:${crypto.createHash('sha256').update(b).digest('hex')}`;

export class MemoryRegistry {
  readonly blobs = new Map<string, Uint8Array>();
  /** `name:tag` and `name@digest` → manifest. */
  readonly manifests = new Map<string, { bytes: Uint8Array; mediaType: string }>();
  readonly requests: string[] = [];
  private uploads = 0;

  /** Put a blob in `name` (not tracked per repository) and give its digest. */
  blob(bytes: Uint8Array | string): { digest: string; size: number; bytes: Uint8Array } {
    const b = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
    const digest = digestOf(b);
    this.blobs.set(digest, b);
    return { digest, size: b.length, bytes: b };
  }

  /** Put a manifest (JSON text) under `name:tag` and by digest; its digest. */
  manifest(name: string, tag: string, json: string, mediaType = 'application/vnd.oci.image.manifest.v1+json'): string {
    const bytes = new TextEncoder().encode(json);
    const digest = digestOf(bytes);
    this.manifests.set(`${name}:${tag}`, { bytes, mediaType });
    this.manifests.set(`${name}@${digest}`, { bytes, mediaType });
    return digest;
  }

  readonly fetch: Fetch = async (url, init) => {
    const u = new URL(url);
    this.requests.push(`${init.method} ${u.pathname}${u.search}`);
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/(.+)$/.exec(u.pathname);
    const upload = /^\/v2\/(.+)\/blobs\/uploads\/(.*)$/.exec(u.pathname);
    if (upload && init.method === 'POST') return new Response(null, { status: 202, headers: { location: `/v2/${upload[1]}/blobs/uploads/u${++this.uploads}` } });
    if (upload && init.method === 'PUT') {
      const body = init.body ?? new Uint8Array(0);
      const want = u.searchParams.get('digest');
      if (want !== digestOf(body)) return new Response('{"errors":[{"code":"DIGEST_INVALID"}]}', { status: 400 });
      this.blobs.set(want, body);
      return new Response(null, { status: 201, headers: { 'docker-content-digest': want } });
    }
    if (!m) return new Response(null, { status: 404 });
    const [, name, kind, ref] = m;
    if (kind === 'blobs') {
      const b = this.blobs.get(ref);
      if (!b) return new Response('{"errors":[{"code":"BLOB_UNKNOWN"}]}', { status: 404 });
      return new Response(init.method === 'HEAD' ? null : new Uint8Array(b), { status: 200, headers: { 'docker-content-digest': ref, 'content-length': String(b.length) } });
    }
    if (init.method === 'PUT') {
      const bytes = init.body ?? new Uint8Array(0);
      const digest = this.manifest(name, ref, new TextDecoder().decode(bytes), init.headers['content-type']);
      return new Response(null, { status: 201, headers: { 'docker-content-digest': digest } });
    }
    const found = this.manifests.get(ref.startsWith('sha256:') ? `${name}@${ref}` : `${name}:${ref}`);
    if (!found) return new Response('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}', { status: 404 });
    const headers = { 'content-type': found.mediaType, 'docker-content-digest': digestOf(found.bytes) };
    return new Response(init.method === 'HEAD' ? null : new Uint8Array(found.bytes), { status: 200, headers });
  };

  client(): RegistryClient {
    return new RegistryClient({ fetch: this.fetch, sha256 });
  }
}

/** A small image manifest (config + one layer) in `reg` under `name:tag`; its digest. */
export function smallImage(reg: MemoryRegistry, name: string, tag: string): string {
  const config = reg.blob('{"os":"wasi","architecture":"wasm"}');
  const layer = reg.blob(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
  return reg.manifest(name, tag, JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config.digest, size: config.size },
    layers: [{ mediaType: 'application/wasm', digest: layer.digest, size: layer.size }],
  }));
}
