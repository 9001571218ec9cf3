import { beforeEach, describe, expect, it } from 'vitest';
import { Errno, isErr, type Err } from '../abi/errno.js';
import { Filetype } from '../abi/wasi.js';
import { unpackLayer } from '../image/unpack.js';
import type { LayerEntry } from '../image/entry.js';
import { MemoryBudget, Use } from '../mm/budget.js';
import { T0, chardev, dir, file, hardlink, opaque, symlink, whiteout } from '../../test/support/layers.js';
import { DirInode, SymlinkInode, type Inode } from './inode.js';
import type { LayerTree } from './layer.js';
import { MemFs } from './memfs.js';
import { Overlay, type OverlayDir } from './overlay.js';
import type { RegularFileHandle } from './regular.js';
import { SocketInode } from './socketnode.js';

async function layer(entries: LayerEntry[], budget?: MemoryBudget): Promise<LayerTree> {
  const t = await unpackLayer(entries, { budget });
  if (isErr(t)) throw new Error(`unpack: ${t.errno}`);
  return t;
}

function ok<T>(v: T | Err): T {
  if (isErr(v)) throw new Error(`errno ${v.errno}`);
  return v;
}

/** The node at `path` (no symlinks followed), or the errno of the lookup. */
function at(ov: Overlay, path: string): Inode | Err {
  let node: Inode = ov.root;
  for (const name of path.split('/').filter(Boolean)) {
    if (!(node instanceof DirInode)) return { errno: Errno.NOTDIR } as Err;
    const next = node.lookup(name);
    if (isErr(next)) return next;
    node = next;
  }
  return node;
}
const dirAt = (ov: Overlay, path: string) => ok(at(ov, path)) as OverlayDir;
const parentOf = (ov: Overlay, path: string) => dirAt(ov, path.split('/').slice(0, -1).join('/'));
const base = (path: string) => path.split('/').pop()!;
const ls = (ov: Overlay, path = '') => ok(dirAt(ov, path).list()).map(([n]) => n);

function open(ov: Overlay, path: string, write = false): RegularFileHandle {
  return ok(ok(at(ov, path)).open({ read: true, write })) as RegularFileHandle;
}
function read(ov: Overlay, path: string): string {
  const h = open(ov, path);
  const s = new TextDecoder().decode(ok(h.pread(1 << 30, 0n)));
  h.release();
  return s;
}
function write(ov: Overlay, path: string, text: string): void {
  const h = open(ov, path, true);
  expect(h.setSize(0n)).toBe(Errno.SUCCESS);
  ok(h.pwrite(new TextEncoder().encode(text), 0n));
  h.release();
}
function create(ov: Overlay, path: string, text: string): void {
  ok(parentOf(ov, path).createFile(base(path)));
  write(ov, path, text);
}
const errnoOf = (v: unknown) => (isErr(v as Err) ? (v as Err).errno : Errno.SUCCESS);

// Three layers, bottom first:
//   L1: etc/{passwd,group,hosts}, var/{log/old,cache/c}, usr/bin/{ls,cat}, opt/a
//   L2: deletes etc/group and opt; var/log becomes opaque with var/log/new; adds usr/bin/sh
//   L3: deletes usr/bin/ls; opt comes back as a directory with opt/b; adds etc/group back
const L1 = [
  dir('etc'), file('etc/passwd', 'root:x:0:0\n'), file('etc/group', 'root:x:0:\n'), file('etc/hosts', 'localhost\n'),
  dir('var'), file('var/log/old', 'old log'), file('var/cache/c', 'cache'),
  file('usr/bin/ls', 'LS'), file('usr/bin/cat', 'CAT'), file('opt/a', 'a'),
];
const L2 = [whiteout('etc/group'), whiteout('opt'), opaque('var/log'), file('var/log/new', 'new log'), file('usr/bin/sh', 'SH')];
const L3 = [whiteout('usr/bin/ls'), dir('opt'), file('opt/b', 'b'), file('etc/group', 'wheel:x:10:\n')];

let lowers: LayerTree[];
let ov: Overlay;
beforeEach(async () => {
  lowers = [await layer(L1), await layer(L2), await layer(L3)];
  ov = new Overlay(lowers, new MemFs());
});

describe('overlay lookup and readdir', () => {
  it('looks names up top-down: a whiteout hides the layers below, an opaque directory everything below', () => {
    expect(read(ov, 'etc/passwd')).toBe('root:x:0:0\n');
    expect(read(ov, 'etc/group')).toBe('wheel:x:10:\n');      // deleted in L2, made again in L3
    expect(errnoOf(at(ov, 'usr/bin/ls'))).toBe(Errno.NOENT);  // deleted in L3
    expect(read(ov, 'usr/bin/sh')).toBe('SH');
    expect(errnoOf(at(ov, 'var/log/old'))).toBe(Errno.NOENT); // var/log is opaque in L2
    expect(read(ov, 'var/log/new')).toBe('new log');
    expect(errnoOf(at(ov, 'opt/a'))).toBe(Errno.NOENT);       // opt deleted in L2, made again in L3
    expect(read(ov, 'opt/b')).toBe('b');
  });

  it('merges readdir across the layers: each name once, sorted, without whiteouts or markers', () => {
    expect(ls(ov)).toEqual(['etc', 'opt', 'usr', 'var']);
    expect(ls(ov, 'etc')).toEqual(['group', 'hosts', 'passwd']);
    expect(ls(ov, 'usr/bin')).toEqual(['cat', 'sh']);
    expect(ls(ov, 'var')).toEqual(['cache', 'log']);
    expect(ls(ov, 'var/log')).toEqual(['new']);
    expect(ls(ov, 'opt')).toEqual(['b']);
  });

  it('refuses the reserved .wh. names: ENOENT to look up, EINVAL to create', () => {
    expect(errnoOf(at(ov, 'etc/.wh.group'))).toBe(Errno.NOENT);
    expect(errnoOf(dirAt(ov, 'etc').createFile('.wh.x'))).toBe(Errno.INVAL);
    expect(dirAt(ov, 'etc').mkdir('.wh..wh..opq')).toBe(Errno.INVAL);
  });

  it('gives each path one object with a stable inode number, on the overlay\'s device', () => {
    const a = ok(at(ov, 'etc/passwd')), b = ok(at(ov, 'etc/passwd'));
    expect(a).toBe(b);
    const st = ok(a.stat());
    expect(st.dev).toBe(ov.dev);
    expect(ok(ov.root.stat()).dev).toBe(ov.dev);
    expect(st.ino).not.toBe(ok(ok(at(ov, 'etc/hosts')).stat()).ino);
    expect(st.mtim).toBe(T0);
    a.setMode(0o600); // copied up: the number stays
    expect(ok(ok(at(ov, 'etc/passwd')).stat()).ino).toBe(st.ino);
  });

  it('answers statvfs from the upper layer', () => {
    const upper = new MemFs(1 << 20);
    const o = new Overlay(lowers, upper);
    expect(o.root.fsStat()).toEqual(upper.fsStat());
  });
});

describe('overlay copy-up', () => {
  it('copies a lower file up when it is opened for writing, and leaves the layer as it was', () => {
    write(ov, 'etc/hosts', 'changed\n');
    expect(read(ov, 'etc/hosts')).toBe('changed\n');
    const fresh = new Overlay(lowers, new MemFs());
    expect(read(fresh, 'etc/hosts')).toBe('localhost\n');
    expect(ov.changes().map((c) => `${c.kind} ${c.path}`)).toEqual(['dir ', 'dir etc', 'file etc/hosts']);
  });

  it('copies up on truncate, keeping the mode and the mtime of the lower file until it changes', () => {
    const h = open(ov, 'etc/passwd', true);
    expect(ok(at(ov, 'etc/passwd')).getMode()).toBe(0o644);
    expect(h.setSize(4n)).toBe(Errno.SUCCESS);
    h.release();
    expect(read(ov, 'etc/passwd')).toBe('root');
    const c = ov.changes().find((x) => x.path === 'etc/passwd');
    expect(c).toMatchObject({ kind: 'file', mode: 0o644, size: 4 });
  });

  it('copies up on chmod and utimes: data, mode and times', () => {
    const f = ok(at(ov, 'usr/bin/cat'));
    expect(f.setMode(0o755)).toBe(Errno.SUCCESS);
    expect(read(ov, 'usr/bin/cat')).toBe('CAT');
    expect(ok(f.stat()).mtim).toBe(T0);
    expect(ok(at(ov, 'etc/group')).setTimes(undefined, 42n)).toBe(Errno.SUCCESS);
    const changes = ov.changes();
    expect(changes.find((x) => x.path === 'usr/bin/cat')).toMatchObject({ kind: 'file', mode: 0o755, mtime: T0 });
    expect(changes.find((x) => x.path === 'etc/group')).toMatchObject({ kind: 'file', mtime: 42n });
    // The copied-up parents keep their lower times: a copy-up is no change to them.
    expect(changes.find((x) => x.path === 'etc')).toMatchObject({ kind: 'dir', mtime: T0, opaque: false });
  });

  it('keeps an open read-only description of a lower file reading the lower bytes after a copy-up', () => {
    const before = open(ov, 'etc/hosts');
    write(ov, 'etc/hosts', 'rewritten\n');
    expect(new TextDecoder().decode(ok(before.pread(100, 0n)))).toBe('localhost\n');
    expect(ok(before.stat()).size).toBe(10n); // fstat follows the object, which is the copy now
    before.release();
    const after = open(ov, 'etc/hosts');
    expect(new TextDecoder().decode(ok(after.pread(100, 0n)))).toBe('rewritten\n');
  });

  it('does not hold a large lower file twice: reading and copy-up borrow its chunks; a write pays for one chunk', async () => {
    const budget = new MemoryBudget(64 << 20);
    const big = Uint8Array.from({ length: 8 << 20 }, (_, i) => i & 0xff);
    const l = await layer([file('big', big, 0o644, 1 << 20)], budget);
    const upper = new MemFs();
    upper.useBudget(budget);
    const o = new Overlay([l], upper);
    expect(budget.heldFor(Use.FILES)).toBe(8 << 20);
    const h = open(o, 'big');
    expect(ok(h.pread(16, (5n << 20n) + 3n))).toEqual(big.subarray((5 << 20) + 3, (5 << 20) + 19));
    h.release();
    expect(ok(at(o, 'big')).setMode(0o600)).toBe(Errno.SUCCESS);
    expect(budget.heldFor(Use.FILES)).toBe(8 << 20);
    const w = open(o, 'big', true);
    ok(w.pwrite(Uint8Array.of(1), 100n));
    w.release();
    expect(budget.heldFor(Use.FILES)).toBe((8 << 20) + 65_536);
    expect(ok(open(o, 'big').pread(2, 100n))).toEqual(Uint8Array.of(1, 101));
  });
});

describe('overlay removal and rename', () => {
  it('leaves a whiteout in the upper when a lower file is unlinked', () => {
    expect(dirAt(ov, 'etc').unlink('hosts')).toBe(Errno.SUCCESS);
    expect(errnoOf(at(ov, 'etc/hosts'))).toBe(Errno.NOENT);
    expect(ls(ov, 'etc')).toEqual(['group', 'passwd']);
    expect(ov.changes()).toContainEqual({ path: 'etc/hosts', kind: 'whiteout' });
    expect(dirAt(ov, 'etc').unlink('hosts')).toBe(Errno.NOENT);
  });

  it('removes an upper-only file without a whiteout, and a copied-up one with one', () => {
    create(ov, 'etc/new', 'n');
    expect(dirAt(ov, 'etc').unlink('new')).toBe(Errno.SUCCESS);
    write(ov, 'etc/passwd', 'x');
    expect(dirAt(ov, 'etc').unlink('passwd')).toBe(Errno.SUCCESS);
    expect(ov.changes().filter((c) => c.path.startsWith('etc/'))).toEqual([{ path: 'etc/passwd', kind: 'whiteout' }]);
  });

  it('answers POSIX errnos: unlink of a directory EISDIR, rmdir of a file ENOTDIR, existing names EEXIST', () => {
    expect(ov.root.unlink('etc')).toBe(Errno.ISDIR);
    expect(dirAt(ov, 'etc').rmdir('passwd')).toBe(Errno.NOTDIR);
    expect(ov.root.mkdir('etc')).toBe(Errno.EXIST);
    expect(errnoOf(dirAt(ov, 'etc').createFile('passwd'))).toBe(Errno.EXIST);
    expect(dirAt(ov, 'etc').symlink('hosts', 'x')).toBe(Errno.EXIST);
    expect(ov.root.rmdir('nothing')).toBe(Errno.NOENT);
  });

  it('removes a merged directory only when it is empty as merged (ENOTEMPTY), leaving a whiteout', () => {
    expect(ov.root.rmdir('var')).toBe(Errno.NOTEMPTY);
    expect(dirAt(ov, 'var/log').unlink('new')).toBe(Errno.SUCCESS);
    expect(dirAt(ov, 'var').rmdir('log')).toBe(Errno.SUCCESS);
    expect(dirAt(ov, 'var/cache').unlink('c')).toBe(Errno.SUCCESS);
    expect(dirAt(ov, 'var').rmdir('cache')).toBe(Errno.SUCCESS);
    expect(ov.root.rmdir('var')).toBe(Errno.SUCCESS);
    expect(ls(ov)).toEqual(['etc', 'opt', 'usr']);
    expect(ov.changes().filter((c) => c.kind === 'whiteout').map((c) => c.path)).toEqual(['var']);
  });

  it('makes a directory created over a whiteout opaque, so the lower contents stay hidden', () => {
    const log = dirAt(ov, 'var/log');
    expect(log.unlink('new')).toBe(Errno.SUCCESS);
    expect(dirAt(ov, 'var').rmdir('log')).toBe(Errno.SUCCESS);
    expect(log.createFile('late')).toMatchObject({ errno: Errno.NOENT }); // the removed directory takes nothing new
    expect(log.list()).toEqual([]);
    expect(dirAt(ov, 'var').mkdir('log')).toBe(Errno.SUCCESS);
    expect(ls(ov, 'var/log')).toEqual([]);
    expect(ov.changes()).toContainEqual(expect.objectContaining({ path: 'var/log', kind: 'dir', opaque: true }));
  });

  it('renames a lower file by copy-up, leaving a whiteout at the old name', () => {
    expect(dirAt(ov, 'etc').rename('hosts', dirAt(ov, 'usr'), 'hosts2')).toBe(Errno.SUCCESS);
    expect(errnoOf(at(ov, 'etc/hosts'))).toBe(Errno.NOENT);
    expect(read(ov, 'usr/hosts2')).toBe('localhost\n');
    const kinds = Object.fromEntries(ov.changes().map((c) => [c.path, c.kind]));
    expect(kinds).toMatchObject({ 'etc/hosts': 'whiteout', 'usr/hosts2': 'file' });
  });

  it('renames a file over a lower file and over a whited-out name', () => {
    create(ov, 'etc/tmp', 'T');
    expect(dirAt(ov, 'etc').rename('tmp', dirAt(ov, 'etc'), 'passwd')).toBe(Errno.SUCCESS);
    expect(read(ov, 'etc/passwd')).toBe('T');
    expect(dirAt(ov, 'usr/bin').rename('cat', dirAt(ov, 'usr/bin'), 'ls')).toBe(Errno.SUCCESS);
    expect(ls(ov, 'usr/bin')).toEqual(['ls', 'sh']);
    expect(read(ov, 'usr/bin/ls')).toBe('CAT');
  });

  it('refuses to rename a directory with lower contents (EXDEV, as overlayfs without redirect_dir), moves an upper one', () => {
    expect(ov.root.rename('etc', ov.root, 'etc2')).toBe(Errno.XDEV);
    expect(ov.root.mkdir('new')).toBe(Errno.SUCCESS);
    create(ov, 'new/f', 'f');
    expect(ov.root.rename('new', dirAt(ov, 'usr'), 'moved')).toBe(Errno.SUCCESS);
    expect(read(ov, 'usr/moved/f')).toBe('f');
    expect(ls(ov)).toEqual(['etc', 'opt', 'usr', 'var']);
  });

  it('renames an upper directory over an empty lower one: the result is opaque', () => {
    expect(dirAt(ov, 'opt').unlink('b')).toBe(Errno.SUCCESS);
    expect(ov.root.mkdir('d')).toBe(Errno.SUCCESS);
    create(ov, 'd/x', 'x');
    expect(ov.root.rename('d', ov.root, 'etc')).toBe(Errno.NOTEMPTY);
    expect(ov.root.rename('d', ov.root, 'opt')).toBe(Errno.SUCCESS);
    expect(ls(ov, 'opt')).toEqual(['x']);
    expect(ov.changes()).toContainEqual(expect.objectContaining({ path: 'opt', kind: 'dir', opaque: true }));
  });

  it('answers rename(2) errnos: EISDIR, ENOTDIR, EINVAL into itself, EXDEV to another overlay', () => {
    expect(dirAt(ov, 'etc').rename('passwd', ov.root, 'usr')).toBe(Errno.ISDIR);
    expect(ov.root.mkdir('d')).toBe(Errno.SUCCESS);
    expect(ov.root.rename('d', dirAt(ov, 'etc'), 'passwd')).toBe(Errno.NOTDIR);
    expect(dirAt(ov, 'd').mkdir('sub')).toBe(Errno.SUCCESS);
    expect(ov.root.rename('d', dirAt(ov, 'd/sub'), 'x')).toBe(Errno.INVAL);
    const other = new Overlay(lowers, new MemFs());
    expect(dirAt(ov, 'etc').rename('passwd', other.root, 'p')).toBe(Errno.XDEV);
  });
});

describe('overlay links', () => {
  it('shows a lower hard link as one inode with its link count', async () => {
    const o = new Overlay([await layer([file('a', 'data'), hardlink('b', 'a')])], new MemFs());
    const a = ok(ok(at(o, 'a')).stat()), b = ok(ok(at(o, 'b')).stat());
    expect(a.ino).toBe(b.ino);
    expect(a.nlink).toBe(2n);
  });

  it('copies a lower file up before linking it: both names are one upper file', () => {
    const src = ok(at(ov, 'etc/passwd'));
    expect(dirAt(ov, 'usr').link('pw', src)).toBe(Errno.SUCCESS);
    const a = ok(src.stat()), b = ok(ok(at(ov, 'usr/pw')).stat());
    expect(b.ino).toBe(a.ino);
    expect(b.nlink).toBe(2n);
    write(ov, 'usr/pw', 'shared');
    expect(read(ov, 'etc/passwd')).toBe('shared');
    expect(ov.changes()).toContainEqual({ path: 'usr/pw', kind: 'hardlink', linkname: 'etc/passwd' });
    expect(ov.root.link('x', dirAt(ov, 'etc'))).toBe(Errno.PERM);
  });

  it('reads lower symlinks and makes new ones in the upper', async () => {
    const o = new Overlay([await layer([symlink('bin/sh', 'busybox'), file('bin/busybox', 'BB')])], new MemFs());
    const s = ok(at(o, 'bin/sh')) as SymlinkInode;
    expect(s.readlink()).toBe('busybox');
    expect(ok(s.stat()).size).toBe(7n);
    expect(dirAt(o, 'bin').symlink('ash', 'busybox')).toBe(Errno.SUCCESS);
    expect((ok(at(o, 'bin/ash')) as SymlinkInode).readlink()).toBe('busybox');
    expect(dirAt(o, 'bin').rename('sh', dirAt(o, 'bin'), 'sh2')).toBe(Errno.SUCCESS);
    expect((ok(at(o, 'bin/sh2')) as SymlinkInode).readlink()).toBe('busybox');
    expect(o.changes().map((c) => `${c.kind} ${c.path}`)).toEqual(['dir ', 'dir bin', 'symlink bin/ash', 'whiteout bin/sh', 'symlink bin/sh2']);
  });

  it('shows an image\'s device node, which cannot be opened (ENXIO)', async () => {
    const o = new Overlay([await layer([chardev('dev/null', 1, 3)])], new MemFs());
    const n = ok(at(o, 'dev/null'));
    expect(errnoOf(n.open({ read: true, write: false }))).toBe(Errno.NXIO);
    expect(n.setMode(0o600)).toBe(Errno.SUCCESS);
    expect(o.changes()).toContainEqual(expect.objectContaining({ path: 'dev/null', kind: 'chardev', major: 1, minor: 3, mode: 0o600 }));
  });
});

describe('overlay sharing', () => {
  it('shares one layer tree between two overlays whose uppers do not see each other\'s writes', () => {
    const a = new Overlay(lowers, new MemFs()), b = new Overlay(lowers, new MemFs());
    write(a, 'etc/hosts', 'A\n');
    expect(dirAt(b, 'etc').unlink('hosts')).toBe(Errno.SUCCESS);
    create(b, 'etc/only-b', 'B');
    expect(read(a, 'etc/hosts')).toBe('A\n');
    expect(errnoOf(at(b, 'etc/hosts'))).toBe(Errno.NOENT);
    expect(errnoOf(at(a, 'etc/only-b'))).toBe(Errno.NOENT);
    expect(read(new Overlay(lowers, new MemFs()), 'etc/hosts')).toBe('localhost\n');
  });

  it('keeps whiteouts and opaque markers in the upper itself: a new overlay over it sees the same tree', () => {
    expect(dirAt(ov, 'etc').unlink('hosts')).toBe(Errno.SUCCESS);
    expect(dirAt(ov, 'var/log').unlink('new')).toBe(Errno.SUCCESS);
    expect(dirAt(ov, 'var').rmdir('log')).toBe(Errno.SUCCESS);
    expect(dirAt(ov, 'var').mkdir('log')).toBe(Errno.SUCCESS);
    const again = new Overlay(lowers, ov.upperFs);
    expect(ls(again, 'etc')).toEqual(['group', 'passwd']);
    expect(ls(again, 'var/log')).toEqual([]);
    expect(again.changes()).toEqual(ov.changes());
  });

  it('lists the upper\'s changes with data read on demand', () => {
    create(ov, 'etc/motd', 'hello');
    const c = ov.changes().find((x) => x.path === 'etc/motd');
    expect(c?.kind).toBe('file');
    if (c?.kind === 'file') expect(new TextDecoder().decode(c.data())).toBe('hello');
  });
});

describe('overlay socket names', () => {
  it('makes an AF_UNIX socket\'s name in the upper, finds it as it is, lists it, and removes it', () => {
    const made = ok(dirAt(ov, 'var').mksock('app.sock', Filetype.SOCKET_STREAM));
    expect(made).toBeInstanceOf(SocketInode);
    expect(at(ov, 'var/app.sock')).toBe(made);
    expect(ls(ov, 'var')).toContain('app.sock');
    expect(errnoOf(dirAt(ov, 'var').mksock('app.sock', Filetype.SOCKET_STREAM))).toBe(Errno.ADDRINUSE);
    expect(errnoOf(dirAt(ov, 'etc').mksock('passwd', Filetype.SOCKET_DGRAM))).toBe(Errno.ADDRINUSE);
    expect(dirAt(ov, 'var').rename('app.sock', dirAt(ov, 'var'), 'b.sock')).toBe(Errno.XDEV);
    expect(ov.changes().some((c) => c.path.endsWith('app.sock'))).toBe(false); // no layer holds a socket
    expect(dirAt(ov, 'var').unlink('app.sock')).toBe(Errno.SUCCESS);
    expect(errnoOf(at(ov, 'var/app.sock'))).toBe(Errno.NOENT);
  });
});
