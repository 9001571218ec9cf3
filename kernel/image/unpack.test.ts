import { describe, expect, it } from 'vitest';
import { Errno, isErr } from '../abi/errno.js';
import { readLayerFile, type LayerDir, type LayerFile, type LayerNode, type LayerTree } from '../fs/layer.js';
import { MemoryBudget, Use } from '../mm/budget.js';
import type { LayerEntry } from './entry.js';
import { T0, chardev, dir, file, hardlink, opaque, symlink, whiteout } from '../../test/support/layers.js';
import { UnpackedLayers, unpackLayer } from './unpack.js';

async function unpack(entries: LayerEntry[], budget?: MemoryBudget): Promise<LayerTree> {
  const t = await unpackLayer(entries, { budget });
  if (isErr(t)) throw new Error(`unpack failed: ${t.errno}`);
  return t;
}

function at(t: LayerTree, path: string): LayerNode | undefined {
  let n: LayerNode | undefined = t.root;
  for (const name of path.split('/')) n = n?.kind === 'dir' ? n.entries.get(name) : undefined;
  return n;
}

const text = (f: LayerNode | undefined) => new TextDecoder().decode(readLayerFile(f as LayerFile, 0, 1 << 30));

describe('unpacking a layer', () => {
  it('records files, directories and symlinks with their modes and mtimes, making missing parents', async () => {
    const t = await unpack([dir('etc', 0o700, 5n), file('etc/motd', 'hi\n', 0o600), symlink('bin/sh', 'busybox'), file('a/b/c', 'deep')]);
    expect(at(t, 'etc')).toMatchObject({ kind: 'dir', mode: 0o700, mtime: 5n, implicit: false });
    expect(at(t, 'etc/motd')).toMatchObject({ kind: 'file', mode: 0o600, mtime: T0, size: 3, nlink: 1 });
    expect(text(at(t, 'etc/motd'))).toBe('hi\n');
    expect(at(t, 'bin/sh')).toMatchObject({ kind: 'symlink', target: 'busybox' });
    expect(at(t, 'a')).toMatchObject({ kind: 'dir', implicit: true });
    expect(text(at(t, 'a/b/c'))).toBe('deep');
  });

  it('copies a file\'s pieces into its own 64 KiB chunks (the stream\'s buffers can go)', async () => {
    const bytes = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 13) & 0xff);
    const e = file('big', bytes, 0o644, 7_001);
    const t = await unpack([e]);
    bytes.fill(0);
    const f = at(t, 'big') as LayerFile;
    expect(f.chunks.map((c) => c.length)).toEqual([65_536, 65_536, 65_536, 3_392]);
    expect(readLayerFile(f, 65_530, 10)).toEqual(Uint8Array.from({ length: 10 }, (_, i) => ((65_530 + i) * 13) & 0xff));
  });

  it('keeps a file in one piece as views of its buffer when the layer may keep it (no copy)', async () => {
    const blob = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7) & 0xff);
    const t = await unpackLayer([file('one', blob.subarray(1000, 201_000)), file('split', blob.subarray(0, 1000), 0o644, 400)], { keep: true });
    if (isErr(t)) throw new Error('unpack failed');
    const one = at(t, 'one') as LayerFile;
    expect(one.whole?.buffer).toBe(blob.buffer);
    expect(one.whole?.byteOffset).toBe(1000);
    expect(one.chunks.map((c) => [c.buffer === blob.buffer, c.length])).toEqual([[true, 65_536], [true, 65_536], [true, 65_536], [true, 3_392]]);
    expect(readLayerFile(one, 65_530, 10)).toEqual(blob.subarray(1000 + 65_530, 1000 + 65_540));
    // A file in several pieces is copied, kept or not.
    const split = at(t, 'split') as LayerFile;
    expect(split.whole).toBeUndefined();
    expect(split.chunks[0].buffer).not.toBe(blob.buffer);
    expect(readLayerFile(split, 0, 1000)).toEqual(blob.subarray(0, 1000));
    // Not told it may keep them: copied.
    const copied = await unpack([file('one', blob.subarray(1000, 201_000))]);
    expect((at(copied, 'one') as LayerFile).whole).toBeUndefined();
    expect((at(copied, 'one') as LayerFile).chunks[0].buffer).not.toBe(blob.buffer);
  });

  it('keeps whiteouts and opaque markers as such, not as files', async () => {
    const t = await unpack([whiteout('etc/passwd'), opaque('var'), whiteout('gone')]);
    const etc = at(t, 'etc') as LayerDir;
    expect([...etc.entries.keys()]).toEqual([]);
    expect([...etc.whiteouts]).toEqual(['passwd']);
    expect(at(t, 'var')).toMatchObject({ kind: 'dir', opaque: true, implicit: true });
    expect([...t.root.whiteouts]).toEqual(['gone']);
    expect([...t.root.entries.keys()].sort()).toEqual(['etc', 'var']);
  });

  it('lets a whiteout and an entry of one name stand together (the whiteout hides only lower layers)', async () => {
    const t = await unpack([whiteout('d'), dir('d'), file('d/f', 'new')]);
    expect(t.root.whiteouts.has('d')).toBe(true);
    expect(text(at(t, 'd/f'))).toBe('new');
  });

  it('replaces an earlier entry with a later one, but a directory over a directory keeps its contents', async () => {
    const t = await unpack([file('x', 'one'), file('x', 'two'), dir('d', 0o755), file('d/keep', 'k'), dir('d', 0o711), symlink('s', 'a'), dir('s')]);
    expect(text(at(t, 'x'))).toBe('two');
    expect(at(t, 'd')).toMatchObject({ kind: 'dir', mode: 0o711 });
    expect(text(at(t, 'd/keep'))).toBe('k');
    expect(at(t, 's')).toMatchObject({ kind: 'dir' });
  });

  it('makes a hard link the same node, counting links; one to a missing entry fails with NOENT', async () => {
    const t = await unpack([file('a', 'data'), hardlink('b', 'a'), hardlink('c/d', 'a')]);
    expect(at(t, 'a')).toBe(at(t, 'b'));
    expect(at(t, 'c/d')).toBe(at(t, 'a'));
    expect((at(t, 'a') as LayerFile).nlink).toBe(3);
    const bad = await unpackLayer([hardlink('b', 'nowhere')]);
    expect(isErr(bad) && bad.errno).toBe(Errno.NOENT);
  });

  it('keeps device nodes with their numbers', async () => {
    const t = await unpack([chardev('dev/null', 1, 3)]);
    expect(at(t, 'dev/null')).toMatchObject({ kind: 'chardev', major: 1, minor: 3 });
  });

  it('charges file bytes to the budget once, gives back what is replaced, and refuses what does not fit (NOSPC)', async () => {
    const budget = new MemoryBudget(1 << 20);
    const t = await unpack([file('a', new Uint8Array(100_000)), file('b', 'x'), file('b', 'y')], budget);
    expect(t.bytes).toBe(65_536 + 36_864 + 4_096);
    expect(budget.heldFor(Use.FILES)).toBe(t.bytes);
    const big = await unpackLayer([file('c', new Uint8Array(300_000)), file('d', new Uint8Array(1 << 20))], { budget });
    expect(isErr(big) && big.errno).toBe(Errno.NOSPC);
    expect(budget.heldFor(Use.FILES)).toBe(t.bytes); // the failed unpack took nothing
    t.release();
    expect(budget.heldFor(Use.FILES)).toBe(0);
  });

  it('unpacks a digest once, however many ask, and again after a failure', async () => {
    const layers = new UnpackedLayers();
    let opened = 0;
    const open = () => {
      opened++;
      return { entries: [file('f', 'x')] };
    };
    const [a, b] = await Promise.all([layers.get('sha256:1', open), layers.get('sha256:1', open)]);
    expect(a).toBe(b);
    expect(opened).toBe(1);
    const bad = await layers.get('sha256:2', () => ({ entries: [hardlink('x', 'y')] }));
    expect(isErr(bad)).toBe(true);
    const good = await layers.get('sha256:2', open);
    expect(isErr(good)).toBe(false);
  });
});
