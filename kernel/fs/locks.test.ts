import { describe, expect, it } from 'vitest';
import type { OpenFile } from './file.js';
import { F_RDLCK, F_UNLCK, F_WRLCK, FileLocks, LOCK_EX, LOCK_SH, LOCK_UN, OFFSET_MAX, type LockOwner } from './locks.js';

const a: LockOwner = { pid: 1 };
const b: LockOwner = { pid: 2 };
const c: LockOwner = { pid: 3 };
const req = (owner: LockOwner, type: number, start: bigint, end: bigint) => ({ owner, type, start, end });
/** Stand-ins for open file descriptions (flock keys them by identity). */
const ofd = () => ({}) as OpenFile;

describe('record locks', () => {
  it('refuses a conflicting lock and names it; shares read locks', () => {
    const t = new FileLocks();
    expect(t.set('f', req(a, F_WRLCK, 10n, 29n))).toBeNull();
    expect(t.set('f', req(b, F_WRLCK, 0n, OFFSET_MAX))).toMatchObject({ owner: a, start: 10n, end: 29n });
    expect(t.set('f', req(b, F_WRLCK, 30n, 39n))).toBeNull();
    expect(t.set('g', req(b, F_WRLCK, 0n, OFFSET_MAX))).toBeNull(); // another file
    expect(t.set('f', req(a, F_UNLCK, 0n, OFFSET_MAX))).toBeNull();
    expect(t.set('f', req(a, F_RDLCK, 0n, 5n))).toBeNull();
    expect(t.set('f', req(c, F_RDLCK, 0n, 5n))).toBeNull();
    expect(t.test('f', req(c, F_WRLCK, 0n, 0n))?.owner).toBe(a);
  });

  it('splits a lock unlocked in the middle, merges touching ones, converts types', () => {
    const t = new FileLocks();
    t.set('f', req(a, F_WRLCK, 0n, 99n));
    t.set('f', req(a, F_UNLCK, 40n, 49n));
    expect(t.test('f', req(b, F_WRLCK, 40n, 49n))).toBeNull();
    expect(t.test('f', req(b, F_WRLCK, 39n, 39n))).toMatchObject({ start: 0n, end: 39n });
    expect(t.test('f', req(b, F_WRLCK, 50n, 50n))).toMatchObject({ start: 50n, end: 99n });
    t.set('f', req(a, F_WRLCK, 40n, 49n));
    expect(t.count().records).toBe(1);
    t.set('f', req(a, F_RDLCK, 10n, 19n));
    expect(t.count().records).toBe(3);
    expect(t.test('f', req(b, F_RDLCK, 10n, 19n))).toBeNull();
    expect(t.test('f', req(b, F_RDLCK, 9n, 9n))).not.toBeNull();
  });

  it('wakes waiters when a lock goes, and forgets files nobody locks', () => {
    const t = new FileLocks();
    t.set('f', req(a, F_WRLCK, 0n, OFFSET_MAX));
    let woken = 0;
    t.wait('f', req(b, F_WRLCK, 0n, 0n), () => true).add(() => woken++);
    t.set('f', req(a, F_WRLCK, 5n, 5n)); // a lock of a's own, same type: nothing let go
    expect(woken).toBe(0);
    t.exited(a);
    expect(woken).toBe(1);
    expect(t.count()).toEqual({ records: 0, flocks: 0, files: 0 });
  });

  it('finds a cycle of waiting owners, and not a stale wait', () => {
    const t = new FileLocks();
    t.set('f', req(a, F_WRLCK, 0n, 0n));
    t.set('f', req(b, F_WRLCK, 1n, 1n));
    t.set('g', req(c, F_WRLCK, 0n, 0n));
    let waiting = true;
    t.wait('f', req(a, F_WRLCK, 1n, 1n), () => waiting); // a waits for b
    expect(t.deadlock('f', req(b, F_WRLCK, 0n, 0n))).toBe(true); // b would wait for a
    expect(t.deadlock('g', req(b, F_WRLCK, 0n, 0n))).toBe(false); // c waits for nobody
    waiting = false;
    expect(t.deadlock('f', req(b, F_WRLCK, 0n, 0n))).toBe(false);
    // A longer cycle: a → b → c → a.
    t.set('g', req(c, F_UNLCK, 0n, 0n));
    t.set('f', req(c, F_WRLCK, 2n, 2n));
    t.wait('f', req(a, F_WRLCK, 1n, 1n), () => true);
    t.wait('f', req(b, F_WRLCK, 2n, 2n), () => true);
    expect(t.deadlock('f', req(c, F_WRLCK, 0n, 0n))).toBe(true);
  });
});

describe('flock', () => {
  it('shares LOCK_SH, excludes LOCK_EX, and goes with the last close', () => {
    const t = new FileLocks();
    const [x, y] = [ofd(), ofd()];
    expect(t.flock('f', x, LOCK_SH)).toBe(true);
    expect(t.flock('f', y, LOCK_SH)).toBe(true);
    expect(t.flock('f', y, LOCK_EX)).toBe(false); // and y's shared lock went first, as on Linux
    expect(t.count().flocks).toBe(1);
    t.closed(a, x, false);
    expect(t.flock('f', y, LOCK_EX)).toBe(false);
    t.closed(a, x, true);
    expect(t.flock('f', y, LOCK_EX)).toBe(true);
    expect(t.flock('f', y, LOCK_UN)).toBe(true);
    expect(t.count().files).toBe(0);
  });
});
