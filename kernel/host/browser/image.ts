// The root image in the browser: the files of userland/rootfs/ (sh and the
// utilities in bin/), which vite.config.ts lists in a manifest (rootfs.json)
// and serves or emits as static files. The kernel worker fetches every file
// before the first run and builds an image layer of them (fs/layer.ts), which
// the kernel puts under the root file system (fs/vfs.ts stackOn): the page's
// root is an overlay of this layer, and what processes change is kept apart,
// in the upper layer, which the page saves (persist.ts).
import type { MemoryBudget } from '../../mm/budget.js';
import { LayerBuilder, type LayerTree } from '../../fs/layer.js';
import { Errno } from '../../abi/errno.js';

/** One entry of rootfs.json; `url` is relative to the manifest's own URL. */
export type ManifestEntry =
  | (EntryAttrs & { path: string; type: 'dir' })
  | (EntryAttrs & { path: string; type: 'file'; size: number; url: string })
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

/** Fetch the manifest at `url` and every file it lists; the image as a layer, its bytes charged to `budget`. */
export async function fetchRootImage(
  url: string,
  budget: MemoryBudget | null,
  onProgress: (p: ImageProgress) => void,
): Promise<LayerTree> {
  const manifest = (await (await fetchOk(url, 'no-cache')).json()) as Manifest;
  if (manifest.version !== 1 || !Array.isArray(manifest.entries)) throw new Error(`${url}: not a tabkernel root image manifest`);
  const layer = new LayerBuilder(budget);
  const files = manifest.entries.filter((e) => e.type === 'file');
  const progress: ImageProgress = {
    files: 0,
    totalFiles: files.length,
    bytes: 0,
    totalBytes: files.reduce((n, f) => n + f.size, 0),
  };
  onProgress({ ...progress });
  const mtime = (e: EntryAttrs): bigint => BigInt(Math.max(0, Math.floor(e.mtime ?? 0))) * 1_000_000n;
  for (const e of manifest.entries) {
    if (e.type === 'dir') layer.dir(e.path, e.mode ?? 0o755, mtime(e));
    else if (e.type === 'symlink') layer.symlink(e.path, e.mode ?? 0o777, mtime(e), e.target);
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const f = files[next++];
      const bytes = new Uint8Array(await (await fetchOk(new URL(f.url, url).href, 'default')).arrayBuffer());
      // Programs are executable, as they are in userland/rootfs.
      const mode = f.mode ?? (/^\/?(usr\/)?s?bin\//.test(f.path) ? 0o755 : 0o644);
      const e = layer.file(f.path, mode, mtime(f), bytes.length, [bytes]);
      if (e !== Errno.SUCCESS) throw new Error(`root image: ${f.path}: no room for it in the memory budget`);
      progress.files++;
      progress.bytes += bytes.length;
      onProgress({ ...progress });
    }
  };
  try {
    await Promise.all(Array.from({ length: PARALLEL }, worker));
  } catch (e) {
    layer.abandon();
    throw e;
  }
  return layer.finish();
}

async function fetchOk(url: string, cache: RequestCache): Promise<Response> {
  const r = await fetch(url, { cache });
  if (!r.ok) throw new Error(`fetching ${url}: HTTP ${r.status}`);
  return r;
}
