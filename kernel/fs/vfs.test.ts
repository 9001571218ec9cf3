import { describe, expect, it } from 'vitest';
import { Errno, isErr } from '../abi/errno.js';
import { DirInode, FileInode, type Inode } from './inode.js';
import { LayerBuilder, type LayerTree } from './layer.js';
import { MemDir } from './memfs.js';
import { resolveAbsolute } from './path.js';
import { restoreSnapshot, takeSnapshot } from './snapshot.js';
import { Vfs } from './vfs.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A root image as the page's: /bin/sh, /bin/ls, /etc/profile, /etc/skel/.profile, /usr/share/doc. */
function image(): LayerTree {
  const b = new LayerBuilder();
  for (const d of ['bin', 'etc', 'etc/skel', 'usr', 'usr/share', 'usr/share/doc']) b.dir(d, 0o755, 5_000_000_000n);
  b.file('bin/sh', 0o755, 5_000_000_000n, 3, [enc.encode('sh!')]);
  b.file('bin/ls', 0o755, 5_000_000_000n, 3, [enc.encode('ls!')]);
  b.file('etc/profile', 0o644, 5_000_000_000n, 8, [enc.encode('PS1=$ \n')]);
  b.file('etc/skel/.profile', 0o644, 5_000_000_000n, 2, [enc.encode('#\n')]);
  b.file('usr/share/doc/README', 0o644, 5_000_000_000n, 3, [enc.encode('doc')]);
  return b.finish();
}

const at = (vfs: Vfs, path: string): Inode | null => {
  const r = resolveAbsolute(vfs.init, '/', path, true);
  return isErr(r) ? null : r.node;
};
const dirAt = (vfs: Vfs, path: string): DirInode => at(vfs, path) as DirInode;
const read = (vfs: Vfs, path: string): string | null => {
  const node = at(vfs, path);
  if (!(node instanceof FileInode)) return null;
  const f = node.open({ read: true, write: false });
  if (isErr(f)) return null;
  const bytes = f.pread(1 << 16, 0n);
  return isErr(bytes) ? null : dec.decode(bytes);
};
const write = (vfs: Vfs, path: string, text: string): void => {
  const cut = path.lastIndexOf('/');
  const dir = dirAt(vfs, path.slice(0, cut) || '/');
  const made = dir.createFile(path.slice(cut + 1));
  if (isErr(made)) throw new Error(`create ${path}: ${made.errno}`);
  const f = (made as FileInode).open({ read: false, write: true });
  if (isErr(f)) throw new Error(`open ${path}`);
  f.pwrite(enc.encode(text), 0n);
};

describe('Vfs.stackOn: the root file system over an image', () => {
  it('shows the image, keeps /dev, /tmp and /proc mounted, and changes only the root file system', () => {
    const vfs = new Vfs();
    vfs.mount('/proc', new MemDir(vfs.mem, null), 'proc');
    expect(vfs.stackOn(image(), 'rootimage')).toBe(Errno.SUCCESS);
    expect(vfs.list().map((m) => `${m.path} ${m.type}`)).toEqual(['/ overlay', '/dev devtmpfs', '/tmp tmpfs', '/proc proc']);
    expect(read(vfs, '/bin/sh')).toBe('sh!');
    expect(at(vfs, '/dev/null')).not.toBeNull();
    expect(at(vfs, '/root')).toBeInstanceOf(DirInode);
    write(vfs, '/bin/tool', 'new');
    expect(read(vfs, '/bin/tool')).toBe('new');
    // The change is in `mem`, the upper layer; the image is untouched.
    expect(((vfs.mem.root.lookup('bin') as MemDir).lookup('tool') as Inode)).toBeDefined();
    expect(dirAt(vfs, '/bin').unlink('ls')).toBe(Errno.SUCCESS);
    expect(at(vfs, '/bin/ls')).toBeNull();
    expect(vfs.stackOn(image(), 'again')).toBe(Errno.BUSY);
  });

  it('says which directories of the root file system are mount points', () => {
    const vfs = new Vfs();
    vfs.stackOn(image(), 'rootimage');
    const upper = (name: string): Inode => vfs.mem.root.lookup(name) as Inode;
    expect(vfs.isMountPoint(upper('tmp'))).toBe(true);
    expect(vfs.isMountPoint(upper('dev'))).toBe(true);
    expect(vfs.isMountPoint(upper('root'))).toBe(false);
    expect(vfs.isMountPoint(vfs.mem.root)).toBe(false);
  });

  it('round-trips through a snapshot: new and changed files, removals from the image, a replaced directory', () => {
    const vfs = new Vfs();
    vfs.stackOn(image(), 'rootimage');
    write(vfs, '/root/note', 'kept');
    write(vfs, '/etc/hosts', '127.0.0.1 localhost\n');
    expect(dirAt(vfs, '/etc').unlink('profile')).toBe(Errno.SUCCESS);
    write(vfs, '/etc/profile', 'PS1=# \n'); // replaced: no longer the image's
    expect(dirAt(vfs, '/bin').unlink('ls')).toBe(Errno.SUCCESS);
    // /usr/share/doc replaced by a new directory: the image's README must stay hidden.
    expect(dirAt(vfs, '/usr/share/doc').unlink('README')).toBe(Errno.SUCCESS);
    expect(dirAt(vfs, '/usr/share').rmdir('doc')).toBe(Errno.SUCCESS);
    expect(dirAt(vfs, '/usr/share').mkdir('doc')).toBe(Errno.SUCCESS);
    write(vfs, '/usr/share/doc/NEWS', 'news');
    dirAt(vfs, '/etc').rename('skel', dirAt(vfs, '/root'), 'skel-copy'); // EXDEV (lower contents): stays
    write(vfs, '/tmp/scratch', 'not kept'); // another file system

    const records = takeSnapshot(vfs.mem, (n) => vfs.isMountPoint(n));
    expect(records.some((r) => r.path.startsWith('tmp/'))).toBe(false);
    expect(records).toContainEqual({ path: 'bin/ls', kind: 'whiteout' });

    const again = new Vfs();
    expect(restoreSnapshot(again.mem, records, (n) => again.isMountPoint(n))).toEqual([]);
    again.stackOn(image(), 'rootimage');
    expect(read(again, '/root/note')).toBe('kept');
    expect(read(again, '/etc/hosts')).toBe('127.0.0.1 localhost\n');
    expect(read(again, '/etc/profile')).toBe('PS1=# \n');
    expect(at(again, '/bin/ls')).toBeNull();
    expect(read(again, '/bin/sh')).toBe('sh!');
    expect(dirAt(again, '/usr/share/doc').list()).toEqual([['NEWS', expect.anything()]]);
    expect(read(again, '/etc/skel/.profile')).toBe('#\n');
    expect(at(again, '/tmp/scratch')).toBeNull();
    // What is removed can be made again (a whiteout gives way).
    write(again, '/bin/ls', 'mine');
    expect(read(again, '/bin/ls')).toBe('mine');
  });

  it('restores a snapshot that removed a directory the kernel makes at boot', () => {
    const vfs = new Vfs();
    vfs.stackOn(image(), 'rootimage');
    expect(dirAt(vfs, '/').rmdir('home')).toBe(Errno.SUCCESS);
    expect(dirAt(vfs, '/').rmdir('etc')).toBe(Errno.NOTEMPTY);
    const records = takeSnapshot(vfs.mem, (n) => vfs.isMountPoint(n));
    const again = new Vfs();
    expect(restoreSnapshot(again.mem, records, (n) => again.isMountPoint(n))).toEqual([]);
    again.stackOn(image(), 'rootimage');
    expect(at(again, '/home')).toBeNull();
    expect(at(again, '/tmp')).toBeInstanceOf(DirInode);
  });
});
