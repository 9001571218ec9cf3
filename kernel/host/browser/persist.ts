// The page's root file system, kept across reloads: snapshots of the kernel's
// in-memory root (Vfs.mem: /root, /home and whatever else is not under a
// mount point; fs/snapshot.ts makes and restores the records) in an IndexedDB
// database of their own, `tabkernel-root` (through `idb`), apart from the
// image store (blobstore.ts) so that either can be cleared alone.
//   upper: [generation, index] → a SnapshotRecord (index keeps parents first)
//   meta:  'head' → the generation a restore reads
// A snapshot is one readwrite transaction, durability 'strict', that writes
// every record of a new generation and flips `head` last: IndexedDB commits a
// transaction whole or not at all, so an interrupted snapshot (closed tab,
// crash, a full quota) leaves the previous generation as head, whole. Older
// generations are deleted in a later transaction (and on open, in case that
// one never ran). A QuotaExceededError is reported as QuotaError.
// RootPersistence decides when: a timer checks MemFs.changes every CHECK_MS
// and snapshots once the count has stood still for a tick (or has moved for
// MAX_DELAY_MS), and the page asks for one on pagehide (web/main.ts).
// Spec: W3C Indexed Database API 3.0 (transaction atomicity, durability).
import type { DBSchema, IDBPDatabase } from 'idb';
import type { Inode } from '../../fs/inode.js';
import type { MemFs } from '../../fs/memfs.js';
import { restoreSnapshot, takeSnapshot, type SnapshotRecord } from '../../fs/snapshot.js';
import { committed, openStores } from './idb.js';

/** The database the page's root file system is kept in. */
export const ROOT_DATABASE = 'tabkernel-root';
const VERSION = 1;

interface Head {
  generation: number;
  records: number;
  /** ms since the epoch. */
  time: number;
}

interface RootDB extends DBSchema {
  upper: { key: [number, number]; value: SnapshotRecord };
  meta: { key: string; value: Head };
}

/** Every key of generations before `generation`: [g, i] < [generation] for g < generation. */
const before = (generation: number): IDBKeyRange => IDBKeyRange.upperBound([generation], true);

export class SnapshotStore {
  private constructor(private readonly db: IDBPDatabase<RootDB>) {}

  static async open(name = ROOT_DATABASE): Promise<SnapshotStore> {
    return new SnapshotStore(await openStores<RootDB>(name, VERSION, ['upper', 'meta']));
  }

  close(): void {
    this.db.close();
  }

  /** The head generation's records (null: no snapshot yet); generations other than the head are dropped. */
  async load(): Promise<{ generation: number; records: SnapshotRecord[] } | null> {
    const head = await this.db.get('meta', 'head');
    if (!head) return null;
    const range = IDBKeyRange.bound([head.generation], [head.generation, Infinity]);
    const records = await this.db.getAll('upper', range);
    await this.db.delete('upper', before(head.generation));
    await this.db.delete('upper', IDBKeyRange.lowerBound([head.generation + 1]));
    return { generation: head.generation, records };
  }

  /**
   * Store `records` as the next generation and make it the head, in one
   * transaction; then drop the older ones. The new generation.
   */
  async save(records: readonly SnapshotRecord[]): Promise<number> {
    const tx = this.db.transaction(['upper', 'meta'], 'readwrite', { durability: 'strict' });
    let generation = 0;
    const body = async (): Promise<void> => {
      const head = await tx.objectStore('meta').get('head');
      generation = (head?.generation ?? 0) + 1;
      const upper = tx.objectStore('upper');
      // Queued without awaiting in between (an await on other work would let the transaction commit);
      // each handled at once, since a put that throws leaves the queued ones to be rejected by the abort.
      const puts: Array<Promise<unknown>> = [];
      const queue = (p: Promise<unknown>): void => {
        p.catch(() => undefined);
        puts.push(p);
      };
      records.forEach((r, i) => queue(upper.put(r, [generation, i])));
      queue(tx.objectStore('meta').put({ generation, records: records.length, time: Date.now() }, 'head'));
      await Promise.all(puts);
    };
    // A put that throws (a record that cannot be cloned) aborts the transaction: the queued ones do not commit.
    await committed(tx, body(), `the root file system's snapshot`);
    await this.db.delete('upper', before(generation));
    return generation;
  }

  /** Forget every snapshot (?fresh). */
  async clear(): Promise<void> {
    const tx = this.db.transaction(['upper', 'meta'], 'readwrite', { durability: 'strict' });
    await Promise.all([tx.objectStore('upper').clear(), tx.objectStore('meta').clear(), tx.done]);
  }
}

/** How often the change count is looked at, and how long changes may go unsaved while they keep coming. */
export const CHECK_MS = 250;
export const MAX_DELAY_MS = 3000;

/** What RootPersistence reports: a restore, a snapshot taken, or why one was not. */
export interface PersistEvent {
  restored?: { generation: number; records: number; failed: string[] };
  saved?: { generation: number; records: number };
  error?: string;
}

/** Keeps `fs` in `store`: restored once, then snapshotted after changes and when asked. */
export class RootPersistence {
  /** The change count the last snapshot (or the restore) saw. */
  private saved: number;
  /** The count at the previous tick, and when it first differed from `saved`. */
  private seen: number;
  private dirtySince = 0;
  private saving: Promise<void> | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  /** `skip`: what snapshots leave out (the namespace's mount points). */
  constructor(
    private readonly fs: MemFs,
    private readonly store: SnapshotStore,
    private readonly skip: (node: Inode) => boolean,
    private readonly report: (e: PersistEvent) => void,
  ) {
    this.saved = this.seen = fs.changes;
  }

  /** Rebuild the last snapshot into the file system (before any process runs). */
  async restore(): Promise<void> {
    const last = await this.store.load();
    if (last) {
      const failed = restoreSnapshot(this.fs, last.records, this.skip);
      this.report({ restored: { generation: last.generation, records: last.records.length, failed } });
    }
    this.saved = this.seen = this.fs.changes;
  }

  /** Check for changes every CHECK_MS from now on. */
  start(): void {
    this.timer ??= setInterval(() => this.tick(Date.now()), CHECK_MS);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** One check: a snapshot once the count has stood still for a tick, or has been moving for MAX_DELAY_MS. */
  tick(now: number): void {
    const count = this.fs.changes;
    if (this.saving || count === this.saved) return;
    if (this.seen === this.saved) this.dirtySince = now;
    const moving = count !== this.seen;
    this.seen = count;
    if (moving && now - this.dirtySince < MAX_DELAY_MS) return;
    void this.save();
  }

  /** Snapshot now if anything changed since the last one (the page is going away); settles when stored. */
  async save(): Promise<void> {
    while (this.saving) await this.saving;
    if (this.fs.changes === this.saved) return;
    const count = this.fs.changes;
    const records = takeSnapshot(this.fs, this.skip);
    this.saving = this.store.save(records).then(
      (generation) => {
        this.saved = count;
        this.report({ saved: { generation, records: records.length } });
      },
      (e: unknown) => {
        // Not retried until the next change: a full quota would fail again at once.
        this.saved = count;
        this.report({ error: e instanceof Error ? e.message : String(e) });
      },
    ).finally(() => {
      this.saving = null;
      this.seen = this.saved; // changes made meanwhile start a new wait
    });
    await this.saving;
  }
}
