// The image case in the browser (core/suite.ts ImageBench): image.unpack of
// a layer the suite makes itself (bench/image/synthetic.ts, from the root
// image's programs; no registry needed), stored once in an IndexedDB blob
// store of its own (kernel/host/browser/blobstore.ts, database
// 'tabkernel-bench-images', not the page's image store), then unpacked as the
// page's kernel unpacks an image it runs: ImageLayers.trees over
// storeLayerSource with the browser's inflater — the Blob streamed from
// IndexedDB, DecompressionStream('gzip') (kernel/host/browser/inflate.ts), the
// tar reader, a LayerTree (kernel/image/unpack.ts). MB/s counts the tar's
// bytes, as in Node. The other image cases are Node only.
import { IdbBlobStore } from '../../kernel/host/browser/blobstore.js';
import { browserInflate } from '../../kernel/host/browser/inflate.js';
import { browserSha256 } from '../../kernel/host/browser/registry.js';
import { digestOf } from '../../kernel/image/digest.js';
import { putBytes } from '../../kernel/image/store.js';
import { ImageLayers, storeLayerSource, type LayerRef } from '../../kernel/image/rootfs.js';
import { MemoryBudget } from '../../kernel/mm/budget.js';
import type { ImageBench } from '../core/suite.js';
import { syntheticLayer } from '../image/synthetic.js';

const DATABASE = 'tabkernel-bench-images';
const GZIP_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';

export class BrowserImages implements ImageBench {
  private layer: Promise<{ store: IdbBlobStore; ref: LayerRef; tarBytes: number }> | undefined;

  /** `programs`: the root image's bin/ (name → bytes), the layer's wasm code. */
  constructor(private readonly programs: () => Promise<Array<[string, Uint8Array]>>, private readonly log: (line: string) => void) {}

  private stored(): Promise<{ store: IdbBlobStore; ref: LayerRef; tarBytes: number }> {
    this.layer ??= (async () => {
      const t0 = performance.now();
      const l = syntheticLayer(await this.programs());
      const digest = await digestOf(l.gz, browserSha256);
      const store = await IdbBlobStore.open(DATABASE);
      if (!(await store.has(digest))) await putBytes(store, browserSha256, { digest, size: l.gz.length }, l.gz);
      this.log(`  (made the layer: ${(l.gz.length / 1e6).toFixed(1)} MB gzip, ${(l.tarBytes / 1e6).toFixed(1)} MB of tar, ${l.entries} entries, in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      await this.parts(store, digest, l.tarBytes);
      return { store, ref: { digest, mediaType: GZIP_LAYER }, tarBytes: l.tarBytes };
    })();
    return this.layer;
  }

  /**
   * Where an unpack's time goes, once, untimed by the case: the blob read
   * from IndexedDB alone, then also inflated (its output only counted); the
   * rest of an unpack is the tar reader and the layer tree.
   */
  private async parts(store: IdbBlobStore, digest: string, tarBytes: number): Promise<void> {
    const drain = async (chunks: AsyncIterable<Uint8Array>): Promise<number> => {
      let n = 0;
      for await (const c of chunks) n += c.length;
      return n;
    };
    const stream = async () => (await store.stream(digest))!;
    const mbps = (ms: number) => `${(tarBytes / 1e3 / ms).toFixed(0)} MB/s of tar`;
    let t0 = performance.now();
    await drain(await stream());
    const read = performance.now() - t0;
    t0 = performance.now();
    const out = await drain(browserInflate(await stream()));
    const inflate = performance.now() - t0;
    if (out !== tarBytes) throw new Error(`the layer inflated to ${out} bytes, not ${tarBytes}`);
    this.log(`  (parts: reading the blob from IndexedDB ${read.toFixed(0)} ms (${mbps(read)}), reading and inflating it ${inflate.toFixed(0)} ms (${mbps(inflate)}))`);
  }

  async unpackBytes(): Promise<number> {
    return (await this.stored()).tarBytes;
  }

  async unpack(): Promise<number> {
    const { store, ref } = await this.stored();
    // A fresh ImageLayers each time: its per-digest cache would share the first tree.
    const layers = new ImageLayers(storeLayerSource(store, browserInflate), new MemoryBudget(8 * 2 ** 30));
    const t0 = performance.now();
    const trees = await layers.trees([ref]);
    const ms = performance.now() - t0;
    if (trees instanceof Error) throw trees;
    for (const t of trees) t.release();
    return ms;
  }

  /** Drop the layer's blob (the database stays, empty). */
  async cleanup(): Promise<void> {
    if (!this.layer) return;
    const { store, ref } = await this.layer;
    await store.delete(ref.digest);
    store.close();
    this.layer = undefined;
  }
}
