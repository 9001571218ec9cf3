// The build cache's index in Node (image/buildcache.ts): `build-cache.json`
// in the cache directory beside the OCI layout store (blobstore.ts), mapping
// a step's key to its layer's digest, diff_id, size and media type; the
// layers are the store's blobs. Read once per kernel, rewritten whole
// (written to tmp/, renamed) after each new entry. Two builds at once may
// each rewrite it: the last one's entries win, the others' steps run again
// next time (the index only saves work; it never decides what a layer holds).
import type * as NodeCrypto from 'node:crypto';
import type * as NodeFs from 'node:fs/promises';
import path from 'node:path';
import type { BuildCache, CachedLayer } from '../../image/buildcache.js';
import { lazyBuiltin } from './lazy.js';

const nodeCrypto = lazyBuiltin<typeof NodeCrypto>('node:crypto');
const fs = lazyBuiltin<typeof NodeFs>('node:fs/promises');

export const BUILD_CACHE_FILE = 'build-cache.json';

interface IndexFile {
  version: 1;
  layers: Record<string, CachedLayer>;
}

export class FileBuildCache implements BuildCache {
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(private readonly file: string, private readonly entries: Map<string, CachedLayer>) {}

  /** The index in the cache directory `dir` (empty if there is none, or it is unreadable). */
  static async open(dir: string): Promise<FileBuildCache> {
    const file = path.join(dir, BUILD_CACHE_FILE);
    const entries = new Map<string, CachedLayer>();
    try {
      const doc = JSON.parse(await fs.readFile(file, 'utf8')) as IndexFile;
      if (doc.version === 1) for (const [k, v] of Object.entries(doc.layers ?? {})) entries.set(k, v);
    } catch {
      // None yet, or damaged: an empty cache (steps run again and rewrite it).
    }
    return new FileBuildCache(file, entries);
  }

  async get(key: string): Promise<CachedLayer | undefined> {
    return this.entries.get(key);
  }

  put(key: string, layer: CachedLayer): Promise<void> {
    this.entries.set(key, layer);
    const write = async (): Promise<void> => {
      const doc: IndexFile = { version: 1, layers: Object.fromEntries(this.entries) };
      const tmpDir = path.join(path.dirname(this.file), 'tmp');
      await fs.mkdir(tmpDir, { recursive: true });
      const tmp = path.join(tmpDir, `${BUILD_CACHE_FILE}.${process.pid}.${nodeCrypto.randomBytes(6).toString('hex')}`);
      await fs.writeFile(tmp, `${JSON.stringify(doc, null, 1)}\n`);
      await fs.rename(tmp, this.file);
    };
    const next = this.writes.then(write, write);
    this.writes = next.catch(() => undefined);
    return next;
  }
}
