// Pipe rings in shared memory. The kernel owns a pipe's life (ends opening and
// closing, EOF, EPIPE, blocking), but the bytes of a pipe whose ring lives in
// the shared arena can be moved by the process runtime itself when no waiting
// is involved (runtime/pipes.ts) — no kernel round trip for a read that finds
// data or a write that finds room.
//
// Layout of one ring (Int32 header, then CAPACITY bytes of data):
//   HEAD, TAIL  free-running byte counters (u32 arithmetic), HEAD changed under
//               WLOCK, TAIL under RLOCK;
//               used = HEAD - TAIL, full when used === CAPACITY
//   READERS, WRITERS  open ends (kernel only)
//   WLOCK, RLOCK spinlocks of the writers and of the readers, each for a copy +
//               its counter update (held for a memcpy, never across a wait). A
//               writer only fills bytes past HEAD and a reader only takes bytes
//               before it, so one writer and one reader never wait for each other.
//   KWAIT       the kernel has a task parked on this pipe: whoever changes HEAD or
//               TAIL clears it and rings the kernel (Bell.PIPES)
//   GEN         bumped each time the slot gets a new pipe
//   RNONBLOCK, WNONBLOCK  O_NONBLOCK of the read / write end's description (kernel)
//   EVENTS      bumped on every change of HEAD, TAIL or an end
//   SLEEPERS    runtimes in Atomics.wait on EVENTS: a change notifies only when
//               there is one (Atomics.notify calls into V8's runtime and takes its
//               waiter-list lock: ~70 ns with nobody waiting, against ~30 ns for
//               the load of SLEEPERS that now stands in for it)
// A runtime that must wait for data or room waits on EVENTS itself, from a
// value read before it looked at the ring, so no change can slip by; the
// kernel notifies the ring a process waits on (Slot.RINGWAIT) when a signal
// must interrupt it.
// Ordering (all seq-cst): the kernel sets KWAIT before it checks readiness and
// a runtime changes HEAD/TAIL before it checks KWAIT, so one always sees the
// other. A sleeper reads EVENTS, finds the ring empty (or full), counts itself
// in SLEEPERS and waits on that EVENTS value; a changer moves HEAD/TAIL, bumps
// EVENTS, then reads SLEEPERS. Either the changer sees the sleeper and
// notifies, or the sleeper's wait sees EVENTS already bumped and returns.
import { Bell } from '../abi/page.js';

export const enum R { HEAD = 0, TAIL = 1, READERS = 2, WRITERS = 3, WLOCK = 4, KWAIT = 5, GEN = 6, RNONBLOCK = 7, WNONBLOCK = 8, EVENTS = 9, RLOCK = 10, SLEEPERS = 11 }
export const RING_HEADER = 64;
export const RING_CAPACITY = 65536;
export const RING_SIZE = RING_HEADER + RING_CAPACITY;
/** Writes of up to PIPE_BUF bytes go into a pipe whole; the kernel and the runtime both keep to it. */
export { PIPE_BUF } from '../abi/tabkernel.js';
/** Rings in the arena every process can see; more pipes than this use private rings. */
export const ARENA_RINGS = 64;
export const ARENA_SIZE = ARENA_RINGS * RING_SIZE;

export class Ring {
  readonly h: Int32Array;
  readonly data: Uint8Array;

  constructor(sab: SharedArrayBuffer, offset: number) {
    this.h = new Int32Array(sab, offset, RING_HEADER / 4);
    this.data = new Uint8Array(sab, offset + RING_HEADER, RING_CAPACITY);
  }

  private lock(which: R.WLOCK | R.RLOCK): void {
    while (Atomics.compareExchange(this.h, which, 0, 1) !== 0) { /* held only for a copy */ }
  }
  private unlock(which: R.WLOCK | R.RLOCK): void {
    Atomics.store(this.h, which, 0);
  }

  get used(): number {
    return (Atomics.load(this.h, R.HEAD) - Atomics.load(this.h, R.TAIL)) >>> 0;
  }
  get free(): number {
    return RING_CAPACITY - this.used;
  }

  /** Take up to `max` bytes; `sink` receives them in at most two pieces. */
  read(max: number, sink: (piece: Uint8Array, at: number) => void): number {
    this.lock(R.RLOCK);
    const tail = Atomics.load(this.h, R.TAIL) >>> 0;
    const n = Math.min(max, (Atomics.load(this.h, R.HEAD) - tail) >>> 0);
    const start = tail % RING_CAPACITY;
    const first = Math.min(n, RING_CAPACITY - start);
    if (first > 0) sink(this.data.subarray(start, start + first), 0);
    if (n > first) sink(this.data.subarray(0, n - first), first);
    Atomics.store(this.h, R.TAIL, (tail + n) | 0);
    this.unlock(R.RLOCK);
    if (n > 0) this.changed();
    return n;
  }

  /** Put as much of `src` as fits; the count written. */
  write(src: Uint8Array): number {
    this.lock(R.WLOCK);
    const head = Atomics.load(this.h, R.HEAD) >>> 0;
    const n = Math.min(src.length, RING_CAPACITY - ((head - (Atomics.load(this.h, R.TAIL) >>> 0)) >>> 0));
    const start = head % RING_CAPACITY;
    const first = Math.min(n, RING_CAPACITY - start);
    this.data.set(src.subarray(0, first), start);
    if (n > first) this.data.set(src.subarray(first, n), 0);
    Atomics.store(this.h, R.HEAD, (head + n) | 0);
    this.unlock(R.WLOCK);
    if (n > 0) this.changed();
    return n;
  }

  /** Put all of `src` or nothing (the room is checked under the lock); the count written. */
  writeAll(src: Uint8Array): number {
    this.lock(R.WLOCK);
    const head = Atomics.load(this.h, R.HEAD) >>> 0;
    const room = RING_CAPACITY - ((head - (Atomics.load(this.h, R.TAIL) >>> 0)) >>> 0);
    if (room < src.length) {
      this.unlock(R.WLOCK);
      return 0;
    }
    const start = head % RING_CAPACITY;
    const first = Math.min(src.length, RING_CAPACITY - start);
    this.data.set(src.subarray(0, first), start);
    if (src.length > first) this.data.set(src.subarray(first), 0);
    Atomics.store(this.h, R.HEAD, (head + src.length) | 0);
    this.unlock(R.WLOCK);
    this.changed();
    return src.length;
  }

  /** Something changed: wake runtimes waiting on this ring, if any sleeps. */
  changed(): void {
    Atomics.add(this.h, R.EVENTS, 1);
    if (Atomics.load(this.h, R.SLEEPERS) !== 0) Atomics.notify(this.h, R.EVENTS);
  }

  /**
   * Sleep until EVENTS moves from `events` (read before the ring was found
   * empty or full), or `ms` pass; a runtime's wait (see the ordering above).
   */
  sleep(events: number, ms: number): void {
    Atomics.add(this.h, R.SLEEPERS, 1);
    Atomics.wait(this.h, R.EVENTS, events, ms);
    Atomics.sub(this.h, R.SLEEPERS, 1);
  }

  /** Wake the runtimes waiting here without a change (a signal for one of them). */
  poke(): void {
    Atomics.notify(this.h, R.EVENTS);
  }

  /** After a runtime changed HEAD or TAIL: tell the kernel if it has a task waiting here. */
  kickKernel(bell: Int32Array): void {
    if (Atomics.load(this.h, R.KWAIT) === 0) return;
    Atomics.store(this.h, R.KWAIT, 0);
    Atomics.store(bell, Bell.PIPES, 1);
    Atomics.add(bell, Bell.RING, 1);
    Atomics.notify(bell, Bell.RING);
  }
}
