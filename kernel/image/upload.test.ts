// The blob upload state machine (upload.ts) against a registry in memory
// (test/support/fake-registry.ts): which requests, in which order, with which
// ranges and Locations, and what each failure leaves behind. The real
// registry is in test/integration/image-push.test.ts.
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { digestOf, FakeRegistry } from '../../test/support/fake-registry.js';
import type { Sha256Factory } from './digest.js';
import { RegistryClient } from './registry.js';
import { memoryBlobs, rechunk, uploadBlob, type BlobSource, type UploadOptions } from './upload.js';

const sha256: Sha256Factory = async () => {
  const h = createHash('sha256');
  return { update: (d) => void h.update(d), hex: () => h.digest('hex') };
};

const bytes = (n: number, seed = 1): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);

let reg: FakeRegistry;
beforeEach(() => {
  reg = new FakeRegistry();
});

function blobOf(data: Uint8Array): { desc: { mediaType: string; digest: string; size: number }; source: BlobSource } {
  const digest = digestOf(data);
  return { desc: { mediaType: 'application/octet-stream', digest, size: data.length }, source: memoryBlobs([[digest, data]]) };
}

function upload(data: Uint8Array, more: Partial<UploadOptions> = {}, repo = 'tk/app') {
  const { desc, source } = blobOf(data);
  return uploadBlob(reg.host, repo, desc, source, { client: new RegistryClient({ fetch: reg.fetch, sha256 }), sha256, ...more });
}

describe('a blob the registry has', () => {
  it('is not sent: one HEAD answers 200 and the outcome is "exists"', async () => {
    const data = bytes(100);
    reg.put('tk/app', data);
    expect(await upload(data)).toBe('exists');
    expect(reg.requests()).toEqual([`HEAD /v2/tk/app/blobs/${digestOf(data)}`]);
  });

  it('is not sent either when HEAD answers with a redirect to where it is kept, which is not followed', async () => {
    const data = bytes(100);
    reg.put('tk/app', data);
    reg.redirectHead = true;
    expect(await upload(data)).toBe('exists');
    expect(reg.seen).toHaveLength(1);
  });
});

describe('a small blob', () => {
  it('goes by POST, then one PUT with its bytes and ?digest= at the Location', async () => {
    const data = bytes(1000);
    const d = digestOf(data);
    expect(await upload(data)).toBe('pushed');
    expect(reg.requests()).toEqual([
      `HEAD /v2/tk/app/blobs/${d}`,
      'POST /v2/tk/app/blobs/uploads/',
      `PUT /v2/tk/app/blobs/uploads/u1?_state=0&digest=${encodeURIComponent(d)}`,
    ]);
    const put = reg.seen.at(-1)!;
    expect(put.headers['content-type']).toBe('application/octet-stream');
    expect(Buffer.from(put.body!).equals(Buffer.from(data))).toBe(true);
    expect(reg.has('tk/app', d)).toBe(true);
  });

  it('follows an absolute Location as well as a relative one', async () => {
    reg.absolute = true;
    expect(await upload(bytes(10))).toBe('pushed');
    expect(reg.seen.at(-1)!.url.href).toMatch(/^https:\/\/reg\.example\.com\/v2\/tk\/app\/blobs\/uploads\/u1\?_state=0&digest=sha256%3A/);
  });
});

describe('a large blob', () => {
  it('goes in PATCHes of the chunk size with Content-Range, each to the newest Location, then an empty PUT', async () => {
    const data = bytes(25);
    const seen: number[] = [];
    expect(await upload(data, { chunkSize: 10, onBytes: (n) => seen.push(n) })).toBe('pushed');
    const patches = reg.seen.filter((s) => s.method === 'PATCH');
    expect(patches.map((p) => [p.url.search, p.headers['content-range'], p.body!.length])).toEqual([
      ['?_state=0', '0-9', 10],
      ['?_state=1', '10-19', 10],
      ['?_state=2', '20-24', 5],
    ]);
    const put = reg.seen.at(-1)!;
    expect([put.method, put.url.search, put.body!.length]).toEqual(['PUT', `?_state=3&digest=${encodeURIComponent(digestOf(data))}`, 0]);
    expect(seen).toEqual([10, 20, 25, 25]);
    expect(Buffer.from(reg.blobs.get(digestOf(data))!).equals(Buffer.from(data))).toBe(true);
  });

  it('sends chunks no smaller than the OCI-Chunk-Min-Length the registry asks for', async () => {
    reg.minChunk = 16;
    await upload(bytes(40), { chunkSize: 10 });
    expect(reg.seen.filter((s) => s.method === 'PATCH').map((p) => p.headers['content-range'])).toEqual(['0-15', '16-31', '32-39']);
  });

  it('begins once more when the registry forgets the session midway (404 BLOB_UPLOAD_UNKNOWN)', async () => {
    reg.forgetAfterPatches = 1;
    const data = bytes(25);
    expect(await upload(data, { chunkSize: 10 })).toBe('pushed');
    expect(reg.requests().filter((r) => r.startsWith('POST'))).toHaveLength(2);
    expect(reg.has('tk/app', digestOf(data))).toBe(true);
  });

  it('stops with 416 when the registry refuses a chunk as out of order, and cancels the session', async () => {
    reg.failPatch = { n: 2, status: 416 };
    await expect(upload(bytes(25), { chunkSize: 10 })).rejects.toThrow(/refused bytes 10-19 \(out of order\)/);
    expect(reg.requests().at(-1)).toMatch(/^DELETE \/v2\/tk\/app\/blobs\/uploads\/u1\?_state=1$/);
  });

  it('stops when the registry says it holds less than was sent', async () => {
    reg.shortRange = true;
    await expect(upload(bytes(25), { chunkSize: 10 })).rejects.toThrow(/holds bytes 0-8 of the upload, not 0-9/);
  });

  it('names a registry error (5xx) and cancels the session, storing nothing', async () => {
    reg.failPatch = { n: 1, status: 503 };
    const data = bytes(25);
    await expect(upload(data, { chunkSize: 10 })).rejects.toThrow(/PATCH blob sha256:[0-9a-f]{64} to reg\.example\.com\/tk\/app \(bytes 0-9\): HTTP 503: UNKNOWN/);
    expect(reg.requests().at(-1)).toMatch(/^DELETE /);
    expect(reg.has('tk/app', digestOf(data))).toBe(false);
  });
});

describe('a local blob that does not match its descriptor', () => {
  it('is refused before the closing PUT (the registry keeps nothing) and the session cancelled', async () => {
    const data = bytes(25);
    const digest = digestOf(data);
    const bad = bytes(25, 2);
    const source = memoryBlobs([[digest, bad]]);
    const client = new RegistryClient({ fetch: reg.fetch, sha256 });
    await expect(uploadBlob(reg.host, 'tk/app', { mediaType: 'x', digest, size: 25 }, source, { client, sha256, chunkSize: 10 }))
      .rejects.toThrow(/the local copy is damaged \(content hashes to sha256:/);
    expect(reg.requests().some((r) => r.startsWith('PUT'))).toBe(false);
    expect(reg.requests().at(-1)).toMatch(/^DELETE /);
  });

  it('is refused when it has more bytes than the descriptor says', async () => {
    const data = bytes(10);
    const { source } = blobOf(bytes(12));
    const client = new RegistryClient({ fetch: reg.fetch, sha256 });
    const desc = { mediaType: 'x', digest: digestOf(data), size: 10 };
    const longer = { get: source.get, stream: () => source.stream(digestOf(bytes(12))) };
    await expect(uploadBlob(reg.host, 'tk/app', desc, longer, { client, sha256 })).rejects.toThrow(/more than the 10 bytes/);
  });
});

describe('a store that fails to read', () => {
  it('fails the upload with the read error, raised while a chunk is on the wire, and cancels the session', async () => {
    const data = bytes(25);
    const desc = { mediaType: 'x', digest: digestOf(data), size: 25 };
    const source: BlobSource = {
      get: async () => undefined,
      stream: async () => (async function* () {
        yield data.slice(0, 10);
        throw new Error('EIO: read error');
      })(),
    };
    const client = new RegistryClient({ fetch: reg.fetch, sha256 });
    reg.delayMs = 20;
    await expect(uploadBlob(reg.host, 'tk/app', desc, source, { client, sha256, chunkSize: 10 })).rejects.toThrow('EIO: read error');
    expect(reg.requests().map((r) => r.split(' ')[0])).toEqual(['HEAD', 'POST', 'PATCH', 'DELETE']);
  });
});

describe('cross-repository mounts', () => {
  it('mount the blob from the repository named (201): nothing is uploaded', async () => {
    const data = bytes(100);
    reg.put('tk/base', data);
    expect(await upload(data, { mountFrom: 'tk/base' })).toBe('mounted');
    expect(reg.requests()[1]).toBe(`POST /v2/tk/app/blobs/uploads/?mount=${encodeURIComponent(digestOf(data))}&from=tk%2Fbase`);
    expect(reg.requests()).toHaveLength(2);
    expect(reg.has('tk/app', digestOf(data))).toBe(true);
  });

  it('upload into the session a refused mount opens (202)', async () => {
    const data = bytes(100);
    reg.put('tk/base', data);
    reg.mounts = false;
    expect(await upload(data, { mountFrom: 'tk/base' })).toBe('pushed');
    expect(reg.requests().map((r) => r.split(' ')[0])).toEqual(['HEAD', 'POST', 'PUT']);
  });

  it('ask for a token granting pull,push on the destination and pull on the source', async () => {
    reg.bearer = true;
    const data = bytes(100);
    reg.put('tk/base', data);
    expect(await upload(data, { mountFrom: 'tk/base' })).toBe('mounted');
    const tokens = reg.seen.filter((s) => s.url.host === 'auth.example.com').map((s) => s.url.searchParams.getAll('scope'));
    expect(tokens).toEqual([['repository:tk/app:pull,push'], ['repository:tk/app:pull,push', 'repository:tk/base:pull']]);
  });
});

describe('authentication', () => {
  it('gets one pull,push token and sends it with every request of the upload', async () => {
    reg.bearer = true;
    expect(await upload(bytes(25), { chunkSize: 10 })).toBe('pushed');
    const registry = reg.seen.filter((s) => s.url.host === reg.host);
    // The first HEAD meets the challenge; everything after carries the token.
    expect(registry[0].headers.authorization).toBeUndefined();
    expect(registry.slice(1).every((s) => s.headers.authorization === 'Bearer tok:repository:tk/app:pull,push')).toBe(true);
    expect(reg.seen.filter((s) => s.url.host === 'auth.example.com')).toHaveLength(1);
  });
});

describe('rechunk', () => {
  it('regroups any chunks into pieces of the size asked, the last shorter', async () => {
    async function* parts() {
      yield bytes(3);
      yield bytes(9, 5);
      yield bytes(1, 9);
    }
    const out: number[] = [];
    const all: Uint8Array[] = [];
    for await (const c of rechunk(parts(), 5)) {
      out.push(c.length);
      all.push(c.slice());
    }
    expect(out).toEqual([5, 5, 3]);
    expect(Buffer.concat(all).equals(Buffer.concat([bytes(3), bytes(9, 5), bytes(1, 9)]))).toBe(true);
  });
});
