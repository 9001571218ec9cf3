import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILD_CACHE_FILE, FileBuildCache } from './buildcache.js';

const layer = (n: number) => ({ digest: `sha256:${String(n).repeat(64).slice(0, 64)}`, diffId: 'sha256:' + 'd'.repeat(64), size: n, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' });
const dirs: string[] = [];
const fresh = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-buildcache-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('the build cache file', () => {
  it('keeps its entries for the next kernel', async () => {
    const dir = fresh();
    const a = await FileBuildCache.open(dir);
    expect(await a.get('k1')).toBeUndefined();
    await Promise.all([a.put('k1', layer(1)), a.put('k2', layer(2))]);
    const b = await FileBuildCache.open(dir);
    expect(await b.get('k1')).toEqual(layer(1));
    expect(await b.get('k2')).toEqual(layer(2));
    expect(fs.readdirSync(path.join(dir, 'tmp'))).toEqual([]);
  });

  it('starts empty over a damaged file, and replaces it', async () => {
    const dir = fresh();
    fs.writeFileSync(path.join(dir, BUILD_CACHE_FILE), '{ not json');
    const c = await FileBuildCache.open(dir);
    expect(await c.get('k')).toBeUndefined();
    await c.put('k', layer(3));
    expect(JSON.parse(fs.readFileSync(path.join(dir, BUILD_CACHE_FILE), 'utf8')).layers.k.size).toBe(3);
  });
});
