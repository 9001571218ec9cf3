// Pulling images in the kernel worker, for the page's `?image=REF`: the image
// comes from the IndexedDB store (blobstore.ts) when it holds it whole, else
// from the registry by the route chooseRoute picks (registry.ts: direct, or
// the same-origin proxy), verified and stored as it arrives (image/pull.ts).
// Progress goes to the page as PullNotices — per layer, as image/progress.ts's
// PullMeter passes it on (at each layer's start and end, at most every
// PROGRESS_MS between) — and the last notice carries what to
// run (the image's layers and its container's command) or the error, worded
// for the page's status line. The image is admitted by the page's policy
// (policy.ts, kernel/policy/admission.ts) before anything of it is stored and
// each time it runs from the store. A built-in image (`toolchain`:
// image/builtin.ts) comes from its OCI layout among the page's own files
// (images/NAME/, served and emitted by vite.config.ts), through the same path.
// pageImageService is the same for the terminal's `image` command
// (syscall/image.ts): one ImageService over the IndexedDB store whose
// registry for a host is the one pageRegistryFor picks — the built-in
// layouts for a short built-in name, as in the CLI — so `image pull
// toolchain` stores what `tabkernel image pull toolchain` does, same digest.
// Spec: notes/IMAGES.md §1 (CORS, COEP) and §6 (IndexedDB).
import { BUILTIN_REGISTRY } from '../../image/builtin.js';
import { containerCommand } from '../../image/config.js';
import type { ImageDescription, LayerProgress } from '../../image/pull.js';
import { PullMeter } from '../../image/progress.js';
import { parseReference, type Reference } from '../../image/reference.js';
import { runConfigOf } from '../../image/rootfs.js';
import { fetchAdmitted, storedAdmitted } from '../../policy/admission.js';
import type { Policy } from '../../policy/policy.js';
import { ImageService } from '../../image/service.js';
import { IdbBlobStore } from './blobstore.js';
import { browserInflate } from './inflate.js';
import type { PulledImage, PullNotice } from './messages.js';
import { browserSha256, chooseRoute, pageRegistry, pageRegistryFor, type Route } from './registry.js';

/** Where the page's images come from and go (pageImageService, PagePuller). */
export interface PageImages {
  /** The page's origin, where the registry proxy is. */
  origin: string;
  /** Absolute URL of the built-in images' layouts (`images/` beside the page); undefined: the page serves none. */
  builtinImages?: string;
  /** The policy in force (kernel-worker.ts). */
  policy: () => Promise<Policy>;
  /** The page's IndexedDB store. */
  openStore: () => Promise<IdbBlobStore>;
  /** Default: the global fetch (tests give their own). */
  fetch?: typeof fetch;
}

/** The image service of the page's kernel, for the terminal's `image` command (see the header). */
export function pageImageService(o: PageImages): ImageService {
  return new ImageService(
    o.openStore,
    (host) => pageRegistryFor(host, o.origin, o.builtinImages, o.fetch),
    browserSha256,
    browserInflate,
    o.policy,
    async () => (await o.openStore()).buildCache(),
  );
}

export class PagePuller {
  private store: Promise<IdbBlobStore> | null = null;

  /** The puller opens the store itself, once, and shares it (openStore). */
  constructor(
    private readonly post: (n: PullNotice) => void,
    private readonly images: Omit<PageImages, 'openStore'>,
  ) {}

  /** The image store (opened once; the kernel's LayerSource reads from it too). */
  openStore(): Promise<IdbBlobStore> {
    this.store ??= IdbBlobStore.open();
    return this.store;
  }

  /** Pull `reference` (unless stored) and post its notices; never throws. */
  async pull(reference: string): Promise<void> {
    const notice = (n: Omit<PullNotice, 'type' | 'reference'>): void => this.post({ type: 'pull', reference, ...n });
    try {
      const ref = parseReference(reference);
      if (ref instanceof Error) throw new Error(`not an image reference: ${ref.message}`);
      if (ref.registry === BUILTIN_REGISTRY) {
        notice({ done: await this.fetchBuiltin(ref, notice) });
        return;
      }
      notice({ done: await this.fetchImage(ref, notice) });
    } catch (e) {
      notice({ error: e instanceof Error ? e.message : String(e) });
    }
  }

  /**
   * A built-in image, from its OCI layout beside the page (image/builtin.ts): resolved
   * anew each time (the page's own files), its blobs verified and stored as any pull's.
   */
  private async fetchBuiltin(ref: Reference, notice: (n: Omit<PullNotice, 'type' | 'reference'>) => void): Promise<PulledImage> {
    const store = await this.openStore();
    const meter = new PullMeter(() => performance.now());
    const t0 = performance.now();
    const registry = await pageRegistryFor(ref.registry, this.images.origin, this.images.builtinImages, this.images.fetch);
    const image = await fetchAdmitted(ref, {
      policy: await this.images.policy(), store, sha256: browserSha256, registry: async () => registry, always: true,
      onProgress: (p) => {
        const layer = meter.update(p);
        if (layer) notice({ layer });
      },
    });
    return pulled(image, meter.bytes, (performance.now() - t0) / 1000);
  }

  private async fetchImage(ref: Reference, notice: (n: Omit<PullNotice, 'type' | 'reference'>) => void): Promise<PulledImage> {
    const store = await this.openStore();
    const policy = await this.images.policy();
    const held = await storedAdmitted(ref, policy, store);
    if (held) return pulled(held, 0, 0);
    let route: Route = 'direct';
    const t0 = performance.now();
    const meter = new PullMeter(() => performance.now());
    const progress = (p: LayerProgress): void => {
      const layer = meter.update(p);
      if (layer) notice({ layer });
    };
    // The route is chosen only once the registry is needed (a stored image under a policy without signatures needs none).
    const attempt = (choose: () => Promise<Route>): Promise<ImageDescription> =>
      fetchAdmitted(ref, {
        policy, store, sha256: browserSha256, onProgress: progress,
        registry: async () => {
          route = await choose();
          notice({ route });
          return pageRegistry(route, this.images.origin);
        },
      });
    let image: ImageDescription;
    try {
      image = await attempt(() => chooseRoute(ref.registry));
    } catch (e) {
      // A network error on the direct route (a blob host without CORS): the proxy may do.
      if (!(e instanceof TypeError) || route !== 'direct') throw networkError(e, route, ref.registry, this.images.origin);
      image = await attempt(async () => 'proxy').catch((e2: unknown) => {
        throw networkError(e2, route, ref.registry, this.images.origin);
      });
    }
    return pulled(image, meter.bytes, (performance.now() - t0) / 1000);
  }
}

function pulled(image: ImageDescription, bytes: number, seconds: number): PulledImage {
  const command = containerCommand(runConfigOf(image));
  if (command instanceof Error) throw new Error(`${image.reference}: ${command.message}`);
  const layers = image.layers.map(({ digest, mediaType }) => ({ digest, mediaType }));
  return { image: { reference: image.reference, layers }, command, bytes, seconds };
}

/** fetch's TypeError says only "Failed to fetch": say where it could not go. */
function networkError(e: unknown, route: Route, registry: string, origin: string): unknown {
  if (!(e instanceof TypeError)) return e;
  const where = route === 'proxy' ? `the registry proxy of ${origin} (is the page served by npm start or vite preview?)` : registry;
  return new Error(`cannot reach ${where}: ${e.message}`);
}
