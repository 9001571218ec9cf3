// The Node host's store of asyncified programs (hostapi.ts AsyncifiedStore):
// one file per entry, named by its key, in `asyncified/` of the CLI's cache
// directory (blobstore.ts defaultCacheDir: beside the images). An entry is
// written to a temp file in the same directory and renamed over its name, so
// a reader sees the old entry or the new, whole; a crash can leave a temp
// file (removed when older than an hour, on the next write) or, without an
// fsync, a torn entry — which the kernel's check (proc/asyncified.ts) finds
// and rewrites: no fsync, then, on a write that only saves time.
import type * as NodeCrypto from 'node:crypto';
import type * as NodeFs from 'node:fs/promises';
import path from 'node:path';
import type { AsyncifiedStore } from '../../hostapi.js';
import { defaultCacheDir } from './blobstore.js';
import { lazyBuiltin } from './lazy.js';

const nodeCrypto = lazyBuiltin<typeof NodeCrypto>('node:crypto');
const fs = lazyBuiltin<typeof NodeFs>('node:fs/promises');

const KEY = /^[0-9a-f]{64}$/;
const TEMP = /\.tmp$/;
const STALE_TEMP_MS = 60 * 60 * 1000;

export class DirAsyncifiedStore implements AsyncifiedStore {
  private swept = false;

  constructor(readonly dir: string) {}

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await fs.readFile(this.file(key)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async put(key: string, entry: Uint8Array): Promise<void> {
    const file = this.file(key);
    await fs.mkdir(this.dir, { recursive: true });
    if (!this.swept) await this.sweep();
    const tmp = `${file}.${process.pid}.${nodeCrypto.randomBytes(6).toString('hex')}.tmp`;
    try {
      await fs.writeFile(tmp, entry, { flag: 'wx' });
      await fs.rename(tmp, file);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw e;
    }
  }

  private file(key: string): string {
    if (!KEY.test(key)) throw new Error(`not an asyncified program's key: "${key}"`);
    return path.join(this.dir, key);
  }

  /** Remove the temp files of writes that died (an hour old: no live write is that slow). */
  private async sweep(): Promise<void> {
    this.swept = true;
    const now = Date.now();
    for (const name of await fs.readdir(this.dir)) {
      if (!TEMP.test(name)) continue;
      const p = path.join(this.dir, name);
      const st = await fs.stat(p).catch(() => null);
      if (st && now - st.mtimeMs > STALE_TEMP_MS) await fs.rm(p, { force: true });
    }
  }
}

/** The CLI's store: `asyncified/` in its cache directory. */
export function cacheAsyncifiedStore(): DirAsyncifiedStore {
  return new DirAsyncifiedStore(path.join(defaultCacheDir(), 'asyncified'));
}
