import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LONG_TARGET, NAME_212, NAME_362, archive, chunked, expectedFromTree, gnuTar, makeTree, memoryBlob, noise, padded,
  paxHeader, readAll, readStored, setChecksum, ustarHeader, type Expected, type Read,
} from '../../test/support/tarball.js';
import { TarError, looksLikeTar, normalize, readTar } from './tar.js';

/** The top directory of a long name (what to hand tar to archive it). */
const top = (name: string) => name.split('/')[0];
/** Entries with their bytes as a digest (vitest compares big Buffers slowly). */
const digested = (entries: Read[]) => entries.map(({ bytes, ...e }) => ({ ...e, sha256: createHash('sha256').update(bytes).digest('hex') }));
const read = (tar: Uint8Array, chunk = 64 * 1024) => readAll(readTar(chunked(tar, chunk)));

/** Check `got` against the tree: kinds, modes, times (to the second unless `ns`), sizes, targets, bytes. */
function expectTree(root: string, got: Read[], opts: { long: boolean; ns: boolean; uid?: number }): void {
  const want: Expected[] = [
    expectedFromTree(root, 'bin', 'dir'),
    expectedFromTree(root, 'bin/hello', 'file'),
    expectedFromTree(root, 'bin/hi', 'symlink'),
    expectedFromTree(root, 'bin/suid', 'file'),
    { ...expectedFromTree(root, 'bin/zhello', 'hardlink', 'bin/hello'), size: 0 },
    expectedFromTree(root, 'etc', 'dir'),
    expectedFromTree(root, 'etc/big', 'file'),
    expectedFromTree(root, 'etc/empty', 'file'),
    expectedFromTree(root, 'etc/fifo', 'fifo'),
    expectedFromTree(root, NAME_212, 'file'),
  ];
  if (opts.long) want.push(expectedFromTree(root, NAME_362, 'file'), expectedFromTree(root, 'bin/far', 'symlink'));
  const byPath = new Map(got.map((e) => [e.path, e]));
  for (const w of want) {
    const e = byPath.get(w.path);
    expect(e, w.path).toBeDefined();
    if (!e) continue;
    const mtime = opts.ns ? w.mtimeNs : (w.mtimeNs / 1_000_000_000n) * 1_000_000_000n;
    expect({ kind: e.kind, mode: e.mode, mtime: e.mtime, size: e.size, linkname: e.linkname }, w.path)
      .toEqual({ kind: w.kind, mode: w.mode, mtime, size: w.size, linkname: w.linkname });
    if (w.kind === 'file') expect(e.bytes.equals(fs.readFileSync(`${root}/${w.path}`)), w.path).toBe(true);
    expect([e.uid, e.gid]).toEqual([opts.uid ?? 1234, 2345]);
  }
}

describe('readTar on archives made by GNU tar', () => {
  let long: string;
  let short: string;
  beforeAll(() => {
    long = makeTree({ long: true });
    short = makeTree({ long: false, bigSize: 700_000 });
  });
  afterAll(() => {
    fs.rmSync(long, { recursive: true, force: true });
    fs.rmSync(short, { recursive: true, force: true });
  });

  it('reads a pax archive: long names past 255 bytes, long link targets, nanosecond mtimes', async () => {
    const got = await read(gnuTar(long, 'posix', ['bin', 'etc', top(NAME_362), top(NAME_212)]));
    expectTree(long, got, { long: true, ns: true });
    expect(got.find((e) => e.path === 'bin/hello')?.mtime).toBe(1600000000123456789n);
    expect(got.find((e) => e.path === 'bin/far')?.linkname).toBe(LONG_TARGET);
  });

  it('reads a GNU archive: long names and link targets in L and K entries', async () => {
    const got = await read(gnuTar(long, 'gnu', ['.']));
    expectTree(long, got, { long: true, ns: false });
  });

  it('reads a ustar archive, joining prefix and name', async () => {
    const got = await read(gnuTar(short, 'ustar', ['.']));
    expectTree(short, got, { long: false, ns: false });
    expect(got.some((e) => e.path === NAME_212)).toBe(true);
  });

  it('reads an old v7 archive (a directory is a name ending in /)', async () => {
    const root = short;
    const got = await read(gnuTar(root, 'v7', ['bin', 'etc/empty']));
    expect(got.map((e) => [e.path, e.kind])).toEqual([
      ['bin', 'dir'], ['bin/hello', 'file'], ['bin/hi', 'symlink'], ['bin/suid', 'file'], ['bin/zhello', 'hardlink'], ['etc/empty', 'file'],
    ]);
    expect(got[1].bytes.toString()).toBe('hello\n');
  });

  it('gives ./bin/x and bin/x the same path, and skips the ./ entry of the root', async () => {
    const dotted = await read(gnuTar(short, 'posix', ['./bin']));
    const bare = await read(gnuTar(short, 'posix', ['bin']));
    expect(dotted.map((e) => e.path)).toEqual(bare.map((e) => e.path));
    const whole = await read(gnuTar(short, 'posix', ['.']));
    expect(whole.some((e) => e.path === '')).toBe(false);
    expect(whole[0].path).toBe('bin');
  });

  it('reads base-256 numbers (a uid past octal\'s 7 digits)', async () => {
    const got = await read(gnuTar(short, 'gnu', ['bin'], ['--owner=big:3000000']));
    expect(got.every((e) => e.uid === 3000000)).toBe(true);
  });

  for (const size of [1, 511, 513, 64 * 1024]) {
    it(`gives the same entries whatever the chunk size (${size} bytes)`, async () => {
      const tar = gnuTar(size === 1 ? short : long, 'posix', size === 1 ? ['bin', 'etc/empty', top(NAME_212)] : ['.']);
      const whole = await read(tar, tar.length);
      const got = await read(tar, size);
      expect(digested(got)).toEqual(digested(whole));
    });
  }

  for (const format of ['posix', 'gnu', 'ustar'] as const) {
    it(`reads a stored ${format} archive by its headers alone: the entries a stream gives, each file's bytes where its offset says`, async () => {
      const root = format === 'ustar' ? short : long;
      const tar = gnuTar(root, format, format === 'posix' ? ['bin', 'etc', top(NAME_362), top(NAME_212)] : ['.']);
      expect(digested(await readStored(tar))).toEqual(digested(await read(tar)));
    });
  }

  it('reads no file data from a stored archive, only its headers', async () => {
    const tar = gnuTar(short, 'posix', ['etc/big', 'etc/empty']);
    const blob = memoryBlob(tar);
    const entries = [];
    for await (const e of readTar(blob)) entries.push(e);
    expect(entries.map((e) => [e.path, e.size, e.data.length])).toEqual([['etc/big', 700_000, 0], ['etc/empty', 0, 0]]);
    expect(blob.bytesRead).toBeLessThan(200_000);   // windows of 64 KiB at each header, none inside the 700 KB
  });

  it('hands over file data as views into the input chunks, not copies', async () => {
    const tar = gnuTar(short, 'posix', ['etc/big']);
    const entries = [];
    for await (const e of readTar(chunked(tar, 64 * 1024))) entries.push(e);
    expect(entries[0].data.length).toBeGreaterThan(1);
    expect(entries[0].data.every((d) => d.buffer === tar.buffer)).toBe(true);
  });
});

describe('readTar on hand-made archives', () => {
  const file = (name: string, body = 'x') => [ustarHeader({ name, size: Buffer.byteLength(body) }), padded(body)];

  for (const name of ['../x', '/etc/x', 'a/../../x', 'a/..', './../x']) {
    it(`refuses an entry named ${name}`, async () => {
      await expect(read(archive(file(name), 2))).rejects.toThrow(new RegExp(`^${name.replace(/\./g, '\\.')}: `));
    });
  }

  it('refuses a hard link to ../x and one to /etc/passwd', async () => {
    for (const linkname of ['../x', '/etc/passwd', 'a/../../x']) {
      const tar = archive([ustarHeader({ name: 'ok', type: '1', linkname })], 2);
      await expect(read(tar)).rejects.toThrow(/^ok: .*hard link target/);
    }
  });

  it('refuses a pax path that escapes, even when the header name is fine', async () => {
    const tar = archive([paxHeader({ path: '../../evil' }), ...file('fine')], 2);
    await expect(read(tar)).rejects.toThrow(/\.\.\/\.\.\/evil.*'\.\.'/);
  });

  it('keeps a symlink target as written, absolute or upward (only the VFS resolves it)', async () => {
    const tar = archive([ustarHeader({ name: 'l', type: '2', linkname: '/etc/../x' })], 2);
    expect((await read(tar))[0].linkname).toBe('/etc/../x');
  });

  it('normalizes names: ./ prefixes, repeated and trailing slashes', () => {
    expect(normalize('./bin//x/', 'e', 'name')).toBe('bin/x');
    expect(normalize('bin/./x', 'e', 'name')).toBe('bin/x');
    expect(normalize('bin/x', 'e', 'name')).toBe('bin/x');
    expect(normalize('./', 'e', 'name')).toBe('');
  });

  it("skips the root's own entry written as / (umoci insert SRC /); a link to / is still refused", async () => {
    const tar = archive([ustarHeader({ name: '/', type: '5' }), ...file('bin/x')], 2);
    expect((await read(tar)).map((e) => e.path)).toEqual(['bin/x']);
    expect(() => normalize('/etc', 'e', 'name')).toThrow(/absolute/);
    expect(() => normalize('/', 'l', 'hard link target')).toThrow(/absolute/);
  });

  it('fails on a corrupt header checksum, naming the offset', async () => {
    const tar = archive([...file('a'), ...file('b')], 2);
    tar[1024 + 10] ^= 1; // inside the second header's name
    await expect(read(tar)).rejects.toThrow(/corrupt header at byte 1024.*checksum/);
  });

  for (const [how, readIt] of [['a stream', (t: Uint8Array) => read(t)], ['a stored blob', readStored]] as const) {
    it(`fails on ${how} truncated inside a header or inside data, or corrupt`, async () => {
      const tar = archive([...file('a', 'y'.repeat(1000)), ...file('b')], 2);
      await expect(readIt(tar.subarray(0, 300))).rejects.toThrow(/truncated.*header at byte 0/);
      await expect(readIt(tar.subarray(0, 700))).rejects.toThrow(/^a: truncated.*data/);
      await expect(readIt(tar.subarray(0, 1536 + 300))).rejects.toThrow(/truncated.*header at byte 1536/);
      await expect(readIt(new Uint8Array(0))).rejects.toThrow(/empty stream/);
      const pax = archive([paxHeader({ path: 'long' }), ...file('c')]);
      await expect(readIt(pax.subarray(0, 1024))).rejects.toThrow(/ends at byte 1024, after an extended header/);
      expect((await readIt(pax)).map((e) => [e.path, e.bytes.toString()])).toEqual([['long', 'x']]);
      const bad = tar.slice();
      bad[1536 + 10] ^= 1;
      await expect(readIt(bad)).rejects.toThrow(/corrupt header at byte 1536.*checksum/);
      // The end: after a whole entry, or at a lone zero block whatever follows.
      expect((await readIt(tar.subarray(0, 512 + 1000))).map((e) => [e.path, e.bytes.length])).toEqual([['a', 1000]]);
      expect((await readIt(archive([...file('a'), new Uint8Array(512), noise(1000)]))).map((e) => e.path)).toEqual(['a']);
    });
  }

  it('ends where the stream ends after a whole entry: at a header boundary, or before the padding (as umoci writes)', async () => {
    const tar = archive([...file('a', 'y'.repeat(1000)), ...file('b')], 2);
    const a = await read(tar.subarray(0, 512 + 1000));
    expect(a.map((e) => [e.path, e.bytes.length])).toEqual([['a', 1000]]);
    expect((await read(tar.subarray(0, 1536))).map((e) => e.path)).toEqual(['a']);
    expect((await read(tar.subarray(0, 2560))).map((e) => e.path)).toEqual(['a', 'b']);
  });

  it('ends at a lone zero block and ignores what follows the end', async () => {
    const tar = archive([...file('a'), new Uint8Array(512), noise(1000)]);
    expect((await read(tar)).map((e) => e.path)).toEqual(['a']);
  });

  it('applies pax sizes, uid/gid, fractional and negative mtimes, and global headers', async () => {
    const tar = archive([
      paxHeader({ mtime: '7.5', uid: '70000000000' }, 'g'),
      paxHeader({ size: '3', gid: '9', mtime: '-1.25' }), ustarHeader({ name: 'a', size: 0 }), padded('abc'),
      ustarHeader({ name: 'b', mtime: 99 }),
      paxHeader({ mtime: '' }), ustarHeader({ name: 'c', mtime: 5 }),
    ], 2);
    const [a, b, c] = await read(tar);
    expect([a.size, a.bytes.toString(), a.gid, a.uid, a.mtime]).toEqual([3, 'abc', 9, 70000000000, -1_250_000_000n]);
    expect([b.mtime, b.uid]).toEqual([7_500_000_000n, 70000000000]);
    expect(c.mtime).toBe(5_000_000_000n);
  });

  it('reads base-256 sizes and negative base-256 mtimes', async () => {
    const h = ustarHeader({ name: 'n', size: 0 });
    h.fill(0, 124, 136);
    h[124] = 0x80;
    h[135] = 4;
    h.fill(0xff, 136, 148); // -1
    setChecksum(h);
    const [e] = await read(archive([h, padded('1234')], 2));
    expect([e.size, e.bytes.toString(), e.mtime]).toEqual([4, '1234', -1_000_000_000n]);
  });

  it('reads device numbers, and gives other kinds no size', async () => {
    const tar = archive([
      ustarHeader({ name: 'dev/null', type: '3', devmajor: 1, devminor: 3, mode: 0o666 }),
      ustarHeader({ name: 'dev/sda', type: '4', devmajor: 8, devminor: 0 }),
      ustarHeader({ name: 'd', type: '5', size: 4096 }), // header-only: no data follows
      ...file('after'),
    ], 2);
    const got = await read(tar);
    expect(got.map((e) => [e.path, e.kind, e.devmajor, e.devminor, e.size])).toEqual([
      ['dev/null', 'chardev', 1, 3, 0], ['dev/sda', 'blockdev', 8, 0, 0], ['d', 'dir', 0, 0, 0], ['after', 'file', 0, 0, 1],
    ]);
    expect(got[0].mode).toBe(0o666);
  });

  it('refuses GNU sparse files and unknown entry types, naming them', async () => {
    await expect(read(archive([ustarHeader({ name: 'sp', type: 'S' })], 2))).rejects.toThrow(/^sp: unsupported entry type 'S' \(GNU sparse file\)/);
    await expect(read(archive([paxHeader({ 'GNU.sparse.major': '1' }), ...file('sp')], 2))).rejects.toThrow(/sparse/);
    await expect(read(archive([ustarHeader({ name: 'q', type: 'Q' })], 2))).rejects.toThrow(/^q: unsupported entry type 'Q'/);
  });

  it('fails on a corrupt pax record and on an extended header with no entry after it', async () => {
    const bad = archive([ustarHeader({ name: 'p', type: 'x', size: 10 }), padded('99 path=a\n'), ...file('a')], 2);
    await expect(read(bad)).rejects.toThrow(/corrupt pax extended header/);
    await expect(read(archive([paxHeader({ path: 'a' })], 2))).rejects.toThrow(/describes no entry/);
  });

  it('lets go of its source when the consumer stops early', async () => {
    let closed = false;
    async function* source() {
      try {
        yield archive([...file('a'), ...file('b')], 2);
      } finally {
        closed = true;
      }
    }
    for await (const e of readTar(source())) if (e.path === 'a') break;
    expect(closed).toBe(true);
  });

  it('tells a tar header from other bytes', () => {
    expect(looksLikeTar(archive(file('a')))).toBe(true);
    expect(looksLikeTar(new Uint8Array(1024))).toBe(true);
    expect(looksLikeTar(noise(512))).toBe(false);
    expect(looksLikeTar(new Uint8Array(100))).toBe(false);
  });

  it('refuses a pax header of more than a MiB', async () => {
    const h = ustarHeader({ name: 'p', type: 'x', size: 2 << 20 });
    await expect(read(archive([h, new Uint8Array(2 << 20)], 2))).rejects.toThrow(/extended header .* bytes/);
  });

  it('names a TarError as such', async () => {
    await expect(read(new Uint8Array(0))).rejects.toBeInstanceOf(TarError);
  });
});
