// The loader and programs in image layers left in their stored blob
// (fs/blobfile.ts): read afresh, named by the blob's digest and place rather
// than hashed, and EIO when the blob comes up short.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Errno, isErr } from '../abi/errno.js';
import { MountNamespace } from '../fs/namespace.js';
import { ImageLayers } from '../image/rootfs.js';
import { MemoryBudget } from '../mm/budget.js';
import { gnuTar, memoryBlob } from '../../test/support/tarball.js';
import { Loader } from './loader.js';
import { ModuleCache } from './modules.js';

const TAR = 'application/vnd.oci.image.layer.v1.tar';
// (module (import "wasi_snapshot_preview1" "fd_write" …) (memory 1) (export "memory") (func (export "_start") …))
const HELLO = Buffer.from('AGFzbQEAAAABDAJgBH9/f38Bf2AAAAIjARZ3YXNpX3NuYXBzaG90X3ByZXZpZXcxCGZkX3dyaXRlAAADAgEBBQMBAAEHEwIGbWVtb3J5AgAGX3N0YXJ0AAEKHQEbAEEAQRA2AgBBBEEDNgIAQQFBAEEBQQgQABoLCwkBAEEQCwNoaQo=', 'base64');

/** An uncompressed layer of `files` (mode 0755). */
function layer(files: Record<string, Uint8Array>): Uint8Array {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-loader-'));
  for (const [p, bytes] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), bytes, { mode: 0o755 });
  }
  const t = gnuTar(dir, 'posix', [...new Set(Object.keys(files).map((p) => p.split('/')[0]))]);
  fs.rmSync(dir, { recursive: true });
  return t;
}

/** A container of the one layer `tar`, left in its stored blob (a new ImageLayers: new inodes). */
async function container(tar: Uint8Array): Promise<{ ns: MountNamespace; blob: ReturnType<typeof memoryBlob> }> {
  const blob = memoryBlob(tar);
  const layers = new ImageLayers({ blob: () => new Error('no stream'), file: async () => blob }, new MemoryBudget(1 << 30));
  const ov = await layers.overlay([{ digest: 'sha256:layer', mediaType: TAR }]);
  if (ov instanceof Error) throw ov;
  return { ns: new MountNamespace(ov.root, 'overlay', 'test'), blob };
}

describe('the loader and programs left in a stored blob', () => {
  const tar = layer({ 'usr/bin/hello': HELLO, 'bin/again': HELLO });

  it('compiles one module for the same bytes wherever they are found, hashing none of them', async () => {
    let hashes = 0;
    const modules = new ModuleCache(async () => {
      hashes++;
      throw new Error('no hashing here');
    });
    const loader = new Loader(modules);
    const a = await container(tar);
    const first = await loader.load(a.ns, '/', '/usr/bin/hello', ['hello']);
    if (isErr(first)) throw new Error(`errno ${first.errno}`);
    // Another container of the same layer: other inodes, the same bytes at the same place.
    const b = await container(tar);
    const second = await loader.load(b.ns, '/', '/usr/bin/hello', ['hello']);
    if (isErr(second)) throw new Error(`errno ${second.errno}`);
    expect(second.module).toBe(first.module);
    expect(b.blob.bytesRead).toBeLessThan(a.blob.bytesRead);   // the headers and the magic number, not the program again
    // The same bytes elsewhere in the blob are other bytes to the cache: compiled on their own.
    const third = await loader.load(b.ns, '/', '/bin/again', ['again']);
    if (isErr(third)) throw new Error(`errno ${third.errno}`);
    expect(third.module).not.toBe(first.module);
    expect(hashes).toBe(0);
  });

  it('answers EIO when the stored blob ends inside the program', async () => {
    const c = await container(tar);
    // The loader's first read (the magic number) is whole; the program's own read then ends short.
    const read = c.blob.read.bind(c.blob);
    let reads = 0;
    c.blob.read = (into, pos) => (reads++ === 0 ? read(into, pos) : 0);
    const r = await new Loader(new ModuleCache()).load(c.ns, '/', '/usr/bin/hello', ['hello']);
    expect(isErr(r) && r.errno).toBe(Errno.IO);
  });
});
