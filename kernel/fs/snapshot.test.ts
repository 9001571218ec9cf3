import { describe, expect, it } from 'vitest';
import { Errno, isErr } from '../abi/errno.js';
import { MemoryBudget } from '../mm/budget.js';
import type { Inode } from './inode.js';
import { MemDir, MemFile, MemFs, MemSymlink } from './memfs.js';
import { restoreSnapshot, takeSnapshot } from './snapshot.js';
import { addMemoryDevices } from './vfs.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const dir = (d: MemDir, name: string): MemDir => d.lookup(name) as MemDir;
const file = (d: MemDir, name: string): MemFile => d.lookup(name) as MemFile;

/** /root/note, /root/d/, /root/link → note, /root/again (a second name of note), /etc 0700, /dev with devices. */
function sample(): MemFs {
  const fs = new MemFs();
  for (const d of ['root', 'etc', 'dev']) fs.root.mkdir(d);
  const root = dir(fs.root, 'root');
  (root.createFile('note') as MemFile).writeAt(0, text('kept\n'));
  root.mkdir('d');
  root.symlink('link', 'note');
  root.link('again', root.lookup('note') as Inode);
  dir(fs.root, 'etc').setMode(0o700);
  file(root, 'note').setTimes(undefined, 1_000_000_000n);
  addMemoryDevices(dir(fs.root, 'dev'));
  return fs;
}

describe('takeSnapshot', () => {
  it('lists dirs, files, symlinks and second names as hardlinks, parents first, devices left out', () => {
    const records = takeSnapshot(sample());
    expect(records.map((r) => `${r.kind} ${r.path}`)).toEqual([
      'dir ', 'dir dev', 'dir etc', 'dir root', 'file root/again', 'dir root/d', 'symlink root/link', 'hardlink root/note',
    ]);
    const again = records.find((r) => r.path === 'root/again');
    expect(again?.kind === 'file' && new TextDecoder().decode(again.data)).toBe('kept\n');
    expect(records.find((r) => r.path === 'etc')).toMatchObject({ mode: 0o700 });
  });

  it('leaves out what `skip` names and everything below it', () => {
    const fs = sample();
    const root = dir(fs.root, 'root');
    const records = takeSnapshot(fs, (n) => n === root);
    expect(records.map((r) => r.path)).toEqual(['', 'dev', 'etc']);
  });
});

describe('restoreSnapshot', () => {
  it('rebuilds contents, symlinks, hard links (one inode), modes and mtimes', () => {
    const from = sample();
    const to = new MemFs();
    to.root.mkdir('dev');
    expect(restoreSnapshot(to, takeSnapshot(from))).toEqual([]);
    const root = dir(to.root, 'root');
    expect(new TextDecoder().decode(file(root, 'note').contents())).toBe('kept\n');
    expect((root.lookup('link') as MemSymlink).readlink()).toBe('note');
    expect(root.lookup('again')).toBe(root.lookup('note'));
    expect(file(root, 'note').stat().nlink).toBe(2n);
    expect(file(root, 'note').stat().mtim).toBe(1_000_000_000n);
    expect(dir(root, 'd')).toBeInstanceOf(MemDir);
    expect(dir(to.root, 'etc').getMode()).toBe(0o700);
    // A directory's mtime survives the entries added to it on the way.
    expect(root.stat().mtim).toBe(dir(from.root, 'root').stat().mtim);
  });

  it('gives back the same records when snapshotted again', () => {
    const records = takeSnapshot(sample());
    const to = new MemFs();
    restoreSnapshot(to, records);
    expect(takeSnapshot(to)).toEqual(records);
  });

  it('removes the root empty directories the snapshot does not name, except those `keep` keeps', () => {
    const to = new MemFs();
    for (const d of ['home', 'tmp', 'full']) to.root.mkdir(d);
    dir(to.root, 'full').mkdir('x');
    const tmp = dir(to.root, 'tmp');
    restoreSnapshot(to, [{ path: '', kind: 'dir', mode: 0o755, mtime: 0n }], (n) => n === tmp);
    expect(to.root.list().map(([name]) => name)).toEqual(['tmp', 'full']);
  });

  it('charges restored files to the budget and skips (and names) a file that does not fit', () => {
    const records = takeSnapshot(sample());
    records.push({ path: 'root/big', kind: 'file', mode: 0o644, mtime: 0n, data: new Uint8Array(64 * 1024) });
    const to = new MemFs();
    const budget = new MemoryBudget(16 * 1024);
    to.useBudget(budget);
    const failed = restoreSnapshot(to, records);
    expect(failed).toEqual([`root/big: errno ${Errno.NOSPC}`]);
    expect(isErr(dir(to.root, 'root').lookup('big'))).toBe(true);
    expect(to.used).toBe(4096);
  });

  it('names a record whose parent is missing', () => {
    const to = new MemFs();
    expect(restoreSnapshot(to, [{ path: 'a/b', kind: 'symlink', mode: 0o777, mtime: 0n, target: 'x' }])).toEqual([
      'a/b: no parent directory',
    ]);
  });
});

describe('MemFs.changes', () => {
  it('moves on every kind of change and not on reads', () => {
    const fs = sample();
    const root = dir(fs.root, 'root');
    const changes: Array<[string, () => unknown]> = [
      ['create', () => root.createFile('f')],
      ['write', () => file(root, 'f').writeAt(0, text('x'))],
      ['truncate', () => file(root, 'f').truncate(0)],
      ['rename', () => root.rename('f', root, 'g')],
      ['link', () => root.link('h', root.lookup('g') as Inode)],
      ['unlink', () => root.unlink('h')],
      ['mkdir', () => root.mkdir('e')],
      ['rmdir', () => root.rmdir('e')],
      ['symlink', () => root.symlink('s', 'g')],
      ['chmod', () => file(root, 'g').setMode(0o600)],
      ['utimes', () => file(root, 'g').setTimes(1n, 1n)],
    ];
    for (const [what, change] of changes) {
      const before = fs.changes;
      change();
      expect(fs.changes, what).toBeGreaterThan(before);
    }
    const before = fs.changes;
    file(root, 'g').readAt(0, 10);
    root.list();
    root.lookup('g');
    takeSnapshot(fs);
    expect(fs.changes).toBe(before);
  });
});
