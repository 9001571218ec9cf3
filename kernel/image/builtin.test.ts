import { describe, expect, it } from 'vitest';
import { describeLayout, layoutBytes, layoutFetch, type LayoutFile } from './builtin.js';
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

describe('layoutFetch: files as the host reads them', () => {
  it('passes a blob on chunk by chunk as the file is read, with the file\'s size as its Content-Length', async () => {
    const chunks = ['one ', 'two ', 'three'].map((c) => enc.encode(c));
    let reads = 0;
    const streamed: LayoutFile = {
      size: 13,
      body: { getReader: () => ({ read: async () => (reads < chunks.length ? { done: false, value: chunks[reads++] } : { done: true }), cancel: async () => {} }) },
    };
    const f = layoutFetch(async (path) => (path === `toolchain/blobs/sha256/${L_HEX}` ? streamed : undefined));
    const r = await f(`https://builtin/v2/toolchain/blobs/sha256:${L_HEX}`, { method: 'GET', headers: {}, redirect: 'manual' });
    expect(r.headers.get('content-length')).toBe('13');
    const reader = r.body!.getReader();
    const got: string[] = [];
    for (let c = await reader.read(); !c.done; c = await reader.read()) got.push(new TextDecoder().decode(c.value));
    expect(got).toEqual(['one ', 'two ', 'three']);
  });

  it('closes a file unread for HEAD', async () => {
    let cancelled = false;
    const file: LayoutFile = { size: 5, body: { getReader: () => ({ read: async () => ({ done: true }), cancel: async () => void (cancelled = true) }) } };
    const f = layoutFetch(async () => file);
    const r = await f(`https://builtin/v2/toolchain/blobs/sha256:${L_HEX}`, { method: 'HEAD', headers: {}, redirect: 'manual' });
    expect(r.headers.get('content-length')).toBe('5');
    expect(cancelled).toBe(true);
  });
});

describe('describeLayout: a built-in image as the page lists it', () => {
  it('gives the name, the latest manifest\'s digest and the layers\' size', async () => {
    const layered = enc.encode(JSON.stringify({ schemaVersion: 2, config: { size: 1000 }, layers: [{ size: 7 }, { size: 105 }] }));
    const read = async (path: string) => {
      if (path === 'toolchain/index.json') return layoutBytes(files['toolchain/index.json']);
      return path === `toolchain/blobs/sha256/${M_HEX}` ? layoutBytes(layered) : undefined;
    };
    expect(await describeLayout(read, 'toolchain')).toEqual({ name: 'toolchain', digest: `sha256:${M_HEX}`, size: 112 });
  });

  it('is an Error for a layout without index.json', async () => {
    expect(await describeLayout(async () => undefined, 'toolchain')).toBeInstanceOf(Error);
  });
});
