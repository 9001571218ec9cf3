// The pipe ring on its own: free-running counters across the wrap, all-or-
// nothing writes, and the KWAIT handshake with the kernel (see ring.ts).
import { describe, expect, it } from 'vitest';
import { BELL_SIZE, Bell } from '../abi/page.js';
import { KERNEL_OWNER, R, RING_CAPACITY, RING_SIZE, Ring } from './ring.js';

function ring(): Ring {
  return new Ring(new SharedArrayBuffer(RING_SIZE), 0);
}

function bytes(n: number, from = 0): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (from + i) & 0xff);
}

function take(r: Ring, max: number): Uint8Array {
  const out = new Uint8Array(max);
  const n = r.read(max, (piece, at) => out.set(piece, at));
  return out.subarray(0, n);
}

describe('ring', () => {
  it('returns bytes in order across the end of its buffer (wrap-around)', () => {
    const r = ring();
    expect(r.write(bytes(RING_CAPACITY - 100))).toBe(RING_CAPACITY - 100);
    expect(take(r, RING_CAPACITY - 100).length).toBe(RING_CAPACITY - 100);
    // The next 300 bytes start 100 before the end and continue at the start.
    expect(r.write(bytes(300, 7))).toBe(300);
    expect(r.used).toBe(300);
    expect(take(r, 1000)).toEqual(bytes(300, 7));
    expect(r.used).toBe(0);
  });

  it('keeps counting when HEAD and TAIL pass 2^32 (the counters are free-running)', () => {
    const r = ring();
    Atomics.store(r.h, R.HEAD, -10); // u32 0xfffffff6: ten bytes short of the wrap
    Atomics.store(r.h, R.TAIL, -10);
    expect(r.write(bytes(50))).toBe(50);
    expect(r.used).toBe(50);
    expect(r.free).toBe(RING_CAPACITY - 50);
    expect(take(r, 50)).toEqual(bytes(50));
    expect(Atomics.load(r.h, R.HEAD)).toBe(40);
  });

  it('writes only what fits when it is nearly full', () => {
    const r = ring();
    r.write(bytes(RING_CAPACITY - 10));
    expect(r.write(bytes(100))).toBe(10);
    expect(r.free).toBe(0);
    expect(r.write(bytes(1))).toBe(0);
  });

  it('refuses a writeAll that does not fit whole, and writes nothing of it', () => {
    const r = ring();
    r.write(bytes(RING_CAPACITY - 10));
    const events = Atomics.load(r.h, R.EVENTS);
    expect(r.writeAll(bytes(11))).toBe(0);
    expect(r.used).toBe(RING_CAPACITY - 10);
    expect(Atomics.load(r.h, R.EVENTS)).toBe(events); // nothing changed, nobody woken
    expect(r.writeAll(bytes(10))).toBe(10);
    expect(r.free).toBe(0);
  });

  it('puts a writeAll that crosses the end of its buffer in two pieces, in order', () => {
    const r = ring();
    r.write(bytes(RING_CAPACITY - 3));
    take(r, RING_CAPACITY - 3);
    expect(r.writeAll(bytes(8, 40))).toBe(8);
    expect(Array.from(r.data.subarray(RING_CAPACITY - 3))).toEqual([40, 41, 42]);
    expect(take(r, 100)).toEqual(bytes(8, 40));
  });

  it('bumps EVENTS on every change, and not on a read of an empty ring', () => {
    const r = ring();
    const before = Atomics.load(r.h, R.EVENTS);
    expect(take(r, 10).length).toBe(0);
    expect(Atomics.load(r.h, R.EVENTS)).toBe(before);
    r.write(bytes(4));
    take(r, 4);
    expect(Atomics.load(r.h, R.EVENTS)).toBe(before + 2);
  });

  it('clears KWAIT and rings the kernel after a change the kernel waits for', () => {
    const r = ring();
    const bell = new Int32Array(new SharedArrayBuffer(BELL_SIZE));
    Atomics.store(r.h, R.KWAIT, 1);
    r.write(bytes(5));
    r.kickKernel(bell);
    expect(Atomics.load(r.h, R.KWAIT)).toBe(0);
    expect(Atomics.load(bell, Bell.PIPES)).toBe(1);
    expect(Atomics.load(bell, Bell.RING)).toBe(1);
  });

  it('leaves the kernel alone when it waits for nothing (KWAIT clear)', () => {
    const r = ring();
    const bell = new Int32Array(new SharedArrayBuffer(BELL_SIZE));
    r.write(bytes(5));
    r.kickKernel(bell);
    expect(Atomics.load(bell, Bell.PIPES)).toBe(0);
    expect(Atomics.load(bell, Bell.RING)).toBe(0);
  });
});

describe('ring locks held by a process that is gone', () => {
  const sab = (): SharedArrayBuffer => new SharedArrayBuffer(RING_SIZE);

  it('a runtime leaves the write to the kernel when another holds the lock too long', () => {
    const s = sab();
    const r = new Ring(s, 0, { owner: 7 });
    Atomics.store(r.h, R.WLOCK, 42); // pid 42's worker stopped mid-copy
    expect(r.write(bytes(10))).toBe(-1);
    expect(r.writeAll(bytes(10))).toBe(-1);
    expect(r.used).toBe(0);
    Atomics.store(r.h, R.RLOCK, 42);
    expect(r.read(10, () => { throw new Error('read while locked'); })).toBe(-1);
  });

  it('the kernel takes over a lock whose holder has ended, and only then', () => {
    const s = sab();
    let ended = false;
    let asked = 0;
    const k = new Ring(s, 0, { owner: KERNEL_OWNER, alive: (pid) => (asked++, pid !== 42 || !ended) });
    expect(k.write(bytes(5))).toBe(5);
    Atomics.store(k.h, R.WLOCK, 42);
    ended = true;
    expect(k.write(bytes(3, 5))).toBe(3);
    expect(asked).toBeGreaterThan(1); // seen ended, then still holding it a while later (its worker may run on a little)
    expect(Atomics.load(k.h, R.WLOCK)).toBe(0);
    expect(take(k, 100)).toEqual(bytes(8));
  });

  it('a process the kernel has ended moves no bytes, and lets the lock go', () => {
    const s = sab();
    let gone = false;
    const r = new Ring(s, 0, { owner: 7, gone: () => gone });
    expect(r.write(bytes(4))).toBe(4);
    gone = true;
    expect(r.write(bytes(4))).toBe(-1);
    expect(r.read(4, () => { throw new Error('read after the end'); })).toBe(-1);
    expect(r.used).toBe(4);
    expect([Atomics.load(r.h, R.WLOCK), Atomics.load(r.h, R.RLOCK)]).toEqual([0, 0]);
  });
});
