// The root image in the browser: the files of userland/rootfs/ (sh and the
// utilities in bin/), which vite.config.ts lists in a manifest (rootfs.json)
// and serves or emits as static files. Every file is read before the first
// run (readRootImage) and an image layer built of them (buildRootImage,
// fs/layer.ts), which the kernel puts under the root file system (fs/vfs.ts
// stackOn): the page's root is an overlay of this layer, and what processes
// change is kept apart, in the upper layer, which the page saves (persist.ts).
// A build packs every file into one resource (vite.config.ts): entries name
// it with an `offset`, so the whole image is one read instead of one per file
// (the dev server lists each file at a URL of its own). Both are read from the
// service worker's precache when it holds them (precache.ts), else fetched.
import type { MemoryBudget } from '../../mm/budget.js';
import { LayerBuilder, type LayerTree } from '../../fs/layer.js';
import { Errno } from '../../abi/errno.js';

/**
 * One entry of rootfs.json; `url` is relative to the manifest's own URL. A
 * file with an `offset` is the `size` bytes at that offset of the resource at
 * `url` (a pack several files share); without, the whole resource.
 */
export type ManifestEntry =
  | (EntryAttrs & { path: string; type: 'dir' })
  | (EntryAttrs & { path: string; type: 'file'; size: number; url: string; offset?: number })
  | (EntryAttrs & { path: string; type: 'symlink'; target: string });

/** What the manifest may say of an entry's attributes (a file's mode and mtime under userland/rootfs). */
export interface EntryAttrs {
  /** Permission bits; default 0o755 for directories and programs, 0o644 for other files. */
  mode?: number;
  /** ms since the epoch; default 0. */
  mtime?: number;
}

export interface Manifest {
  version: 1;
  entries: ManifestEntry[];
}

export interface ImageProgress {
  files: number;
  totalFiles: number;
  bytes: number;
  totalBytes: number;
}

/** Fetches in flight at once (HTTP/1.1 allows six connections per origin). */
const PARALLEL = 6;

/** Where readRootImage reads from. */
export interface ImageSource {
  /** Default: the global fetch. */
  fetch?: typeof fetch;
  /** A copy to use instead of fetching, if there is one (precache.ts); default: none. */
  cached?: (url: string) => Promise<Response | undefined>;
}

/** The root image as read: its manifest, and the bytes of every resource it names (by absolute URL). */
export interface RootImageFiles {
  /** The manifest's own absolute URL (entries' URLs are relative to it). */
  url: string;
  manifest: Manifest;
  resources: Map<string, Uint8Array>;
}

/** Read the manifest at `url` and every resource it names; `onProgress` hears of the files read (a pack's all at once). */
export async function readRootImage(url: string, source: ImageSource = {}, onProgress?: (p: ImageProgress) => void): Promise<RootImageFiles> {
  const manifest = (await (await readOk(source, url, 'no-cache')).json()) as Manifest;
  if (manifest.version !== 1 || !Array.isArray(manifest.entries)) throw new Error(`${url}: not a tabkernel root image manifest`);
  const resources = new Map<string, Uint8Array>();
  const todo = [...filesByResource(url, manifest)];
  const progress = emptyProgress(manifest);
  onProgress?.({ ...progress });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < todo.length) {
      const [href, entries] = todo[next++];
      resources.set(href, new Uint8Array(await (await readOk(source, href, 'default')).arrayBuffer()));
      progress.files += entries.length;
      progress.bytes += entries.reduce((n, f) => n + f.size, 0);
      onProgress?.({ ...progress });
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return { url, manifest, resources };
}

/** The layer of an image read by readRootImage, its bytes charged to `budget`. */
export function buildRootImage(image: RootImageFiles, budget: MemoryBudget | null): LayerTree {
  const { url, manifest } = image;
  const layer = new LayerBuilder(budget);
  const mtime = (e: EntryAttrs): bigint => BigInt(Math.max(0, Math.floor(e.mtime ?? 0))) * 1_000_000n;
  for (const e of manifest.entries) {
    if (e.type === 'dir') layer.dir(e.path, e.mode ?? 0o755, mtime(e));
    else if (e.type === 'symlink') layer.symlink(e.path, e.mode ?? 0o777, mtime(e), e.target);
  }
  try {
    for (const [href, entries] of filesByResource(url, manifest)) {
      const bytes = image.resources.get(href);
      if (!bytes) throw new Error(`root image: ${href} was not read`);
      for (const f of entries) {
        const at = f.offset ?? 0;
        const end = f.offset === undefined ? bytes.length : at + f.size;
        if (at < 0 || end > bytes.length) throw new Error(`root image: ${f.path}: ${href} has ${bytes.length} bytes, not the ${f.size} at offset ${at} the manifest lists`);
        // Programs are executable, as they are in userland/rootfs.
        const mode = f.mode ?? (/^\/?(usr\/)?s?bin\//.test(f.path) ? 0o755 : 0o644);
        const e = layer.file(f.path, mode, mtime(f), end - at, [bytes.subarray(at, end)]);
        if (e !== Errno.SUCCESS) throw new Error(`root image: ${f.path}: no room for it in the memory budget`);
      }
    }
  } catch (e) {
    layer.abandon();
    throw e;
  }
  return layer.finish();
}

/** Read and build: the root image at `url` as a layer. */
export async function fetchRootImage(
  url: string,
  budget: MemoryBudget | null,
  onProgress: (p: ImageProgress) => void,
  source: ImageSource = {},
): Promise<LayerTree> {
  return buildRootImage(await readRootImage(url, source, onProgress), budget);
}

type FileEntry = ManifestEntry & { type: 'file' };

/** The manifest's files grouped by the resource that holds them (a pack's all together), keyed by absolute URL. */
function filesByResource(url: string, manifest: Manifest): Map<string, FileEntry[]> {
  const byResource = new Map<string, FileEntry[]>();
  for (const f of manifest.entries) {
    if (f.type !== 'file') continue;
    const href = new URL(f.url, url).href;
    byResource.set(href, [...(byResource.get(href) ?? []), f]);
  }
  return byResource;
}

function emptyProgress(manifest: Manifest): ImageProgress {
  const files = manifest.entries.filter((e) => e.type === 'file');
  return { files: 0, totalFiles: files.length, bytes: 0, totalBytes: files.reduce((n, f) => n + f.size, 0) };
}

async function readOk(source: ImageSource, url: string, cache: RequestCache): Promise<Response> {
  const copy = await source.cached?.(url);
  if (copy?.ok) return copy;
  const r = await (source.fetch ?? fetch)(url, { cache });
  if (!r.ok) throw new Error(`fetching ${url}: HTTP ${r.status}`);
  return r;
}
