import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sha256Factory } from '../../image/digest.js';
import { MediaType, type Descriptor } from '../../image/media.js';
import { putBytes, putVerified, removeImage } from '../../image/store.js';
import { IdbBlobStore } from './blobstore.js';
import { QuotaError } from './idb.js';

const sha256: Sha256Factory = async () => {
  const h = createHash('sha256');
  return { update: (d) => void h.update(d), hex: () => h.digest('hex') };
};
const digestOf = (b: Uint8Array | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

let n = 0;
const opened: IdbBlobStore[] = [];
/** A store in a database of its own (fake-indexeddb keeps them all in memory). */
async function freshStore(name = `test-${n++}`): Promise<IdbBlobStore> {
  const s = await IdbBlobStore.open(name);
  opened.push(s);
  return s;
}
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

async function* chunked(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

async function collect(it: AsyncIterable<Uint8Array> | undefined): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of it ?? []) parts.push(c);
  return Buffer.concat(parts);
}

/** A manifest of `layers` (plus a config) stored with its blobs; its descriptor. */
async function storeImage(store: IdbBlobStore, config: string, layers: string[]): Promise<Descriptor> {
  const desc = (s: string, mediaType: string): Descriptor => ({ mediaType, digest: digestOf(s), size: bytes(s).length });
  for (const l of layers) await putBytes(store, sha256, desc(l, 'application/vnd.oci.image.layer.v1.tar+gzip'), bytes(l));
  await putBytes(store, sha256, desc(config, MediaType.OCI_CONFIG), bytes(config));
  const manifest = JSON.stringify({
    schemaVersion: 2, mediaType: MediaType.OCI_MANIFEST,
    config: desc(config, MediaType.OCI_CONFIG), layers: layers.map((l) => desc(l, 'application/vnd.oci.image.layer.v1.tar+gzip')),
  });
  const target = desc(manifest, MediaType.OCI_MANIFEST);
  await putBytes(store, sha256, target, bytes(manifest));
  return target;
}

describe('IdbBlobStore', () => {
  it('stores a verified blob and gives it back whole, as a stream, in list() and has()', async () => {
    const store = await freshStore();
    const data = new Uint8Array(3 * (1 << 20) + 12345).map((_, i) => (i * 7) & 0xff);
    const digest = digestOf(data);
    expect(await store.has(digest)).toBe(false);
    expect(await store.get(digest)).toBeUndefined();
    expect(await store.stream(digest)).toBeUndefined();
    await putVerified(store, sha256, { digest, size: data.length }, chunked(data, 65_537));
    expect(await store.has(digest)).toBe(true);
    expect(Buffer.from((await store.get(digest))!).equals(data)).toBe(true);
    const streamed = await collect(await store.stream(digest));
    expect(Buffer.from(streamed).equals(data)).toBe(true);
    expect(await store.list()).toEqual([digest]);
  });

  it('keeps nothing of a blob whose bytes do not match its digest', async () => {
    const store = await freshStore();
    const good = bytes('the real layer');
    await expect(putVerified(store, sha256, { digest: digestOf(good), size: good.length }, chunked(bytes('a tampered one'), 4))).rejects.toThrow(/sha256/);
    expect(await store.has(digestOf(good))).toBe(false);
    expect(await store.list()).toEqual([]);
  });

  it('shows nothing under the digest before commit, and nothing after abort', async () => {
    const store = await freshStore();
    const digest = digestOf('x');
    const w = await store.create(digest);
    await w.write(bytes('x'));
    expect(await store.has(digest)).toBe(false);
    await w.abort();
    expect(await store.has(digest)).toBe(false);
    await expect(w.commit()).rejects.toThrow(/after abort/);
  });

  it('survives a reopen: blobs and refs are in the database, not the object', async () => {
    const store = await freshStore('reopen');
    const target = await storeImage(store, '{"os":"wasi"}', ['layer one']);
    await store.setRef('127.0.0.1:5000/tk/a:1', target);
    store.close();
    const again = await freshStore('reopen');
    expect(await again.refs()).toEqual(new Map([['127.0.0.1:5000/tk/a:1', target]]));
    expect(new TextDecoder().decode(await again.get(digestOf('layer one')))).toBe('layer one');
  });

  it('sets, replaces, lists and deletes refs', async () => {
    const store = await freshStore();
    const a: Descriptor = { mediaType: MediaType.OCI_MANIFEST, digest: digestOf('a'), size: 1 };
    const b: Descriptor = { mediaType: MediaType.OCI_MANIFEST, digest: digestOf('b'), size: 1 };
    await store.setRef('r/x:1', a);
    await store.setRef('r/y:1', a);
    await store.setRef('r/x:1', b);
    expect(await store.refs()).toEqual(new Map([['r/x:1', b], ['r/y:1', a]]));
    expect(await store.deleteRef('r/x:1')).toBe(true);
    expect(await store.deleteRef('r/x:1')).toBe(false);
    expect([...(await store.refs()).keys()]).toEqual(['r/y:1']);
  });

  it('removes an image and the blobs only it used, keeping those another image shares', async () => {
    const store = await freshStore();
    const one = await storeImage(store, '{"n":1}', ['shared layer', 'only in one']);
    const two = await storeImage(store, '{"n":2}', ['shared layer', 'only in two']);
    await store.setRef('r/one:1', one);
    await store.setRef('r/two:1', two);
    const deleted = await removeImage(store, 'r/one:1');
    expect(new Set(deleted)).toEqual(new Set([one.digest, digestOf('{"n":1}'), digestOf('only in one')]));
    expect(await store.has(digestOf('shared layer'))).toBe(true);
    expect(await store.has(digestOf('only in two'))).toBe(true);
    expect(await store.has(two.digest)).toBe(true);
    expect([...(await store.refs()).keys()]).toEqual(['r/two:1']);
    await expect(store.remove('r/one:1')).rejects.toThrow(/no image r\/one:1/);
  });

  it('reports a full quota as QuotaError and stores no part of the blob', async () => {
    const store = await freshStore();
    const kept = bytes('stored before the quota ran out');
    await putBytes(store, sha256, { digest: digestOf(kept), size: kept.length }, kept);
    // The browser aborts the transaction with QuotaExceededError once the put is queued.
    const proto = IDBObjectStore.prototype as unknown as { put: (...a: unknown[]) => IDBRequest };
    const put = proto.put;
    proto.put = function (this: IDBObjectStore, ...args: unknown[]) {
      const req = put.apply(this, args);
      (this.transaction as unknown as { _abort(name: string): void })._abort('QuotaExceededError');
      return req;
    };
    const big = new Uint8Array(2 << 20).fill(7);
    try {
      const err = await putVerified(store, sha256, { digest: digestOf(big), size: big.length }, chunked(big, 1 << 16)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(QuotaError);
      expect((err as Error).message).toMatch(/^the browser's storage quota is full: blob sha256:[0-9a-f]{64} \(2097152 bytes\) was not stored/);
    } finally {
      proto.put = put;
    }
    expect(await store.has(digestOf(big))).toBe(false);
    expect(await store.list()).toEqual([digestOf(kept)]);
  });

  it('keeps the build cache\'s entries across a reopen', async () => {
    const name = `test-${n++}`;
    const layer = { digest: digestOf('layer'), diffId: digestOf('tar'), size: 5, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' };
    const store = await freshStore(name);
    expect(await store.buildCache().get('sha256:key')).toBeUndefined();
    await store.buildCache().put('sha256:key', layer);
    store.close();
    const again = await freshStore(name);
    expect(await again.buildCache().get('sha256:key')).toEqual(layer);
  });

  it('upgrades a database of version 1: its blobs and refs stay, the build cache is added', async () => {
    const name = `test-${n++}`;
    const { openDB } = await import('idb');
    const v1 = await openDB(name, 1, { upgrade: (db) => ['blobs', 'refs'].forEach((s) => db.createObjectStore(s)) });
    await v1.put('refs', { mediaType: MediaType.OCI_MANIFEST, digest: digestOf('m'), size: 1 }, 'r/kept:1');
    v1.close();
    const store = await freshStore(name);
    expect([...(await store.refs()).keys()]).toEqual(['r/kept:1']);
    await store.buildCache().put('k', { digest: digestOf('l'), diffId: digestOf('t'), size: 1, mediaType: 'x' });
    expect((await store.buildCache().get('k'))?.size).toBe(1);
  });
});
