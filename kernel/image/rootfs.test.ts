import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isErr } from '../abi/errno.js';
import { readBlobRange, storedName } from '../fs/blobfile.js';
import { FileInode, type DirInode } from '../fs/inode.js';
import { MemoryBudget, Use } from '../mm/budget.js';
import { nodeInflate } from '../host/node/inflate.js';
import { chunked, gnuTar, memoryBlob } from '../../test/support/tarball.js';
import { ImageLayers, MODULE_PATH, type LayerRef, type LayerSource } from './rootfs.js';
import { readTar } from './tar.js';
import { unpackLayer } from './unpack.js';

const GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
const TAR = 'application/vnd.oci.image.layer.v1.tar';

/** A layer source over blobs held here, counting how often each was opened. */
function source(blobs: Record<string, Uint8Array>): LayerSource & { opened: Map<string, number> } {
  const opened = new Map<string, number>();
  return {
    opened,
    inflate: nodeInflate,
    blob(digest) {
      opened.set(digest, (opened.get(digest) ?? 0) + 1);
      const b = blobs[digest];
      return b ? chunked(b, 4096) : new Error(`blob ${digest} is not in the store`);
    },
  };
}

/** A tar of files (path → text) made by GNU tar. */
function tarOf(files: Record<string, string>): Uint8Array {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-rootfs-'));
  for (const [p, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), text);
  }
  const names = [...new Set(Object.keys(files).map((p) => p.split('/')[0]))];
  const t = gnuTar(dir, 'posix', names);
  fs.rmSync(dir, { recursive: true });
  return t;
}

function read(root: DirInode, p: string): string {
  let node: unknown = root;
  for (const name of p.split('/').filter(Boolean)) {
    const next = (node as DirInode).lookup(name);
    if (isErr(next)) return `E${next.errno}`;
    node = next;
  }
  const f = (node as FileInode).open({ read: true, write: false });
  if (isErr(f)) return `E${f.errno}`;
  const data = f.read(1 << 20);
  return isErr(data) ? `E${data.errno}` : new TextDecoder().decode(data);
}

describe("a container's root file system from image layers", () => {
  it('stacks gzip and plain tar layers, bottom first, and shares an unpacked layer between containers', async () => {
    const src = source({
      'sha256:base': zlib.gzipSync(tarOf({ 'etc/os-release': 'base\n', 'etc/motd': 'hi\n' })),
      'sha256:top': tarOf({ 'etc/os-release': 'top\n' }),
    });
    const layers = new ImageLayers(src, new MemoryBudget(1 << 30));
    const refs: LayerRef[] = [{ digest: 'sha256:base', mediaType: GZIP }, { digest: 'sha256:top', mediaType: TAR }];
    const a = await layers.overlay(refs);
    const b = await layers.overlay(refs);
    if (a instanceof Error || b instanceof Error) throw a instanceof Error ? a : b;
    expect(read(a.root, 'etc/os-release')).toBe('top\n');
    expect(read(a.root, 'etc/motd')).toBe('hi\n');
    expect(read(b.root, 'etc/motd')).toBe('hi\n');
    expect([...src.opened.values()]).toEqual([1, 1]);
  });

  it("makes a single-module image's module /app.wasm, and refuses a component", async () => {
    const core = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    const component = new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0]);
    const layers = new ImageLayers(source({ 'sha256:m': core, 'sha256:c': component }), new MemoryBudget(1 << 30));
    const ov = await layers.overlay([{ digest: 'sha256:m', mediaType: 'application/wasm' }]);
    if (ov instanceof Error) throw ov;
    const f = ov.root.lookup(MODULE_PATH.slice(1));
    expect(!isErr(f) && f instanceof FileInode && f.getMode()).toBe(0o755);
    const bad = await layers.overlay([{ digest: 'sha256:c', mediaType: 'application/vnd.bytecodealliance.wasm.component.layer.v0+wasm' }]);
    expect(bad).toBeInstanceOf(Error);
    expect((bad as Error).message).toMatch(/sha256:c: .*component \(WASI preview 2\)/);
  });

  it('names the layer that is missing or corrupt, and tries a failed layer again', async () => {
    const blobs: Record<string, Uint8Array> = { 'sha256:bad': new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]) };
    const layers = new ImageLayers(source(blobs), new MemoryBudget(1 << 30));
    const missing = await layers.overlay([{ digest: 'sha256:gone', mediaType: GZIP }]);
    expect((missing as Error).message).toBe('layer sha256:gone: blob sha256:gone is not in the store');
    const corrupt = await layers.overlay([{ digest: 'sha256:bad', mediaType: GZIP }]);
    expect((corrupt as Error).message).toMatch(/^layer sha256:bad: /);
    blobs['sha256:bad'] = zlib.gzipSync(tarOf({ 'ok': 'ok\n' }));
    const repaired = await layers.overlay([{ digest: 'sha256:bad', mediaType: GZIP }]);
    if (repaired instanceof Error) throw repaired;
    expect(read(repaired.root, 'ok')).toBe('ok\n');
  });

  it('keeps the files of a layer stored uncompressed as views of its blob; a write copies up, the blob stays', async () => {
    const plain = tarOf({ 'bin/tool': 'x'.repeat(70_000), 'etc/conf': 'conf\n' });
    const mislabelled = zlib.gzipSync(tarOf({ 'etc/zipped': 'zipped\n' }));
    const core = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    const blobs: Record<string, Uint8Array> = { 'sha256:plain': plain, 'sha256:mis': mislabelled, 'sha256:gz': zlib.gzipSync(tarOf({ 'g': 'g\n' })), 'sha256:m': core };
    const asked: string[] = [];
    const src: LayerSource = {
      ...source(blobs),
      whole: async (digest) => {
        asked.push(digest);
        if (digest === 'sha256:gone') throw new Error('no such blob');
        return blobs[digest];
      },
    };
    const layers = new ImageLayers(src, new MemoryBudget(1 << 30));
    const refs: LayerRef[] = [
      { digest: 'sha256:plain', mediaType: TAR }, { digest: 'sha256:mis', mediaType: TAR },
      { digest: 'sha256:gz', mediaType: GZIP }, { digest: 'sha256:m', mediaType: 'application/wasm' },
    ];
    const a = await layers.overlay(refs);
    if (a instanceof Error) throw a;
    expect(asked).toEqual(['sha256:plain', 'sha256:mis', 'sha256:m']); // a gzip layer is streamed
    const node = (p: string) => {
      let n: unknown = a.root;
      for (const name of p.split('/')) n = (n as DirInode).lookup(name);
      return n as FileInode;
    };
    const tool = node('bin/tool').wholeView();
    expect(tool?.buffer).toBe(plain.buffer);
    expect(new TextDecoder().decode(tool!)).toBe('x'.repeat(70_000));
    expect(node(MODULE_PATH.slice(1)).wholeView()?.buffer).toBe(core.buffer);
    // The blob said tar but is gzip: decoded, and its files are copies.
    expect(node('etc/zipped').wholeView()).toBeNull();
    expect(read(a.root, 'etc/zipped')).toBe('zipped\n');
    // A write copies the file up: the blob, and another container's view of it, keep the layer's bytes.
    const before = plain.slice();
    const w = node('bin/tool').open({ read: true, write: true });
    if (isErr(w)) throw new Error(`open: ${w.errno}`);
    expect(w.pwrite(new TextEncoder().encode('CHANGED'), 65_530n)).toBe(7);
    w.release();
    expect(node('bin/tool').wholeView()).toBeNull();
    expect(read(a.root, 'bin/tool').slice(65_528, 65_540)).toBe('xxCHANGEDxxx');
    expect(plain).toEqual(before);
    const b = await layers.overlay(refs.slice(0, 1));
    if (b instanceof Error) throw b;
    expect(read(b.root, 'bin/tool')).toBe('x'.repeat(70_000));
    // A store that cannot give the blob whole: streamed, as before.
    blobs['sha256:gone'] = tarOf({ 'late': 'late\n' });
    const c = await layers.overlay([{ digest: 'sha256:gone', mediaType: TAR }]);
    if (c instanceof Error) throw c;
    expect(read(c.root, 'late')).toBe('late\n');
  });

  it('leaves the files of a tar where the store keeps it: headers read, bytes read at each use, nothing charged', async () => {
    const big = 'y'.repeat(200_000);
    const plain = tarOf({ 'usr/bin/tool': big, 'etc/conf': 'conf\n' });
    const mislabelled = zlib.gzipSync(tarOf({ 'etc/zipped': 'zipped\n' }));
    const blobs: Record<string, Uint8Array> = { 'sha256:plain': plain, 'sha256:mis': mislabelled };
    const opened: Array<ReturnType<typeof memoryBlob>> = [];
    const src: LayerSource = {
      ...source(blobs),
      whole: async (digest) => blobs[digest],
      file: async (digest) => {
        const b = memoryBlob(blobs[digest]);
        opened.push(b);
        return b;
      },
    };
    const budget = new MemoryBudget(1 << 30);
    const layers = new ImageLayers(src, budget);
    const a = await layers.overlay([{ digest: 'sha256:plain', mediaType: TAR }, { digest: 'sha256:mis', mediaType: TAR }]);
    if (a instanceof Error) throw a;
    const [stored, mis] = opened;
    expect(stored.bytesRead).toBeLessThan(150_000);   // headers, not the 200 KB file
    expect(mis.closed).toBe(true);                     // gzip after all: read whole, copied, let go
    expect(read(a.root, 'etc/zipped')).toBe('zipped\n');
    expect(budget.heldFor(Use.FILES)).toBe(4096);      // etc/zipped's one block, none of the stored files'
    const node = (p: string) => {
      let n: unknown = a.root;
      for (const name of p.split('/')) n = (n as DirInode).lookup(name);
      return n as FileInode;
    };
    expect(read(a.root, 'etc/conf')).toBe('conf\n');
    expect(node('usr/bin/tool').wholeView()).toBeNull();
    // Where its bytes lie, and their name: the blob's digest and their place in it (the loader's key, instead of a hash).
    const where = node('usr/bin/tool').stored()!;
    expect(where.blob).toBe(stored);
    expect(where.size).toBe(200_000);
    expect(storedName(where)).toMatch(new RegExp(`^${stored.digest}@\\d+\\+200000$`));
    expect(storedName(node('etc/conf').stored()!)).not.toBe(storedName(where));
    // A loader's copy: the bytes afresh, with room before them in their own buffer.
    const own = readBlobRange(where.blob, where.at, where.size, 64);
    expect(own.byteOffset).toBe(64);
    expect(own.buffer.byteLength).toBe(64 + big.length);
    expect(new TextDecoder().decode(own)).toBe(big);
    own.fill(0);
    expect(read(a.root, 'usr/bin/tool')).toBe(big);
    // A write copies up; the stored blob keeps the layer's bytes.
    const w = node('usr/bin/tool').open({ read: true, write: true });
    if (isErr(w)) throw new Error(`open: ${w.errno}`);
    expect(w.pwrite(new TextEncoder().encode('CHANGED'), 10n)).toBe(7);
    w.release();
    expect(node('usr/bin/tool').stored()).toBeNull();
    expect(read(a.root, 'usr/bin/tool').slice(8, 20)).toBe('yyCHANGEDyyy');
    const b = await layers.overlay([{ digest: 'sha256:plain', mediaType: TAR }]);
    if (b instanceof Error) throw b;
    expect(read(b.root, 'usr/bin/tool')).toBe(big);
    expect(stored.closed).toBe(false);
  });
});

describe('a layer left in its stored blob', () => {
  it('lets the blob go when the layer is released, or when its unpack fails', async () => {
    const blob = memoryBlob(tarOf({ 'a': 'a\n' }));
    const t = await unpackLayer(readTar(blob), { blob });
    if (isErr(t)) throw new Error('unpack failed');
    expect(t.bytes).toBe(0);
    t.release();
    expect(blob.closed).toBe(true);
    const bad = memoryBlob(tarOf({ 'b': 'b\n' }));
    const failed = await unpackLayer((async function* () {
      yield* readTar(bad);
      yield { path: 'x', kind: 'hardlink' as const, mode: 0, mtime: 0n, uid: 0, gid: 0, linkname: 'nowhere', size: 0, data: [], devmajor: 0, devminor: 0 };
    })(), { blob: bad });
    expect(isErr(failed)).toBe(true);
    expect(bad.closed).toBe(true);
  });

  it('answers EIO, and the kernel goes on, when the stored blob comes up short after the unpack', async () => {
    const blob = memoryBlob(tarOf({ 'f': 'z'.repeat(5000) }));
    const src: LayerSource = { ...source({}), file: async () => blob };
    const ov = await new ImageLayers(src, new MemoryBudget(1 << 30)).overlay([{ digest: 'sha256:s', mediaType: TAR }]);
    if (ov instanceof Error) throw ov;
    expect(read(ov.root, 'f')).toBe('z'.repeat(5000));
    blob.read = () => 0;   // truncated behind the store's back
    expect(read(ov.root, 'f')).toBe('E29');
    const f = ov.root.lookup('f') as FileInode;
    const w = f.open({ read: true, write: true });
    expect(isErr(w) && w.errno).toBe(29);
    const where = f.stored()!;
    expect(() => readBlobRange(where.blob, where.at, where.size, 64)).toThrow(/ends at byte/);
  });

  it('charges a stored file to the budget when it is copied up, and refuses the copy-up past it (NOSPC, nothing kept)', async () => {
    const src: LayerSource = { ...source({}), file: async () => memoryBlob(tarOf({ 'big': 'b'.repeat(300_000), 'small': 's\n' })) };
    const budget = new MemoryBudget(200_000);
    const ov = await new ImageLayers(src, budget).overlay([{ digest: 'sha256:s', mediaType: TAR }]);
    if (ov instanceof Error) throw ov;
    expect(budget.heldFor(Use.FILES)).toBe(0);
    const big = (ov.root.lookup('big') as FileInode).open({ read: true, write: true });
    expect(isErr(big) && big.errno).toBe(51);   // NOSPC: 300 KB do not fit in 200 KB
    expect(budget.heldFor(Use.FILES)).toBe(0);
    expect(read(ov.root, 'big')).toBe('b'.repeat(300_000));
    const small = (ov.root.lookup('small') as FileInode).open({ read: true, write: true });
    if (isErr(small)) throw new Error(`open: ${small.errno}`);
    small.release();
    expect(budget.heldFor(Use.FILES)).toBe(4096);
    expect(read(ov.root, 'small')).toBe('s\n');
  });
});
