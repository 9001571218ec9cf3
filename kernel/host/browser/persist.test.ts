import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MemDir, MemFile } from '../../fs/memfs.js';
import { MemFs } from '../../fs/memfs.js';
import type { SnapshotRecord } from '../../fs/snapshot.js';
import { QuotaError } from './idb.js';
import { CHECK_MS, MAX_DELAY_MS, RootPersistence, SnapshotStore, type PersistEvent } from './persist.js';

let n = 0;
const opened: SnapshotStore[] = [];
async function freshStore(name = `root-test-${n++}`): Promise<SnapshotStore> {
  const s = await SnapshotStore.open(name);
  opened.push(s);
  return s;
}
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
  vi.restoreAllMocks();
});

const dir = (path: string, mtime = 0n): SnapshotRecord => ({ path, kind: 'dir', mode: 0o755, mtime });
const files = (count: number, text: string): SnapshotRecord[] => [
  dir(''),
  ...Array.from({ length: count }, (_, i): SnapshotRecord => ({
    path: `f${i}`, kind: 'file', mode: 0o644, mtime: 0n, data: new TextEncoder().encode(`${text} ${i}`),
  })),
];

describe('SnapshotStore', () => {
  it('has nothing to load before the first snapshot', async () => {
    expect(await (await freshStore()).load()).toBeNull();
  });

  it('loads the last snapshot whole, in order, and keeps only its generation', async () => {
    const name = `root-test-${n++}`;
    const store = await freshStore(name);
    expect(await store.save(files(3, 'one'))).toBe(1);
    expect(await store.save(files(2, 'two'))).toBe(2);
    const again = await freshStore(name);
    expect(await again.load()).toEqual({ generation: 2, records: files(2, 'two') });
    const keys = await new Promise<IDBValidKey[]>((ok) => {
      const req = indexedDB.open(name);
      req.onsuccess = () => {
        const all = req.result.transaction('upper').objectStore('upper').getAllKeys();
        all.onsuccess = () => ok(all.result);
      };
    });
    expect(keys).toEqual([[2, 0], [2, 1], [2, 2]]);
  });

  it('leaves the previous snapshot whole when one fails midway (a record that cannot be stored)', async () => {
    const store = await freshStore();
    await store.save(files(500, 'old'));
    const bad = files(500, 'new');
    (bad[250] as { data: unknown }).data = () => 'not cloneable';
    await expect(store.save(bad)).rejects.toThrow();
    expect(await store.load()).toEqual({ generation: 1, records: files(500, 'old') });
    expect(await store.save(files(1, 'next'))).toBe(2);
  });

  it('reports a full quota as QuotaError and keeps the previous snapshot', async () => {
    const store = await freshStore();
    await store.save(files(10, 'old'));
    const put = IDBObjectStore.prototype.put;
    let calls = 0;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args) {
      if (++calls === 5) throw new DOMException('quota', 'QuotaExceededError');
      return put.apply(this, args);
    });
    await expect(store.save(files(10, 'new'))).rejects.toBeInstanceOf(QuotaError);
    vi.restoreAllMocks();
    expect(await store.load()).toEqual({ generation: 1, records: files(10, 'old') });
  });

  it('forgets everything on clear', async () => {
    const store = await freshStore();
    await store.save(files(2, 'x'));
    await store.clear();
    expect(await store.load()).toBeNull();
  });
});

describe('RootPersistence', () => {
  function setup(store: SnapshotStore): { fs: MemFs; p: RootPersistence; events: PersistEvent[] } {
    const fs = new MemFs();
    fs.root.mkdir('root');
    const events: PersistEvent[] = [];
    return { fs, p: new RootPersistence(fs, store, () => false, (e) => events.push(e)), events };
  }
  const settle = (): Promise<void> => new Promise((ok) => setTimeout(ok, 20));

  it('snapshots after the change count stands still for a tick, and restores it into a new file system', async () => {
    const store = await freshStore();
    const { fs, p, events } = setup(store);
    await p.restore();
    p.tick(0);
    expect(events).toEqual([]);
    ((fs.root.lookup('root') as MemDir).createFile('note') as MemFile).writeAt(0, new TextEncoder().encode('kept\n'));
    p.tick(CHECK_MS);
    await settle();
    expect(events).toEqual([]); // still moving at this tick
    p.tick(2 * CHECK_MS);
    await settle();
    expect(events).toMatchObject([{ saved: { generation: 1, records: 3 } }]);
    p.tick(3 * CHECK_MS);
    await settle();
    expect(events).toHaveLength(1); // nothing new

    const next = setup(store);
    await next.p.restore();
    expect(next.events).toEqual([{ restored: { generation: 1, records: 3, failed: [] } }]);
    const note = (next.fs.root.lookup('root') as MemDir).lookup('note') as MemFile;
    expect(new TextDecoder().decode(note.contents())).toBe('kept\n');
  });

  it('snapshots changes that keep coming once MAX_DELAY_MS has passed', async () => {
    const { fs, p, events } = setup(await freshStore());
    await p.restore();
    for (let t = 0; t <= MAX_DELAY_MS; t += CHECK_MS) {
      (fs.root.lookup('root') as MemDir).mkdir(`d${t}`);
      p.tick(t);
    }
    await settle();
    expect(events).toMatchObject([{ saved: { generation: 1 } }]);
  });

  it('saves at once when asked, and only if something changed', async () => {
    const { fs, p, events } = setup(await freshStore());
    await p.restore();
    await p.save();
    expect(events).toEqual([]);
    (fs.root.lookup('root') as MemDir).mkdir('d');
    await p.save();
    expect(events).toMatchObject([{ saved: { generation: 1 } }]);
  });
});
