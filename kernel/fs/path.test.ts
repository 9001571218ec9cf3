import { describe, expect, it } from 'vitest';
import { Errno, isErr } from '../abi/errno.js';
import { MemDir } from './memfs.js';
import { resolve } from './path.js';
import { Vfs } from './vfs.js';
import type { DirInode } from './inode.js';

function tree(): { vfs: Vfs; top: MemDir } {
  const vfs = new Vfs();
  const root = vfs.root as MemDir;
  root.mkdir('top');
  const top = root.lookup('top') as MemDir;
  top.mkdir('a');
  (top.lookup('a') as MemDir).mkdir('b');
  top.createFile('file');
  top.symlink('toa', 'a');
  top.symlink('tofile', 'file');
  top.symlink('loop', 'loop');
  top.symlink('up', '../top');
  top.symlink('abs', '/etc');
  return { vfs, top };
}

function errnoOf(v: unknown): Errno | null {
  return isErr(v) ? v.errno : null;
}

describe('path resolution beneath a directory', () => {
  it('finds nested names and reports their parent', () => {
    const { vfs, top } = tree();
    const r = resolve(vfs.init, top, 'a/b', false);
    expect(isErr(r)).toBe(false);
    if (isErr(r)) return;
    expect(r.name).toBe('b');
    expect(r.parent).toBe(top.lookup('a'));
  });

  it('returns a null node for a missing final component, so it can be created', () => {
    const { vfs, top } = tree();
    const r = resolve(vfs.init, top, 'a/new', false);
    expect(!isErr(r) && r.node === null && r.name === 'new').toBe(true);
  });

  it('fails with NOENT for a missing middle component', () => {
    const { vfs, top } = tree();
    expect(errnoOf(resolve(vfs.init, top, 'nope/x', false))).toBe(Errno.NOENT);
  });

  it('fails with NOTDIR when a file is used as a directory', () => {
    const { vfs, top } = tree();
    expect(errnoOf(resolve(vfs.init, top, 'file/x', false))).toBe(Errno.NOTDIR);
  });

  it('refuses absolute paths and .. above the start with EPERM', () => {
    const { vfs, top } = tree();
    expect(errnoOf(resolve(vfs.init, top, '/top', false))).toBe(Errno.PERM);
    expect(errnoOf(resolve(vfs.init, top, '..', false))).toBe(Errno.PERM);
    expect(errnoOf(resolve(vfs.init, top, 'a/../../top', false))).toBe(Errno.PERM);
  });

  it('allows .. that stays inside', () => {
    const { vfs, top } = tree();
    const r = resolve(vfs.init, top, 'a/./b/../../file', false);
    expect(!isErr(r) && r.name === 'file').toBe(true);
  });

  it('follows symlinks in the middle of a path always, at the end only when asked', () => {
    const { vfs, top } = tree();
    const mid = resolve(vfs.init, top, 'toa/b', false);
    expect(!isErr(mid) && mid.name === 'b').toBe(true);
    const nofollow = resolve(vfs.init, top, 'tofile', false);
    expect(!isErr(nofollow) && nofollow.node !== null && nofollow.node.filetype === 7).toBe(true);
    const follow = resolve(vfs.init, top, 'tofile', true);
    expect(!isErr(follow) && follow.node === top.lookup('file')).toBe(true);
  });

  it('follows a final symlink when the path ends in a slash', () => {
    const { vfs, top } = tree();
    const r = resolve(vfs.init, top, 'toa/', false);
    expect(!isErr(r) && r.node === top.lookup('a') && r.trailingSlash).toBe(true);
  });

  it('fails with ELOOP after 40 symlink expansions', () => {
    const { vfs, top } = tree();
    expect(errnoOf(resolve(vfs.init, top, 'loop', true))).toBe(Errno.LOOP);
  });

  it('refuses symlinks that escape: absolute targets and .. above the start', () => {
    const { vfs, top } = tree();
    expect(errnoOf(resolve(vfs.init, top, 'abs', true))).toBe(Errno.PERM);
    expect(errnoOf(resolve(vfs.init, top, 'up/file', true))).toBe(Errno.PERM);
  });

  it('follows absolute symlinks from the root for programs of the root image (unix mode)', () => {
    const { vfs, top } = tree();
    (vfs.root as MemDir).mkdir('etc');
    const r = resolve(vfs.init, top, 'abs', true, true);
    expect(!isErr(r) && r.node === (vfs.root as MemDir).lookup('etc')).toBe(true);
  });

  it('crosses into a mounted file system and back out with ..', () => {
    const { vfs, top } = tree();
    const other = new Vfs().root as DirInode;
    other.mkdir('inside');
    expect(vfs.mount('/top/a/b', other)).toBe(Errno.SUCCESS);
    const r = resolve(vfs.init, top, 'a/b/inside', false);
    expect(!isErr(r) && r.parent === other).toBe(true);
    const back = resolve(vfs.init, top, 'a/b/inside/../../../file', false);
    expect(!isErr(back) && back.node === top.lookup('file')).toBe(true);
  });

  it('rejects empty paths with NOENT and NUL bytes with EINVAL', () => {
    const { vfs, top } = tree();
    expect(errnoOf(resolve(vfs.init, top, '', false))).toBe(Errno.NOENT);
    expect(errnoOf(resolve(vfs.init, top, 'file\0', false))).toBe(Errno.INVAL);
  });
});
