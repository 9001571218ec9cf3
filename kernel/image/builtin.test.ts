import { describe, expect, it } from 'vitest';
import { layoutBytes, layoutFetch } from './builtin.js';
import type { FetchResponse } from './registry.js';

const enc = new TextEncoder();
const MANIFEST = enc.encode(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', layers: [] }));
const M_HEX = 'b'.repeat(64);
const L_HEX = 'c'.repeat(64);
const files: Record<string, Uint8Array> = {
  'toolchain/index.json': enc.encode(JSON.stringify({
    schemaVersion: 2,
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${M_HEX}`, size: MANIFEST.length, annotations: { 'org.opencontainers.image.ref.name': 'latest' } }],
  })),
  [`toolchain/blobs/sha256/${M_HEX}`]: MANIFEST,
  [`toolchain/blobs/sha256/${L_HEX}`]: enc.encode('layer bytes'),
};
const fetch = layoutFetch(async (path) => (files[path] ? layoutBytes(files[path]) : undefined));
const get = (path: string, method: 'GET' | 'HEAD' | 'PUT' = 'GET') => fetch(`https://builtin${path}`, { method, headers: {}, redirect: 'manual' });

async function body(r: FetchResponse): Promise<string> {
  const reader = r.body!.getReader();
  let s = '';
  for (let c = await reader.read(); !c.done; c = await reader.read()) s += new TextDecoder().decode(c.value);
  return s;
}

describe('layoutFetch: the built-in images as a registry', () => {
  it('answers /v2/ as a registry that needs no authentication', async () => {
    expect((await get('/v2/')).status).toBe(200);
  });

  it('serves a tag\'s manifest from index.json with its media type and digest', async () => {
    const r = await get('/v2/toolchain/manifests/latest');
    expect(r.status).toBe(200);
    expect(r.headers.get('Content-Type')).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(r.headers.get('Docker-Content-Digest')).toBe(`sha256:${M_HEX}`);
    expect(await body(r)).toBe(new TextDecoder().decode(MANIFEST));
  });

  it('serves a blob by its digest, and HEAD with no body', async () => {
    expect(await body(await get(`/v2/toolchain/blobs/sha256:${L_HEX}`))).toBe('layer bytes');
    const head = await get(`/v2/toolchain/blobs/sha256:${L_HEX}`, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('11');
    expect(await body(head)).toBe('');
  });

  it('answers 404 for an unknown tag, blob or image and for root (no layout), 405 for writes', async () => {
    expect((await get('/v2/toolchain/manifests/v9')).status).toBe(404);
    expect((await get(`/v2/toolchain/blobs/sha256:${'d'.repeat(64)}`)).status).toBe(404);
    expect((await get('/v2/alpine/manifests/latest')).status).toBe(404);
    expect((await get('/v2/root/manifests/latest')).status).toBe(404);
    expect((await get('/v2/toolchain/blobs/sha256:../../x')).status).toBe(404);
    expect((await get('/v2/toolchain/manifests/latest', 'PUT')).status).toBe(405);
  });
});
