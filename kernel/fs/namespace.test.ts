import { describe, expect, it } from 'vitest';
import { Errno, isErr } from '../abi/errno.js';
import { MemDir, MemFs } from './memfs.js';
import { MountNamespace } from './namespace.js';
import { resolveAbsolute } from './path.js';

/** A root with /etc/name, /etc/TEXT and /abs → /etc. */
function rootWith(text: string): MemDir {
  const fs = new MemFs();
  fs.root.mkdir('etc');
  const etc = fs.root.lookup('etc') as MemDir;
  etc.createFile('name');
  etc.createFile(text);
  fs.root.symlink('abs', '/etc');
  return fs.root;
}

describe('mount namespaces', () => {
  it('resolve absolute paths and absolute symlinks from their own root', () => {
    const a = new MountNamespace(rootWith('a'));
    const b = new MountNamespace(rootWith('b'));
    for (const [ns, own, other] of [[a, 'a', 'b'], [b, 'b', 'a']] as const) {
      const found = resolveAbsolute(ns, '/', `/abs/${own}`, true);
      expect(!isErr(found) && found.node !== null).toBe(true);
      const missing = resolveAbsolute(ns, '/', `/abs/${other}`, true);
      expect(!isErr(missing) && missing.node).toBe(null);
      // `..` at a namespace's root stays there.
      const up = resolveAbsolute(ns, '/etc', `../../../etc/${own}`, true);
      expect(!isErr(up) && up.node !== null).toBe(true);
    }
  });

  it('keep their mounts to themselves, even on a directory both can reach', () => {
    const shared = new MemFs();
    shared.root.mkdir('mnt');
    const a = new MountNamespace(shared.root);
    const b = new MountNamespace(shared.root);
    const other = new MemFs();
    other.root.createFile('only-in-a');
    expect(a.mount('/mnt', other.root, 'tmpfs')).toBe(Errno.SUCCESS);
    const inA = resolveAbsolute(a, '/', '/mnt/only-in-a', false);
    const inB = resolveAbsolute(b, '/', '/mnt/only-in-a', false);
    expect(!isErr(inA) && inA.node !== null).toBe(true);
    expect(!isErr(inB) && inB.node).toBe(null);
    expect(a.list().map((m) => m.path)).toEqual(['/', '/mnt']);
    expect(b.list().map((m) => m.path)).toEqual(['/']);
  });

  it('answer statvfs from the mount a file is on', () => {
    const root = new MemFs();
    const tmp = new MemFs(1 << 20);
    const ns = new MountNamespace(root.root);
    ns.mount('/tmp', tmp.root, 'tmpfs');
    tmp.root.createFile('f');
    const f = resolveAbsolute(ns, '/', '/tmp/f', false);
    if (isErr(f) || !f.node) throw new Error('no /tmp/f');
    expect(ns.statfs(f.node)?.mount.type).toBe('tmpfs');
    expect(ns.statfs(root.root)?.mount.path).toBe('/');
  });
});
