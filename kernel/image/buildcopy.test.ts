import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isErr, type Err } from '../abi/errno.js';
import { DirInode, type Inode } from '../fs/inode.js';
import { MemFs } from '../fs/memfs.js';
import { Overlay } from '../fs/overlay.js';
import { applyCopy, hashItems, planCopy, type CopyItem, type CopyRequest, type CopySource } from './buildcopy.js';
import { DockerIgnore } from './dockerignore.js';
import { writeTar } from './tarwriter.js';

const enc = new TextEncoder();
function ok<T>(v: T | Err): T {
  if (isErr(v)) throw new Error(`errno ${v.errno}`);
  return v;
}

/** A tree in a MemFs: paths ending in '/' are directories, `->` makes a symlink. */
function tree(spec: Record<string, string | Uint8Array>): DirInode {
  const fs = new MemFs();
  for (const [path, content] of Object.entries(spec)) {
    const parts = path.replace(/\/$/, '').split('/');
    let d: DirInode = fs.root;
    for (const name of parts.slice(0, -1)) {
      if (isErr(d.lookup(name))) d.mkdir(name);
      d = ok(d.lookup(name)) as DirInode;
    }
    const name = parts[parts.length - 1];
    if (path.endsWith('/')) d.mkdir(name);
    else if (typeof content === 'string' && content.startsWith('-> ')) d.symlink(name, content.slice(3));
    else {
      const f = ok(ok(d.createFile(name)).open({ read: false, write: true }));
      ok(f.write(typeof content === 'string' ? enc.encode(content) : content));
      f.release();
    }
  }
  return fs.root;
}

const CONTEXT = {
  'Dockerfile': 'FROM scratch',
  'a.txt': 'A',
  'b.txt': 'B',
  'src/': '',
  'src/main.c': 'int main;',
  'src/lib/': '',
  'src/lib/x.c': 'x',
  'src/link': '-> main.c',
  'top-link': '-> a.txt',
  'secret/': '',
  'secret/key': 'k',
  'secret/public': 'p',
};

function source(spec: Record<string, string | Uint8Array> = CONTEXT, ignore = ''): CopySource {
  return { root: tree(spec), ignore: DockerIgnore.parse(ignore), name: 'the build context' };
}
const req = (sources: string[], dest: string, more: Partial<CopyRequest> = {}): CopyRequest => ({ sources, dest, workdir: '/', add: false, ...more });
const plan = async (r: CopyRequest, from = source(), dest = tree({ 'etc/': '' })) => planCopy(from, r, dest);
const paths = (items: CopyItem[]) => items.map((i) => `${i.kind} ${i.path}`);

describe('COPY and ADD planning', () => {
  it('copies a directory\'s contents, not the directory, symlinks as they are', async () => {
    expect(paths(await plan(req(['src'], '/app')))).toEqual(['dir app', 'dir app/lib', 'file app/lib/x.c', 'symlink app/link', 'file app/main.c']);
    const link = (await plan(req(['src/'], '/app/'))).find((i) => i.path === 'app/link');
    expect(link).toMatchObject({ kind: 'symlink', target: 'main.c' });
  });

  it('puts a file at DEST, or in it when DEST ends in / or is a directory', async () => {
    expect(paths(await plan(req(['a.txt'], '/x')))).toEqual(['file x']);
    expect(paths(await plan(req(['a.txt'], '/x/')))).toEqual(['file x/a.txt']);
    expect(paths(await plan(req(['a.txt'], '/etc')))).toEqual(['file etc/a.txt']);
    expect(paths(await plan(req(['a.txt'], 'rel'), source(), tree({})))).toEqual(['file rel']);
    expect(paths(await plan(req(['a.txt'], '.', { workdir: '/w' })))).toEqual(['file w/a.txt']);
    expect(paths(await plan(req(['a.txt'], 'sub/', { workdir: '/w' })))).toEqual(['file w/sub/a.txt']);
  });

  it('follows a source that is a symlink', async () => {
    const [item] = await plan(req(['top-link'], '/t'));
    expect(item).toMatchObject({ kind: 'file', path: 't' });
    expect(new TextDecoder().decode((item as { data: Uint8Array }).data)).toBe('A');
  });

  it('expands wildcards from the source\'s root, and wants a directory DEST for them', async () => {
    expect(paths(await plan(req(['*.txt'], '/d/')))).toEqual(['file d/a.txt', 'file d/b.txt']);
    expect(paths(await plan(req(['src/**/*.c'], '/d/')))).toEqual(['file d/x.c', 'file d/main.c']);
    await expect(plan(req(['*.txt'], '/d'))).rejects.toThrow(/the destination must be a directory ending in '\/': "\/d"/);
    await expect(plan(req(['a.txt', 'b.txt'], '/d'))).rejects.toThrow(/must be a directory/);
    await expect(plan(req(['*.none'], '/d/'))).rejects.toThrow('no source files match "*.none" in the build context');
  });

  it('names a missing source, one .dockerignore excludes, and one outside the context', async () => {
    await expect(plan(req(['nope'], '/'))).rejects.toThrow('"nope" not found in the build context');
    await expect(plan(req(['secret/key'], '/'), source(CONTEXT, 'secret'))).rejects.toThrow('"secret/key" not found in the build context (excluded by .dockerignore)');
    await expect(plan(req(['../etc/passwd'], '/'))).rejects.toThrow('"../etc/passwd" is outside the build context');
  });

  it('leaves out what .dockerignore excludes from a copied directory, and brings exceptions back', async () => {
    const all = paths(await plan(req(['.'], '/c/'), source(CONTEXT, '*.txt\nsecret\n!secret/public\nsrc/lib')));
    expect(all).toEqual([
      'dir c', 'file c/Dockerfile', 'dir c/secret', 'file c/secret/public', 'dir c/src', 'symlink c/src/link', 'file c/src/main.c', 'symlink c/top-link',
    ]);
  });

  it('sets --chmod on files and directories', async () => {
    const items = await plan(req(['src'], '/app', { chmod: 0o700 }));
    expect(items.filter((i) => i.kind !== 'symlink').every((i) => i.mode === 0o700)).toBe(true);
  });

  it('ADD unpacks a local tar, plain or gzip\'d, keeping its owners; copies any other file', async () => {
    const tar = Buffer.concat([...writeTar([
      { path: 'pkg', kind: 'dir', mode: 0o755, mtime: 0, uid: 5, gid: 6 },
      { path: 'pkg/readme', kind: 'file', mode: 0o600, mtime: 0, uid: 5, gid: 6, data: enc.encode('read me') },
      { path: 'pkg/again', kind: 'hardlink', mode: 0, mtime: 0, uid: 0, gid: 0, linkname: 'pkg/readme' },
    ])]);
    const from = source({ 'p.tar': new Uint8Array(tar), 'p.tgz': new Uint8Array(gzipSync(tar)), 'plain.gz': new Uint8Array(gzipSync('not a tar')) });
    for (const name of ['p.tar', 'p.tgz']) {
      const items = await plan(req([name], '/opt', { add: true }), from);
      expect(paths(items)).toEqual(['dir opt/pkg', 'file opt/pkg/readme', 'file opt/pkg/again']);
      expect(items[1]).toMatchObject({ mode: 0o600, owner: { uid: 5, gid: 6 } });
    }
    expect(paths(await plan(req(['plain.gz'], '/opt/', { add: true }), from))).toEqual(['file opt/plain.gz']);
    expect(paths(await plan(req(['p.tar'], '/opt/'), from))).toEqual(['file opt/p.tar']); // COPY never unpacks
  });

  it('refuses ADD of a URL: a build has no network', async () => {
    await expect(plan(req(['https://example.com/x.tar.gz'], '/', { add: true }))).rejects.toThrow(/URLs are not supported \(a build has no network\)/);
  });
});

describe('copying', () => {
  const read = (root: DirInode, path: string) => {
    let n: Inode = root;
    for (const p of path.split('/')) n = ok((n as DirInode).lookup(p));
    const f = ok(n.open({ read: true, write: false }));
    const s = new TextDecoder().decode(ok(f.read(1 << 20)));
    f.release();
    return s;
  };

  it('makes missing parents, replaces files, and keeps modes', async () => {
    const ov = new Overlay([], new MemFs());
    const items = await plan(req(['src'], '/opt/app/'), source(), ov.root);
    const made: string[] = [];
    applyCopy(ov.root, items, made);
    expect(made).toEqual(['opt']);
    expect(read(ov.root, 'opt/app/main.c')).toBe('int main;');
    applyCopy(ov.root, [{ path: 'opt/app/main.c', kind: 'file', mode: 0o600, mtime: 0n, data: enc.encode('new') }], made);
    expect(read(ov.root, 'opt/app/main.c')).toBe('new');
    const changes = ov.changes();
    expect(changes.find((c) => c.path === 'opt/app/main.c')).toMatchObject({ kind: 'file', mode: 0o600 });
    expect(() => applyCopy(ov.root, [{ path: 'opt/app', kind: 'file', mode: 0o644, mtime: 0n, data: enc.encode('x') }], made))
      .toThrow('cannot copy a file onto the directory /opt/app');
  });

  it('hashes what is copied: the same items the same digest, a changed byte another', async () => {
    const digest = (items: CopyItem[]) => {
      const h = createHash('sha256');
      hashItems(items, 0, { update: (d) => void h.update(d), hex: () => h.digest('hex') });
      return h.digest('hex');
    };
    const a = await plan(req(['src'], '/app'));
    const b = await plan(req(['src'], '/app'));
    expect(digest(a)).toBe(digest(b));
    const c = await plan(req(['src'], '/app'), source({ ...CONTEXT, 'src/main.c': 'int main();' }));
    expect(digest(c)).not.toBe(digest(a));
    expect(digest(await plan(req(['src'], '/other')))).not.toBe(digest(a));
  });
});
