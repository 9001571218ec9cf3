// Pushing manifests and indexes (push.ts) against a registry in memory
// (test/support/fake-registry.ts): blobs before the manifest, manifests
// before their index, the digest check, progress, and what the store's refs
// make mountable. The real registry is in test/integration/image-push.test.ts.
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { digestOf, FakeRegistry } from '../../test/support/fake-registry.js';
import type { Sha256Factory } from './digest.js';
import { MediaType, type Descriptor } from './media.js';
import type { LayerProgress } from './pull.js';
import { pushImage, pushManifest, type PushOptions } from './push.js';
import { RegistryClient } from './registry.js';
import type { BlobStore } from './store.js';
import { memoryBlobs } from './upload.js';

const sha256: Sha256Factory = async () => {
  const h = createHash('sha256');
  return { update: (d) => void h.update(d), hex: () => h.digest('hex') };
};
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

let reg: FakeRegistry;
beforeEach(() => {
  reg = new FakeRegistry();
});

/** An image: a config, two layers and the manifest naming them, and a source holding all four. */
function image(seed: string) {
  const config = enc(`{"os":"wasi","architecture":"wasm","seed":"${seed}"}`);
  const layers = [enc(`layer one ${seed}`), enc(`layer two ${seed}`)];
  const desc = (b: Uint8Array, mediaType: string): Descriptor => ({ mediaType, digest: digestOf(b), size: b.length });
  const manifest = enc(JSON.stringify({
    schemaVersion: 2, mediaType: MediaType.OCI_MANIFEST,
    config: desc(config, MediaType.OCI_CONFIG),
    layers: layers.map((l) => desc(l, 'application/vnd.oci.image.layer.v1.tar+gzip')),
  }));
  const blobs: Array<[string, Uint8Array]> = [[digestOf(config), config], ...layers.map((l): [string, Uint8Array] => [digestOf(l), l]), [digestOf(manifest), manifest]];
  return { config, layers, manifest, digest: digestOf(manifest), blobs };
}

const opts = (more: Partial<PushOptions> = {}): PushOptions => ({ registry: new RegistryClient({ fetch: reg.fetch, sha256 }), sha256, ...more });

/** A store in memory with the given blobs and refs. */
function memoryStore(blobs: Array<[string, Uint8Array]>, refs: Record<string, Descriptor>): BlobStore & { refMap: Map<string, Descriptor> } {
  const src = memoryBlobs(blobs);
  const map = new Map(blobs);
  const refMap = new Map(Object.entries(refs));
  return {
    refMap,
    has: async (d) => map.has(d),
    get: src.get,
    stream: src.stream,
    create: () => Promise.reject(new Error('read-only')),
    delete: async () => undefined,
    list: async () => [...map.keys()],
    refs: async () => new Map(refMap),
    setRef: async (r, d) => void refMap.set(r, d),
    deleteRef: async (r) => refMap.delete(r),
  };
}

describe('pushManifest', () => {
  it('sends the layers, then the config, then the manifest by tag with its media type', async () => {
    const img = image('a');
    const r = await pushManifest(`${reg.host}/tk/app:1`, { bytes: img.manifest }, memoryBlobs(img.blobs), opts());
    expect(r).toMatchObject({ reference: `${reg.host}/tk/app:1`, digest: img.digest, size: img.manifest.length, mediaType: MediaType.OCI_MANIFEST });
    expect(r.blobs.map((b) => b.outcome)).toEqual(['pushed', 'pushed', 'pushed']);
    const puts = reg.requests().filter((q) => q.startsWith('PUT'));
    expect(puts.map((q) => /digest=([^&]+)/.exec(q)?.[1] ?? q)).toEqual([
      encodeURIComponent(digestOf(img.layers[0])), encodeURIComponent(digestOf(img.layers[1])), encodeURIComponent(digestOf(img.config)),
      'PUT /v2/tk/app/manifests/1',
    ]);
    expect(reg.seen.at(-1)!.headers['content-type']).toBe(MediaType.OCI_MANIFEST);
    expect(Buffer.from(reg.manifests.get('tk/app:1')!.bytes).equals(Buffer.from(img.manifest))).toBe(true);
  });

  it('reports each blob: its start, and its end with what became of it', async () => {
    const img = image('b');
    reg.put('tk/app', img.layers[0]);
    const seen: LayerProgress[] = [];
    await pushManifest(`${reg.host}/tk/app:1`, { bytes: img.manifest }, memoryBlobs(img.blobs), opts({ onProgress: (p) => seen.push(p) }));
    expect(seen.map((p) => [p.index, p.count, p.done === p.total, p.cached, p.outcome])).toEqual([
      [0, 3, false, false, undefined], [0, 3, true, true, 'exists'],
      [1, 3, false, false, undefined], [1, 3, true, false, 'pushed'],
      [2, 3, false, false, undefined], [2, 3, true, false, 'pushed'],
    ]);
  });

  it('pushes by digest when the reference names only one, and refuses a digest that is not the manifest’s', async () => {
    const img = image('c');
    await pushManifest(`${reg.host}/tk/app@${img.digest}`, { bytes: img.manifest }, memoryBlobs(img.blobs), opts());
    expect(reg.requests().at(-1)).toBe(`PUT /v2/tk/app/manifests/${img.digest}`);
    const other = digestOf('other');
    await expect(pushManifest(`${reg.host}/tk/app@${other}`, { bytes: img.manifest }, memoryBlobs(img.blobs), opts()))
      .rejects.toThrow(/the manifest to push is sha256:[0-9a-f]{64}, not the digest the reference names/);
  });

  it('fails when the registry’s Docker-Content-Digest is not the manifest’s', async () => {
    const img = image('d');
    reg.lieAboutManifest = true;
    await expect(pushManifest(`${reg.host}/tk/app:1`, { bytes: img.manifest }, memoryBlobs(img.blobs), opts()))
      .rejects.toThrow(new RegExp(`the registry says it stored ${digestOf('something else')}: digest mismatch`));
  });

  it('leaves the tag alone when a blob fails: no manifest is sent', async () => {
    const img = image('e');
    const missing = img.blobs.filter(([d]) => d !== digestOf(img.config));
    await expect(pushManifest(`${reg.host}/tk/app:1`, { bytes: img.manifest }, memoryBlobs(missing), opts())).rejects.toThrow(/not in the local store/);
    expect(reg.requests().some((q) => q.includes('/manifests/'))).toBe(false);
  });

  it('pushes an index’s manifests and their blobs by digest first, then the index by tag', async () => {
    const a = image('x');
    const b = image('y');
    const index = enc(JSON.stringify({
      schemaVersion: 2, mediaType: MediaType.OCI_INDEX,
      manifests: [a, b].map((i, n) => ({ mediaType: MediaType.OCI_MANIFEST, digest: i.digest, size: i.manifest.length, platform: { os: n ? 'linux' : 'wasi', architecture: 'wasm' } })),
    }));
    const r = await pushManifest(`${reg.host}/tk/multi:1`, { bytes: index }, memoryBlobs([...a.blobs, ...b.blobs]), opts());
    expect(r).toMatchObject({ digest: digestOf(index), mediaType: MediaType.OCI_INDEX });
    expect(r.blobs).toHaveLength(6);
    expect(reg.requests().filter((q) => q.includes('/manifests/'))).toEqual([
      `PUT /v2/tk/multi/manifests/${a.digest}`, `PUT /v2/tk/multi/manifests/${b.digest}`, 'PUT /v2/tk/multi/manifests/1',
    ]);
    expect(reg.seen.at(-1)!.headers['content-type']).toBe(MediaType.OCI_INDEX);
  });

  it('uploads a blob named twice once', async () => {
    const config = enc('{}');
    const layer = enc('same');
    const d = (b: Uint8Array) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: digestOf(b), size: b.length });
    const manifest = enc(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OCI_MANIFEST, config: d(config), layers: [d(layer), d(layer)] }));
    const r = await pushManifest(`${reg.host}/tk/twice:1`, { bytes: manifest }, memoryBlobs([[digestOf(config), config], [digestOf(layer), layer]]), opts());
    expect(r.blobs.map((b) => b.outcome)).toEqual(['pushed', 'pushed']);
    expect(reg.requests().filter((q) => q.startsWith('POST'))).toHaveLength(2);
  });
});

describe('pushImage', () => {
  it('mounts from the repository of the store’s ref on the same registry, and names the image by its destination too', async () => {
    const img = image('m');
    for (const [, b] of img.blobs.slice(0, 3)) reg.put('tk/app', b);
    const target = { mediaType: MediaType.OCI_MANIFEST, digest: img.digest, size: img.manifest.length };
    const store = memoryStore(img.blobs, { [`${reg.host}/tk/app:1`]: target });
    const r = await pushImage(`${reg.host}/tk/app:1`, `${reg.host}/tk/copy:2`, store, opts());
    expect(r.blobs.map((b) => b.outcome)).toEqual(['mounted', 'mounted', 'mounted']);
    expect(store.refMap.get(`${reg.host}/tk/copy:2`)).toEqual(target);
  });

  it('mounts from another image of the store that came from the destination registry', async () => {
    const img = image('n');
    for (const [, b] of img.blobs.slice(0, 3)) reg.put('tk/other', b);
    const target = { mediaType: MediaType.OCI_MANIFEST, digest: img.digest, size: img.manifest.length };
    const store = memoryStore(img.blobs, { 'elsewhere.example.com/tk/app:1': target, [`${reg.host}/tk/other:7`]: target });
    const r = await pushImage('elsewhere.example.com/tk/app:1', `${reg.host}/tk/new:1`, store, opts());
    expect(r.blobs.map((b) => b.outcome)).toEqual(['mounted', 'mounted', 'mounted']);
  });

  it('pushes to the image’s own reference when no destination is given', async () => {
    const img = image('o');
    const target = { mediaType: MediaType.OCI_MANIFEST, digest: img.digest, size: img.manifest.length };
    const store = memoryStore(img.blobs, { [`${reg.host}/tk/app:1`]: target });
    const r = await pushImage(`${reg.host}/tk/app:1`, undefined, store, opts());
    expect(r.reference).toBe(`${reg.host}/tk/app:1`);
    expect(reg.manifests.has('tk/app:1')).toBe(true);
  });

  it('says so when the store has no such image', async () => {
    await expect(pushImage(`${reg.host}/tk/none:1`, undefined, memoryStore([], {}), opts())).rejects.toThrow(`no image ${reg.host}/tk/none:1 in the store`);
  });
});
