// The root image in the browser: the files of userland/rootfs/ (sh and the
// utilities in bin/), which vite.config.ts lists in a manifest (rootfs.json)
// and serves or emits as static files. The kernel worker fetches every file
// before the first run and builds an in-memory tree of them (fs/memfs.ts);
// BrowserHost.rootImage() hands its top-level directories to the kernel, which
// mounts each at /NAME, as the Node host does with the directory itself.
import { DirInode } from '../../fs/inode.js';
import { MemDir, MemFile, MemFs } from '../../fs/memfs.js';

/** One entry of rootfs.json; `url` is relative to the manifest's own URL. */
export type ManifestEntry =
  | { path: string; type: 'dir' }
  | { path: string; type: 'file'; size: number; url: string }
  | { path: string; type: 'symlink'; target: string };

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

/** Fetch the manifest at `url` and every file it lists; the image's top-level directories. */
export async function fetchRootImage(
  url: string,
  onProgress: (p: ImageProgress) => void,
): Promise<Array<[string, DirInode]>> {
  const manifest = (await (await fetchOk(url, 'no-cache')).json()) as Manifest;
  if (manifest.version !== 1 || !Array.isArray(manifest.entries)) throw new Error(`${url}: not a tabkernel root image manifest`);
  const fs = new MemFs();
  const files = manifest.entries.filter((e) => e.type === 'file');
  const progress: ImageProgress = {
    files: 0,
    totalFiles: files.length,
    bytes: 0,
    totalBytes: files.reduce((n, f) => n + f.size, 0),
  };
  onProgress({ ...progress });
  // Directories and symlinks first, so that files find their parents.
  for (const e of manifest.entries) {
    if (e.type === 'dir') mkdirs(fs, e.path);
    else if (e.type === 'symlink') {
      const { dir, name } = parentOf(fs, e.path);
      dir.symlink(name, e.target);
    }
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const f = files[next++];
      const bytes = new Uint8Array(await (await fetchOk(new URL(f.url, url).href, 'default')).arrayBuffer());
      const { dir, name } = parentOf(fs, f.path);
      const file = new MemFile(fs, bytes);
      // Programs are executable, as they are in userland/rootfs.
      if (/^\/?(usr\/)?s?bin\//.test(f.path)) file.setMode(0o755);
      dir.add(name, file);
      progress.files++;
      progress.bytes += bytes.length;
      onProgress({ ...progress });
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return fs.root.list().filter((e): e is [string, DirInode] => e[1] instanceof DirInode);
}

async function fetchOk(url: string, cache: RequestCache): Promise<Response> {
  const r = await fetch(url, { cache });
  if (!r.ok) throw new Error(`fetching ${url}: HTTP ${r.status}`);
  return r;
}

/** The directory at `path` (slash-separated, relative to the image root), made if missing. */
function mkdirs(fs: MemFs, path: string): MemDir {
  let dir = fs.root;
  for (const name of path.split('/').filter((n) => n !== '')) {
    dir.mkdir(name); // EXIST is fine
    const sub = dir.lookup(name);
    if (!(sub instanceof MemDir)) throw new Error(`root image: ${path}: not a directory`);
    dir = sub;
  }
  return dir;
}

function parentOf(fs: MemFs, path: string): { dir: MemDir; name: string } {
  const cut = path.lastIndexOf('/');
  return { dir: mkdirs(fs, path.slice(0, Math.max(cut, 0))), name: path.slice(cut + 1) };
}
