import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { browserSha256 } from './registry.js';

describe('browserSha256 (hash-wasm)', () => {
  it('hashes incrementally to what node:crypto computes, with fresh state per hash', async () => {
    const data = new Uint8Array(300_000).map((_, i) => (i * 31) & 0xff);
    const a = await browserSha256();
    for (let i = 0; i < data.length; i += 65_537) a.update(data.subarray(i, i + 65_537));
    const b = await browserSha256();
    b.update(new Uint8Array([1]));
    expect(a.hex()).toBe(createHash('sha256').update(data).digest('hex'));
    expect(b.hex()).toBe(createHash('sha256').update(new Uint8Array([1])).digest('hex'));
  });
});
