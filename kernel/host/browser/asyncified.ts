// The page's store of asyncified programs (hostapi.ts AsyncifiedStore): the
// IndexedDB database `tabkernel-asyncified`, one record per entry under its
// key, so a program built in the tab that forks is asyncified once per
// browser profile, not at every page load. The database is opened on the
// first program that needs it, never at boot. A put is one transaction:
// the entry is stored whole or not at all; what a get returns is checked by
// the kernel (proc/asyncified.ts) all the same.
// Spec: W3C Indexed Database API 3.0.
import type { DBSchema, IDBPDatabase } from 'idb';
import type { AsyncifiedStore } from '../../hostapi.js';
import { committed, openStores } from './idb.js';

export const ASYNCIFIED_DATABASE = 'tabkernel-asyncified';
const VERSION = 1;

interface AsyncifiedDB extends DBSchema {
  programs: { key: string; value: Uint8Array };
}

export class IdbAsyncifiedStore implements AsyncifiedStore {
  private db: Promise<IDBPDatabase<AsyncifiedDB>> | null = null;

  constructor(private readonly name = ASYNCIFIED_DATABASE) {}

  async get(key: string): Promise<Uint8Array | undefined> {
    const value: unknown = await (await this.open()).get('programs', key);
    return value instanceof Uint8Array ? value : undefined;
  }

  async put(key: string, entry: Uint8Array): Promise<void> {
    const tx = (await this.open()).transaction('programs', 'readwrite');
    await committed(tx, tx.store.put(entry, key), `the asyncified program ${key}`);
  }

  close(): void {
    void this.db?.then((db) => db.close(), () => {});
    this.db = null;
  }

  private open(): Promise<IDBPDatabase<AsyncifiedDB>> {
    this.db ??= openStores<AsyncifiedDB>(this.name, VERSION, ['programs']).catch((e: unknown) => {
      this.db = null;   // the next program tries again
      throw e;
    });
    return this.db;
  }
}
