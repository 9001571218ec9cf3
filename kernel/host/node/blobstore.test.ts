// The Node store's blobs read where they lie (DirBlobStore.file): what a
// layer stored as an uncompressed tar is indexed and read through.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirBlobStore } from './blobstore.js';

describe('a stored blob read where it lies', () => {
  it('reads any range, short only at the end; is gone after close; a missing blob is no file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-blobfile-'));
    try {
      const store = await DirBlobStore.open(dir);
      const bytes = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 31) & 0xff);
      const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
      const w = await store.create(digest);
      await w.write(bytes.slice());
      await w.commit();
      const f = await store.file(digest);
      if (!f) throw new Error('no file');
      expect(f.size).toBe(300_000);
      const buf = new Uint8Array(100_000);
      expect(f.read(buf, 123_456)).toBe(100_000);
      expect(buf).toEqual(bytes.subarray(123_456, 223_456));
      expect(f.read(buf, 250_000)).toBe(50_000);
      expect(buf.subarray(0, 50_000)).toEqual(bytes.subarray(250_000));
      expect(f.read(buf, 300_000)).toBe(0);
      // The store may delete it: what is open keeps its bytes.
      await store.delete(digest);
      expect(f.read(buf.subarray(0, 10), 5)).toBe(10);
      expect(buf.subarray(0, 10)).toEqual(bytes.subarray(5, 15));
      f.close();
      f.close();
      expect(() => f.read(buf, 0)).toThrow(/after close/);
      expect(await store.file(digest)).toBeUndefined();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
