import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DirAsyncifiedStore } from './asyncified.js';

const dirs: string[] = [];
function store(): DirAsyncifiedStore {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-asyncified-'));
  dirs.push(dir);
  return new DirAsyncifiedStore(path.join(dir, 'asyncified'));
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const key = 'a'.repeat(64);

describe('DirAsyncifiedStore', () => {
  it('has no entry before the first put, not even a directory', async () => {
    const s = store();
    expect(await s.get(key)).toBeUndefined();
    expect(fs.existsSync(s.dir)).toBe(false);
  });

  it('gives back what was put, under its key, and a second put replaces it whole', async () => {
    const s = store();
    await s.put(key, new Uint8Array([1, 2, 3]));
    expect(await s.get(key)).toEqual(new Uint8Array([1, 2, 3]));
    await s.put(key, new Uint8Array([4, 5]));
    expect(await s.get(key)).toEqual(new Uint8Array([4, 5]));
    expect(fs.readdirSync(s.dir)).toEqual([key]);   // no temp file left
  });

  it('refuses a key that is not a SHA-256, so no name leaves the directory', async () => {
    const s = store();
    await expect(s.put('../evil', new Uint8Array([1]))).rejects.toThrow(/not an asyncified program's key/);
    await expect(s.get('../evil')).rejects.toThrow(/not an asyncified program's key/);
  });

  it('removes temp files an hour old on its first write, and keeps younger ones', async () => {
    const s = store();
    fs.mkdirSync(s.dir, { recursive: true });
    const old = path.join(s.dir, `${key}.1.abc.tmp`), young = path.join(s.dir, `${key}.2.def.tmp`);
    fs.writeFileSync(old, 'x');
    fs.writeFileSync(young, 'y');
    const hourAgo = new Date(Date.now() - 61 * 60 * 1000);
    fs.utimesSync(old, hourAgo, hourAgo);
    await s.put(key, new Uint8Array([1]));
    expect(fs.readdirSync(s.dir).sort()).toEqual([key, path.basename(young)]);
  });
});
