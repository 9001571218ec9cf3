// Advisory file locks, one table per kernel: fcntl(2) record locks and
// flock(2) locks, enforced between processes (the handlers are
// syscall/locks.ts; fds report their closes here through proc/fdtable.ts).
// Spec: POSIX fcntl F_GETLK/F_SETLK/F_SETLKW; flock as Linux has it.
//  - A record lock belongs to a process and covers a byte range of a file (an
//    inode: the same file opened twice is one file). Setting one replaces the
//    owner's own locks in that range (splitting or merging them); it is let go
//    when the owner closes ANY fd of the file, and when it ends. fork does not
//    copy record locks; exec keeps them.
//  - A flock lock belongs to an open file description: fds dup'ed or inherited
//    from it share it; it goes when the description's last fd closes.
//    Changing its mode first lets go of the old lock, as Linux does.
//  - The two kinds do not see each other (as on Linux).
// Waiters park on the file's queue and re-check when anything is let go.
// A record-lock wait that would close a cycle of waiting owners is EDEADLK.
import type { OpenFile } from './file.js';
import { WaitQueue } from '../proc/waitqueue.js';

/** l_type values (Linux's numbers, userland/libc/include/fcntl.h). */
export const F_RDLCK = 0;
export const F_WRLCK = 1;
export const F_UNLCK = 2;

/** The last byte a lock can cover: an l_len of 0 locks up to here ("to the end, however far it grows"). */
export const OFFSET_MAX = 2n ** 63n - 1n;

/** Who holds record locks: a process (its pid is what F_GETLK reports). */
export interface LockOwner {
  readonly pid: number;
}

/** A record lock, or a request for one: bytes start..end, both included. */
export interface RecordLock {
  owner: LockOwner;
  type: number;
  start: bigint;
  end: bigint;
}

/** flock modes (sys/file.h). */
export const LOCK_SH = 1;
export const LOCK_EX = 2;
export const LOCK_NB = 4;
export const LOCK_UN = 8;

/** One file's locks and the queue its waiters park on. */
interface FileState {
  records: RecordLock[];
  flocks: Map<OpenFile, number>;
  readonly queue: WaitQueue;
}

/** A parked F_SETLKW, for deadlock detection; `still()` is false once it ended (answered, interrupted, killed). */
interface Waiting {
  key: string;
  req: RecordLock;
  still: () => boolean;
}

/**
 * The key that names a file for locking: its device and inode numbers
 * (host files get a new Inode object per lookup, so objects will not do).
 * What has none (the host's streams, whose stat is all zeros as wasmtime's
 * is) is named by its open file description, which the processes that
 * inherit it share: on Linux a process's stdout is always a file it can lock,
 * and GNU make's -O (output sync) takes its lock on stdout. Null when stat fails.
 */
export function lockKey(file: OpenFile): string | null {
  const st = file.stat();
  if (!('ino' in st)) return null;
  if (st.ino !== 0n || st.dev !== 0n) return `${st.dev}:${st.ino}`;
  let key = unnamed.get(file);
  if (key === undefined) unnamed.set(file, (key = `description:${++unnamedCount}`));
  return key;
}
const unnamed = new WeakMap<OpenFile, string>();
let unnamedCount = 0;

function conflicts(a: RecordLock, b: RecordLock): boolean {
  return a.owner !== b.owner && a.start <= b.end && b.start <= a.end && (a.type === F_WRLCK || b.type === F_WRLCK);
}

export class FileLocks {
  private readonly files = new Map<string, FileState>();
  /** Keys of the files each owner holds record locks on. */
  private readonly held = new Map<LockOwner, Set<string>>();
  /** The key of each description that holds a flock lock. */
  private readonly flockKeys = new Map<OpenFile, string>();
  private readonly waiting = new Map<LockOwner, Waiting>();
  /** Told how many files have locks or waiters, whenever that changes (the file table's LOCKED: ipc/filetable.ts). */
  publish: ((files: number) => void) | null = null;

  private state(key: string): FileState {
    let s = this.files.get(key);
    if (!s) {
      s = { records: [], flocks: new Map(), queue: new WaitQueue() };
      this.files.set(key, s);
      this.publish?.(this.files.size);
    }
    return s;
  }

  /** The queue a waiter for `key` parks on. */
  queue(key: string): WaitQueue {
    return this.state(key).queue;
  }

  /** Something was let go: wake the waiters, and forget a file nobody locks or waits on. */
  private changed(key: string, s: FileState): void {
    s.queue.wake();
    if (s.records.length === 0 && s.flocks.size === 0 && s.queue.size === 0 && this.files.delete(key)) this.publish?.(this.files.size);
  }

  // ---- record locks (fcntl) -------------------------------------------------

  /** F_GETLK: a lock of another owner that would block `req`, or null. */
  test(key: string, req: RecordLock): RecordLock | null {
    return this.files.get(key)?.records.find((l) => conflicts(l, req)) ?? null;
  }

  /**
   * F_SETLK: take (or with F_UNLCK, let go of) `req` if no other owner's lock
   * is in the way: null then; else the first lock in the way, nothing changed.
   */
  set(key: string, req: RecordLock): RecordLock | null {
    const s = this.files.get(key);
    if (!s) {
      if (req.type === F_UNLCK) return null;
    } else if (req.type !== F_UNLCK) {
      const c = s.records.find((l) => conflicts(l, req));
      if (c) return c;
    }
    const st = s ?? this.state(key);
    // Cut the owner's locks out of the range, keeping what lies outside it.
    const kept: RecordLock[] = [];
    let released = false;
    for (const l of st.records) {
      if (l.owner !== req.owner || l.end < req.start || l.start > req.end) {
        kept.push(l);
        continue;
      }
      // Any part of an old lock replaced (unlocked, or write → read) may let a waiter in.
      if (l.type !== req.type || req.type === F_UNLCK) released = true;
      if (l.start < req.start) kept.push({ ...l, end: req.start - 1n });
      if (l.end > req.end) kept.push({ ...l, start: req.end + 1n });
    }
    if (req.type !== F_UNLCK) kept.push({ ...req });
    st.records = mergeOwn(kept, req.owner);
    const mine = st.records.some((l) => l.owner === req.owner);
    let keys = this.held.get(req.owner);
    if (mine) {
      if (!keys) this.held.set(req.owner, (keys = new Set()));
      keys.add(key);
    } else if (keys) {
      keys.delete(key);
      if (keys.size === 0) this.held.delete(req.owner);
    }
    if (released || st.records.length === 0) this.changed(key, st);
    return null;
  }

  /** Whether `owner` waiting for `req` would close a cycle: each owner in the way waits, directly or not, for `owner`. */
  deadlock(key: string, req: RecordLock): boolean {
    const me = req.owner;
    const seen = new Set<LockOwner>();
    const todo = this.blockers(key, req);
    while (todo.length > 0) {
      const o = todo.pop()!;
      if (o === me) return true;
      if (seen.has(o)) continue;
      seen.add(o);
      const w = this.waiting.get(o);
      if (!w) continue;
      if (!w.still()) {
        this.waiting.delete(o);
        continue;
      }
      todo.push(...this.blockers(w.key, w.req));
    }
    return false;
  }

  private blockers(key: string, req: RecordLock): LockOwner[] {
    return (this.files.get(key)?.records ?? []).filter((l) => conflicts(l, req)).map((l) => l.owner);
  }

  /** `req.owner` parks for `req` (until `still()` turns false or it calls done). */
  wait(key: string, req: RecordLock, still: () => boolean): WaitQueue {
    this.waiting.set(req.owner, { key, req, still });
    return this.queue(key);
  }

  /** The owner's F_SETLKW ended. */
  done(owner: LockOwner): void {
    this.waiting.delete(owner);
  }

  // ---- flock ----------------------------------------------------------------

  /** flock(2) for the description `file` (mode LOCK_SH, LOCK_EX or LOCK_UN): false when another's lock is in the way. */
  flock(key: string, file: OpenFile, mode: number): boolean {
    const s = this.files.get(key);
    const cur = s?.flocks.get(file);
    if (cur === mode) return true;
    if (s && cur !== undefined) {
      // A change of mode is not atomic: the old lock goes first (Linux).
      s.flocks.delete(file);
      this.flockKeys.delete(file);
      this.changed(key, s);
    }
    if (mode === LOCK_UN) return true;
    const st = this.state(key);
    for (const [f, m] of st.flocks) if (f !== file && (m === LOCK_EX || mode === LOCK_EX)) return false;
    st.flocks.set(file, mode);
    this.flockKeys.set(file, key);
    return true;
  }

  // ---- letting go -------------------------------------------------------------

  /**
   * An fd of `owner` for `file` was closed (`last`: the description's last fd):
   * the owner's record locks on the file go, and the description's flock lock with its last fd.
   */
  closed(owner: LockOwner, file: OpenFile, last: boolean): void {
    if (last) {
      const k = this.flockKeys.get(file);
      if (k !== undefined) this.flock(k, file, LOCK_UN);
    }
    const keys = this.held.get(owner);
    if (!keys) return;
    const key = lockKey(file);
    if (key === null || !keys.has(key)) return;
    this.set(key, { owner, type: F_UNLCK, start: 0n, end: OFFSET_MAX });
  }

  /** The owner ended: whatever record locks it still has go (its fds are closed by then). */
  exited(owner: LockOwner): void {
    this.waiting.delete(owner);
    for (const key of [...(this.held.get(owner) ?? [])]) this.set(key, { owner, type: F_UNLCK, start: 0n, end: OFFSET_MAX });
    this.held.delete(owner);
  }

  /** Locks held, for tests and Kernel.describe(): record locks and flock locks. */
  count(): { records: number; flocks: number; files: number } {
    let records = 0, flocks = 0;
    for (const s of this.files.values()) {
      records += s.records.length;
      flocks += s.flocks.size;
    }
    return { records, flocks, files: this.files.size };
  }
}

/** Merge `owner`'s locks of one type that overlap or touch; others' stay as they are. */
function mergeOwn(list: RecordLock[], owner: LockOwner): RecordLock[] {
  const others = list.filter((l) => l.owner !== owner);
  const own = list.filter((l) => l.owner === owner).sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const merged: RecordLock[] = [];
  for (const l of own) {
    const last = merged[merged.length - 1];
    if (last && last.type === l.type && last.end + 1n >= l.start) {
      if (l.end > last.end) last.end = l.end;
    } else {
      merged.push({ ...l });
    }
  }
  return [...others, ...merged];
}
