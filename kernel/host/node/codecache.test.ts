import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { requireCached } from './codecache.js';

describe('requireCached', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  const bundle = (text: string): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-codecache-'));
    dirs.push(dir);
    const file = path.join(dir, 'b.js');
    fs.writeFileSync(file, text);
    return file;
  };
  const stampOf = (file: string): string => {
    const st = fs.statSync(file);
    return `${st.size}:${st.mtimeMs}\n`;
  };

  it('loads a bundle and, with save "now", writes its cache at once under the bundle\'s size and time', () => {
    const file = bundle('exports.answer = 6 * 7; exports.dir = __dirname;');
    expect(requireCached(file, 'now')).toEqual({ answer: 42, dir: path.dirname(file) });
    const cache = fs.readFileSync(`${file}.v8cache`);
    expect(cache.subarray(0, stampOf(file).length).toString()).toBe(stampOf(file));
    expect(cache.length).toBeGreaterThan(stampOf(file).length);
    // Loaded again from that cache: the same answers.
    expect(requireCached(file, 'now')).toEqual({ answer: 42, dir: path.dirname(file) });
  });

  it('rewrites the cache of a bundle that changed', () => {
    const file = bundle('exports.v = 1;');
    requireCached(file, 'now');
    fs.writeFileSync(file, 'exports.v = 22;');
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(requireCached(file, 'now')).toEqual({ v: 22 });
    expect(fs.readFileSync(`${file}.v8cache`).subarray(0, stampOf(file).length).toString()).toBe(stampOf(file));
  });

  it('reads ASCII as Latin-1 and anything else as UTF-8', () => {
    expect(requireCached(bundle('exports.s = "plain";'), 'now')).toEqual({ s: 'plain' });
    expect(requireCached(bundle('exports.s = "caf\u00e9 \u2192 \u{1F600}";'), 'now')).toEqual({ s: 'caf\u00e9 \u2192 \u{1F600}' });
  });
});
