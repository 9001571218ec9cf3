// The images a host keeps, as one service over its blob store and registry
// client: what the shell's `image` command (kernel/syscall/image.ts) and a
// host's own front end (the CLI, the page) ask for — pull (what the store has
// is not fetched again), inspect, list, remove — and where a container's
// layers come from (LayerSource, for image/rootfs.ts). Node builds it on a
// directory store (kernel/host/node), the browser on IndexedDB. Every image it
// hands out was admitted by the policy in force (policy/admission.ts): the
// host says where that policy comes from.
import { MemoryBuildCache, type BuildCache } from './buildcache.js';
import type { Inflater } from './compression.js';
import type { Sha256Factory } from './digest.js';
import { fetchAdmitted, storedAdmitted } from '../policy/admission.js';
import { Policy } from '../policy/policy.js';
import { cachedImage, type ImageDescription, type LayerProgress } from './pull.js';
import { pushImage, type PushResult } from './push.js';
import { formatReference, parseReference } from './reference.js';
import type { RegistryClient } from './registry.js';
import { storeLayerSource, type LayerSource } from './rootfs.js';
import { removeImage, type BlobStore } from './store.js';

/** One line of `image ls`. */
export interface ImageSummary {
  reference: string;
  /** Undefined when the store lacks part of the image (an interrupted pull). */
  image?: ImageDescription;
}

export class ImageService {
  /** Where containers' layers come from: this store, and the host's gzip. */
  readonly layers: LayerSource;
  private opened: Promise<BlobStore> | null = null;
  private cacheOpened: Promise<BuildCache> | null = null;

  /** `openStore` runs on first use (a CLI run that uses no image creates no cache directory). */
  constructor(
    private readonly openStore: () => Promise<BlobStore>,
    /** The client for a registry host (the page picks direct or its proxy per host). */
    private readonly registry: RegistryClient | ((host: string) => Promise<RegistryClient>),
    /** The host's incremental SHA-256 (builds hash their layers with it too). */
    readonly sha256: Sha256Factory,
    inflate?: Inflater,
    /** The policy in force, asked for at each fetch (the host may reload it); default: the built-in one. */
    readonly policy: () => Promise<Policy> = async () => Policy.builtIn(),
    /** The build cache's index (image/buildcache.ts), beside the store; absent: one in memory. */
    private readonly openBuildCache: () => Promise<BuildCache> = async () => new MemoryBuildCache(),
  ) {
    this.layers = storeLayerSource(() => this.store(), inflate);
  }

  store(): Promise<BlobStore> {
    return (this.opened ??= this.openStore());
  }

  buildCache(): Promise<BuildCache> {
    return (this.cacheOpened ??= this.openBuildCache());
  }

  /**
   * `ref` pulled from its registry (`always`), or from the store if it holds
   * it whole; either way admitted by the policy (PolicyDeniedError if not).
   */
  async fetch(ref: string, onProgress?: (p: LayerProgress) => void, always = false): Promise<ImageDescription> {
    const r = parseReference(ref);
    if (r instanceof Error) throw r;
    const registry = () => this.client(r.registry);
    return fetchAdmitted(r, { policy: await this.policy(), registry, store: await this.store(), sha256: this.sha256, onProgress, always });
  }

  /** Push the image the store names `src` to `dest` (default: `src`); the store names it `dest` too afterwards. */
  async push(src: string, dest?: string, onProgress?: (p: LayerProgress) => void): Promise<PushResult> {
    const d = parseReference(dest ?? src);
    if (d instanceof Error) throw d;
    return pushImage(src, dest, await this.store(), { registry: await this.client(d.registry), sha256: this.sha256, onProgress });
  }

  private async client(host: string): Promise<RegistryClient> {
    return typeof this.registry === 'function' ? this.registry(host) : this.registry;
  }

  /** `ref` from the store alone. */
  async inspect(ref: string): Promise<ImageDescription | undefined> {
    return cachedImage(await this.store(), ref);
  }

  /**
   * `ref` from the store alone if it may run from there: held whole and
   * admitted by the policy without its registry (PolicyDeniedError if refused).
   * Undefined means a fetch() is needed.
   */
  async stored(ref: string): Promise<ImageDescription | undefined> {
    const r = parseReference(ref);
    if (r instanceof Error) throw r;
    return storedAdmitted(r, await this.policy(), await this.store());
  }

  async list(): Promise<ImageSummary[]> {
    const store = await this.store();
    const out: ImageSummary[] = [];
    for (const reference of [...(await store.refs()).keys()].sort()) {
      out.push({ reference, image: await cachedImage(store, reference) });
    }
    return out;
  }

  /** Drop `ref` and the blobs no other image uses; the digests deleted. */
  async remove(ref: string): Promise<string[]> {
    return removeImage(await this.store(), canonical(ref));
  }
}

/** `ref` in the store's canonical form (docker.io/library/NAME:latest); an Error for a bad one. */
export function canonical(ref: string): string {
  const r = parseReference(ref);
  if (r instanceof Error) throw r;
  return formatReference(r);
}

