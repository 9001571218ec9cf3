// A container's root file system: its image's layers, each read from the
// host's blob store, decompressed, read as tar and unpacked once per digest
// (UnpackedLayers: shared by every container of every image that has it),
// stacked under a fresh writable upper (fs/overlay.ts). A single-module image
// (the CNCF Wasm artifact, runwasi's component-layer type) has no tar: its
// one layer is the module itself, which becomes /app.wasm of a one-file layer.
// Spec: OCI image-spec manifest.md (layers, bottom first) and layer.md;
// the CNCF TAG Runtime "Wasm OCI artifact" layout.
import { errnoLabel, isErr, type Err } from '../abi/errno.js';
import type { LayerTree } from '../fs/layer.js';
import { MemFs } from '../fs/memfs.js';
import { Overlay } from '../fs/overlay.js';
import type { MemoryBudget } from '../mm/budget.js';
import { decompressLayer, type ByteStream, type Inflater } from './compression.js';
import type { LayerEntry } from './entry.js';
import { WASM_LAYER_TYPES, type ImageConfig } from './media.js';
import type { BlobStore } from './store.js';
import type { RunConfig } from './config.js';
import { readTar } from './tar.js';
import { UnpackedLayers } from './unpack.js';

/** One layer of an image, as its manifest lists it. */
export interface LayerRef {
  digest: string;
  mediaType: string;
}

/** Where layer blobs come from: the host's store (verified when stored), and its native gzip. */
export interface LayerSource {
  /** The blob's bytes as stored (compressed), or an Error if the store has none. */
  blob(digest: string): ByteStream | Error;
  inflate?: Inflater;
}

/** Where a single-module image's module is in its container. */
export const MODULE_PATH = '/app.wasm';

const MODULE_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** A LayerSource over a blob store (what a host pulled into; opened on first use), with the host's gzip. */
export function storeLayerSource(store: BlobStore | (() => Promise<BlobStore>), inflate?: Inflater): LayerSource {
  return { blob: (digest) => storedBlob(store, digest), inflate };
}

/** A blob of the store as a stream; it fails on reading when the store has none. */
async function* storedBlob(store: BlobStore | (() => Promise<BlobStore>), digest: string): AsyncGenerator<Uint8Array, void, undefined> {
  const s = await (typeof store === 'function' ? await store() : store).stream(digest);
  if (!s) throw new Error(`blob ${digest} is not in the image store`);
  yield* s;
}

/** What an image runs (config.ts takes it from here): a single-module image runs its module. */
export function runConfigOf(image: { kind: 'image' | 'wasm-artifact'; config: ImageConfig }): RunConfig {
  return image.kind === 'wasm-artifact' ? { Entrypoint: [MODULE_PATH] } : (image.config.config ?? {});
}

export class ImageLayers {
  private readonly unpacked: UnpackedLayers;

  constructor(private readonly source: LayerSource, private readonly budget: MemoryBudget) {
    this.unpacked = new UnpackedLayers(budget);
  }

  /** The layers unpacked, bottom first (those already unpacked are shared); an Error names the layer that failed. */
  async trees(layers: readonly LayerRef[]): Promise<LayerTree[] | Error> {
    const out: LayerTree[] = [];
    for (const l of layers) {
      let tree: LayerTree | Err;
      try {
        // The blob is opened only when the layer is not unpacked yet.
        tree = await this.unpacked.get(l.digest, () => this.entries(l));
      } catch (e) {
        return new Error(`layer ${l.digest}: ${(e as Error).message}`);
      }
      if (isErr(tree)) return new Error(`layer ${l.digest}: cannot unpack (E${errnoLabel(tree.errno)})`);
      out.push(tree);
    }
    return out;
  }

  /** A new container's root: `layers` under an empty upper charged to the budget. */
  async overlay(layers: readonly LayerRef[]): Promise<Overlay | Error> {
    const trees = await this.trees(layers);
    if (trees instanceof Error) return trees;
    const upper = new MemFs();
    upper.useBudget(this.budget);
    return new Overlay(trees, upper);
  }

  private entries(l: LayerRef): AsyncIterable<LayerEntry> {
    const blob = this.source.blob(l.digest);
    if (blob instanceof Error) throw blob;
    if (WASM_LAYER_TYPES.includes(l.mediaType)) return moduleEntries(blob);
    return readTar(decompressLayer(l.mediaType, blob, { inflate: this.source.inflate }));
  }
}

/** A module layer as a layer of one file, /app.wasm (a core module; a component is refused). */
async function* moduleEntries(blob: ByteStream): AsyncGenerator<LayerEntry, void, undefined> {
  const data: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of blob) {
    data.push(chunk);
    size += chunk.length;
  }
  const head = new Uint8Array(8);
  let at = 0;
  for (const c of data) for (let i = 0; i < c.length && at < 8; i++) head[at++] = c[i];
  if (at < 8 || MODULE_MAGIC.some((b, i) => head[i] !== b)) throw new Error('the layer is not a WebAssembly module');
  // Version 1 is a core module; 0x0d with layer 1 is a component (the component model's binary format).
  if (head[4] !== 1 || head[5] !== 0 || head[6] !== 0 || head[7] !== 0) {
    throw new Error('the module is a WebAssembly component (WASI preview 2), which tabkernel does not run');
  }
  yield {
    path: MODULE_PATH.slice(1), kind: 'file', mode: 0o755, mtime: 0n, uid: 0, gid: 0,
    linkname: '', size, data, devmajor: 0, devminor: 0,
  };
}
