import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Errno, isErr, type Err } from '../abi/errno.js';
import { DirInode, type Inode } from '../fs/inode.js';
import type { LayerTree } from '../fs/layer.js';
import { MemFs } from '../fs/memfs.js';
import { Overlay } from '../fs/overlay.js';
import { dir, file } from '../../test/support/layers.js';
import type { Sha256Factory } from './digest.js';
import { layerBlob } from './layerblob.js';
import { layerEntries } from './layerdiff.js';
import { readTar } from './tar.js';
import type { TarEntry } from './tarwriter.js';
import { unpackLayer } from './unpack.js';
import type { LayerEntry } from './entry.js';

const sha256: Sha256Factory = async () => {
  const h = createHash('sha256');
  return { update: (d) => void h.update(d), hex: () => h.digest('hex') };
};
const enc = new TextEncoder();

function ok<T>(v: T | Err): T {
  if (isErr(v)) throw new Error(`errno ${v.errno}`);
  return v;
}

async function tree(entries: LayerEntry[]): Promise<LayerTree> {
  return ok(await unpackLayer(entries));
}

function dirAt(root: DirInode, path: string): DirInode {
  let d = root;
  for (const n of path.split('/').filter(Boolean)) d = ok(d.lookup(n)) as DirInode;
  return d;
}
function put(root: DirInode, path: string, text: string, mtimeNs?: bigint): Inode {
  const parent = dirAt(root, path.split('/').slice(0, -1).join('/'));
  const name = path.split('/').pop() as string;
  const node = isErr(parent.lookup(name)) ? ok(parent.createFile(name)) : ok(parent.lookup(name));
  const f = ok(node.open({ read: false, write: true }));
  f.setSize(0n);
  ok(f.write(enc.encode(text)));
  f.release();
  if (mtimeNs !== undefined) node.setTimes(undefined, mtimeNs);
  return node;
}

/** The lower layer every case starts from. */
const LOWER = [
  dir('etc'), file('etc/passwd', 'root:x:0:0::/root:/bin/sh\n'), file('etc/group', 'root:x:0:\n'),
  dir('opt'), dir('opt/old'), file('opt/old/a', 'a'), file('opt/old/b', 'b'),
  file('data', 'a file'), dir('keep'), file('keep/x', 'x'),
];

/** The changes the cases make, through the overlay as processes would. */
async function changed(): Promise<Overlay> {
  const ov = new Overlay([await tree(LOWER)], new MemFs());
  const root = ov.root;
  put(root, 'etc/passwd', 'root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/app:/bin/sh\n'); // changed
  expect(dirAt(root, 'etc').unlink('group')).toBe(Errno.SUCCESS); // deleted: a whiteout
  const old = dirAt(root, 'opt/old');
  expect(old.unlink('a')).toBe(Errno.SUCCESS);
  expect(old.unlink('b')).toBe(Errno.SUCCESS);
  expect(dirAt(root, 'opt').rmdir('old')).toBe(Errno.SUCCESS);
  expect(dirAt(root, 'opt').mkdir('old')).toBe(Errno.SUCCESS); // replaced: an opaque directory
  put(root, 'opt/old/new', 'new', 500n * 1_000_000_000n);
  expect(root.unlink('data')).toBe(Errno.SUCCESS);
  expect(root.mkdir('data')).toBe(Errno.SUCCESS); // a directory in place of a file: opaque too
  put(root, 'data/inside', 'in');
  expect(root.mkdir('app')).toBe(Errno.SUCCESS);
  const made = put(root, 'app/run', '#!/bin/sh\n');
  made.setMode(0o755);
  expect(dirAt(root, 'app').symlink('current', 'run')).toBe(Errno.SUCCESS);
  expect(dirAt(root, 'app').link('again', made)).toBe(Errno.SUCCESS);
  expect(root.mkdir('dev')).toBe(Errno.SUCCESS); // a mount stub, to be left out
  return ov;
}

const summary = (es: TarEntry[]) => es.map((e) => `${e.kind} ${e.path}${e.linkname ? ` -> ${e.linkname}` : ''}`);

describe('a step\'s layer', () => {
  it('holds new and changed entries, whiteouts for deletions and opaque markers for replaced directories', async () => {
    const ov = await changed();
    const es = layerEntries(ov.changes(), { epoch: 0, skip: new Set(['dev']) });
    expect(summary(es)).toEqual([
      'dir app', 'file app/again', 'symlink app/current -> run', 'hardlink app/run -> app/again',
      'dir data', 'file data/.wh..wh..opq', 'file data/inside',
      'dir etc', 'file etc/.wh.group', 'file etc/passwd',
      'dir opt', 'dir opt/old', 'file opt/old/.wh..wh..opq', 'file opt/old/new',
    ]);
    const passwd = es.find((e) => e.path === 'etc/passwd') as TarEntry;
    expect(new TextDecoder().decode(passwd.data)).toMatch(/^app:/m);
    // Markers are empty files of mode 0.
    for (const m of es.filter((e) => e.path.includes('.wh.'))) expect([m.mode, m.data?.length]).toEqual([0, 0]);
    expect(es.find((e) => e.path === 'app/again')?.mode).toBe(0o755);
  });

  it('clamps every mtime to SOURCE_DATE_EPOCH and keeps earlier ones', async () => {
    const ov = await changed();
    const es = layerEntries(ov.changes(), { epoch: 1000 });
    expect(es.find((e) => e.path === 'opt/old/new')?.mtime).toBe(500);
    expect(es.find((e) => e.path === 'etc/passwd')?.mtime).toBe(1000);
    expect(new Set(es.filter((e) => e.path !== 'opt/old/new' && e.kind !== 'hardlink').map((e) => e.mtime))).toEqual(new Set([1000]));
    expect(layerEntries(ov.changes(), { epoch: 0 }).every((e) => e.mtime === 0)).toBe(true);
  });

  it('gives every entry 0:0 unless an owner was recorded for its path', async () => {
    const ov = await changed();
    const owners = new Map([['app/run', { uid: 1000, gid: 1000 }], ['app', { uid: 1000, gid: 50 }]]);
    const es = layerEntries(ov.changes(), { epoch: 0, owner: (p) => owners.get(p) });
    expect(es.find((e) => e.path === 'app')).toMatchObject({ uid: 1000, gid: 50 });
    expect(es.filter((e) => e.path !== 'app').every((e) => e.uid === 0 && e.gid === 0)).toBe(true);
  });

  it('leaves a skipped path out with everything below it', async () => {
    const ov = await changed();
    expect(summary(layerEntries(ov.changes(), { epoch: 0 }))).toContain('dir dev');
    const es = layerEntries(ov.changes(), { epoch: 0, skip: new Set(['dev', 'opt']) });
    expect(es.some((e) => e.path === 'dev' || e.path.startsWith('opt'))).toBe(false);
  });

  it('is empty for an untouched overlay', async () => {
    const ov = new Overlay([await tree(LOWER)], new MemFs());
    expect(layerEntries(ov.changes(), { epoch: 0 })).toEqual([]);
  });
});

describe('the layer blob', () => {
  it('is the same bytes every time, its gzip header dated 0 and nameless', async () => {
    const a = await layerBlob(layerEntries((await changed()).changes(), { epoch: 0 }), sha256);
    const b = await layerBlob(layerEntries((await changed()).changes(), { epoch: 0 }), sha256);
    expect(a.digest).toBe(b.digest);
    expect(a.diffId).toBe(b.diffId);
    const gz = Buffer.concat(a.chunks);
    expect(gz.length).toBe(a.size);
    expect([...gz.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
    expect(`sha256:${createHash('sha256').update(gz).digest('hex')}`).toBe(a.digest);
    expect(`sha256:${createHash('sha256').update(gunzipSync(gz)).digest('hex')}`).toBe(a.diffId);
    expect(a.mediaType).toBe('application/vnd.oci.image.layer.v1.tar+gzip');
  });

  it('does not depend on how the tar is cut: a big file compresses alike whatever its entries', async () => {
    const big = new Uint8Array(300_000).map((_, i) => (i * 7919) % 251);
    const one = await layerBlob([{ path: 'big', kind: 'file', mode: 0o644, mtime: 0, uid: 0, gid: 0, data: big }], sha256);
    const copy = await layerBlob([{ path: 'big', kind: 'file', mode: 0o644, mtime: 0, uid: 0, gid: 0, data: big.slice() }], sha256);
    expect(one.digest).toBe(copy.digest);
    expect(gunzipSync(Buffer.concat(one.chunks)).length).toBe(512 + 300_032 + 1024);
  });

  it('unpacks, over the layer below, to the tree the step left', async () => {
    const lower = await tree(LOWER);
    const blob = await layerBlob(layerEntries((await changed()).changes(), { epoch: 0, skip: new Set(['dev']) }), sha256);
    const tar = gunzipSync(Buffer.concat(blob.chunks));
    const entries: LayerEntry[] = [];
    for await (const e of readTar((async function* () {
      yield new Uint8Array(tar);
    })())) entries.push(e);
    const upper = await tree(entries);
    const ov = new Overlay([lower, upper], new MemFs());
    const names = (path: string) => ok(dirAt(ov.root, path).list()).map(([n]) => n);
    expect(names('')).toEqual(['app', 'data', 'etc', 'keep', 'opt']);
    expect(names('etc')).toEqual(['passwd']);
    expect(names('opt/old')).toEqual(['new']);
    expect(names('data')).toEqual(['inside']);
    expect(names('keep')).toEqual(['x']);
  });
});
