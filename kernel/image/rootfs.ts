// A container's root file system: its image's layers, each read from the
// host's blob store, decompressed, read as tar and unpacked once per digest
// (UnpackedLayers: shared by every container of every image that has it),
// stacked under a fresh writable upper (fs/overlay.ts). A single-module image
// (the CNCF Wasm artifact, runwasi's component-layer type) has no tar: its
// one layer is the module itself, which becomes /app.wasm of a one-file layer.
// Spec: OCI image-spec manifest.md (layers, bottom first) and layer.md;
// the CNCF TAG Runtime "Wasm OCI artifact" layout.
import { errnoLabel, isErr, type Err } from '../abi/errno.js';
import type { BlobFile } from '../fs/blobfile.js';
import type { LayerTree } from '../fs/layer.js';
import { MemFs } from '../fs/memfs.js';
import { Overlay } from '../fs/overlay.js';
import type { MemoryBudget } from '../mm/budget.js';
import { decompressLayer, layerCompression, sniffCompression, type ByteStream, type Inflater } from './compression.js';
import type { LayerEntry } from './entry.js';
import { WASM_LAYER_TYPES, type ImageConfig } from './media.js';
import type { BlobStore } from './store.js';
import type { RunConfig } from './config.js';
import { looksLikeTar, readTar } from './tar.js';
import { UnpackedLayers, type LayerEntries } from './unpack.js';

/** One layer of an image, as its manifest lists it. */
export interface LayerRef {
  digest: string;
  mediaType: string;
}

/** Where layer blobs come from: the host's store (verified when stored), and its native gzip. */
export interface LayerSource {
  /** The blob's bytes as stored (compressed), or an Error if the store has none. */
  blob(digest: string): ByteStream | Error;
  /**
   * The blob in one buffer of its own, for layers stored uncompressed: their
   * files are kept as views of it, not copied (fs/layer.ts). Undefined (or a
   * failure) when the store cannot: the layer is streamed instead.
   */
  whole?(digest: string): Promise<Uint8Array | undefined>;
  /**
   * The blob read where it is stored, for layers stored as uncompressed tars:
   * only their headers are read, and their files' bytes are read from there
   * when used (fs/layer.ts). Undefined (or a failure) when the store cannot.
   */
  file?(digest: string): Promise<BlobFile | undefined>;
  inflate?: Inflater;
}

/** Where a single-module image's module is in its container. */
export const MODULE_PATH = '/app.wasm';

const MODULE_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** A LayerSource over a blob store (what a host pulled into; opened on first use), with the host's gzip. */
export function storeLayerSource(store: BlobStore | (() => Promise<BlobStore>), inflate?: Inflater): LayerSource {
  return {
    blob: (digest) => storedBlob(store, digest),
    whole: async (digest) => (typeof store === 'function' ? await store() : store).get(digest),
    file: async (digest) => (typeof store === 'function' ? await store() : store).file?.(digest),
    inflate,
  };
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

  /**
   * The layers unpacked, bottom first (those already unpacked are shared); an
   * Error names the layer that failed. They are unpacked one after another
   * (a failure stops there: nothing above it is charged to the budget), but
   * the blobs read whole are read from the start, while those below unpack.
   */
  async trees(layers: readonly LayerRef[]): Promise<LayerTree[] | Error> {
    const out: LayerTree[] = [];
    const early = new Map<string, Promise<Uint8Array | undefined>>();
    for (const l of layers) {
      if (!this.unpacked.has(l.digest) && this.readsWhole(l) && !this.readsStored(l)) early.set(l.digest, this.readWhole(l.digest));
    }
    for (const l of layers) {
      let tree: LayerTree | Err;
      try {
        // The blob is opened only when the layer is not unpacked yet.
        tree = await this.unpacked.get(l.digest, () => this.entries(l, early.get(l.digest)));
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

  /** Whether a layer is read where it is stored (an uncompressed tar, from a store that can). */
  private readsStored(l: LayerRef): boolean {
    return this.source.file !== undefined && storedUncompressed(l.mediaType);
  }

  /** Whether a layer's blob is read whole: one stored as it is unpacked (a module, an uncompressed tar). */
  private readsWhole(l: LayerRef): boolean {
    return this.source.whole !== undefined && (WASM_LAYER_TYPES.includes(l.mediaType) || storedUncompressed(l.mediaType));
  }

  /** The blob in one buffer, or undefined when the store cannot give it so (it is streamed then). */
  private readWhole(digest: string): Promise<Uint8Array | undefined> {
    return this.source.whole!(digest).catch(() => undefined);
  }

  /** The layer's entries; `early`: its blob, when trees() started reading it. */
  private async entries(l: LayerRef, early?: Promise<Uint8Array | undefined>): Promise<LayerEntries> {
    const module = WASM_LAYER_TYPES.includes(l.mediaType);
    // A tar where it is stored: its headers are read, its files stay there.
    const stored = this.readsStored(l) ? await this.source.file!(l.digest).catch(() => undefined) : undefined;
    if (stored) {
      let plain = false;
      try {
        const head = new Uint8Array(Math.min(512, stored.size));
        const n = stored.read(head, 0);
        plain = sniffCompression(head.subarray(0, n)) === null && looksLikeTar(head.subarray(0, n));
      } finally {
        if (!plain) stored.close(); // compressed after all, no tar, or unreadable: read as any other
      }
      if (plain) return { entries: readTar(stored), blob: stored };
    }
    // A blob read whole has its files kept as views of it. What decides is
    // what the blob is, not what its type says: one that turns out compressed
    // is decoded (and its files copied) as a streamed one is.
    const whole = this.readsWhole(l) ? await (early ?? this.readWhole(l.digest)) : undefined;
    if (whole) {
      const keep = module || (sniffCompression(whole) === null && looksLikeTar(whole));
      return { entries: module ? moduleEntries(once(whole)) : readTar(decompressLayer(l.mediaType, once(whole), { inflate: this.source.inflate })), keep };
    }
    const blob = this.source.blob(l.digest);
    if (blob instanceof Error) throw blob;
    if (module) return { entries: moduleEntries(blob) };
    return { entries: readTar(decompressLayer(l.mediaType, blob, { inflate: this.source.inflate })) };
  }
}

/** Whether a layer of `mediaType` is stored uncompressed (false for a type this kernel does not read). */
function storedUncompressed(mediaType: string): boolean {
  try {
    return layerCompression(mediaType) === 'none';
  } catch {
    return false;
  }
}

/** `bytes` as a stream of one chunk. */
async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array, void, undefined> {
  yield bytes;
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
