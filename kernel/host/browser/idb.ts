// What the page's IndexedDB databases share — the image store (blobstore.ts)
// and the root file system's snapshots (persist.ts): opening a database with
// its object stores, and finishing a readwrite transaction so that it is
// committed whole or reported as failed, a full quota as QuotaError.
// Spec: W3C Indexed Database API 3.0 (upgrade, transaction atomicity).
import { openDB, type DBSchema, type IDBPDatabase, type StoreNames } from 'idb';

/**
 * Open database `name` (through `idb`), creating those of `stores` (keys
 * given with each put) it lacks: all when it is new, the new ones when an
 * older version is upgraded (what they held stays).
 */
export function openStores<S extends DBSchema>(name: string, version: number, stores: ReadonlyArray<StoreNames<S>>): Promise<IDBPDatabase<S>> {
  return openDB<S>(name, version, {
    upgrade(db) {
      for (const store of stores) if (!db.objectStoreNames.contains(store)) db.createObjectStore(store);
    },
  });
}

/** The browser's storage quota is full: what was being stored is not. */
export class QuotaError extends Error {
  constructor(what: string, cause: unknown) {
    super(
      `the browser's storage quota is full: ${what} was not stored (free space in the browser's site data for this page, or remove images)`,
      { cause },
    );
    this.name = 'QuotaError';
  }
}

const isQuotaError = (e: unknown): boolean => e instanceof DOMException && e.name === 'QuotaExceededError';

/** A readwrite transaction, as `idb` gives it. */
interface WriteTransaction {
  readonly done: Promise<void>;
  readonly error: DOMException | null;
  abort(): void;
}

/**
 * Wait until `tx` commits with the requests `work` queued on it (with no
 * other await between them, or the transaction would commit under it). If
 * `work` fails, `tx` is aborted so that none of it commits. An abort rejects
 * every pending request as well as `done`: all are settled and one error
 * thrown for `what` — a QuotaError for a full quota.
 */
export async function committed(tx: WriteTransaction, work: Promise<unknown>, what: string): Promise<void> {
  const run = work.catch((e: unknown) => {
    try {
      tx.abort();
    } catch { /* already finished */ }
    throw e;
  });
  const results = await Promise.allSettled([run, tx.done]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (!failed) return;
  const error: unknown = tx.error ?? failed.reason;
  if (isQuotaError(error) || isQuotaError(failed.reason)) throw new QuotaError(what, error);
  throw error instanceof Error ? error : new Error(`${what}: ${String(error)}`);
}
