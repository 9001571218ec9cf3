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
//               The holder's id is the lock's value: a process's pid, or -1 for
//               the kernel. A worker stopped in the middle of a copy (its
//               process killed) leaves its lock held, but not its bytes: HEAD
//               and TAIL move only after the copy. So the kernel takes over a
//               lock whose holder has ended (once it has held it, ended, for
//               TAKEOVER_MS: a worker runs on a little after its process ends,
//               and may be in the middle of its copy), and a runtime that cannot get one
//               soon leaves the read or write to the kernel. A runtime whose
//               process the kernel has ended (Slot.GONE, checked under the
//               lock) moves no more bytes.
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

/** Who takes a ring's locks (see the header). */
export interface Locker {
  /** A pid, or KERNEL_OWNER. */
  readonly owner: number;
  /** Kernel: whether a process still runs; a lock held by one that ended is taken over. */
  alive?(pid: number): boolean;
  /** Runtime: whether the kernel has ended this process (it then moves no bytes). */
  gone?(): boolean;
}
export const KERNEL_OWNER = -1;
/** The kernel's locker where no process can hold a lock (a private ring). */
export const KERNEL_LOCKER: Locker = { owner: KERNEL_OWNER };
/** Spins (each a compare-and-swap) before a runtime gives up a lock to the kernel: ~ms, far past any copy. */
const RUNTIME_SPINS = 1 << 18;
/** How long the kernel waits on a lock held by a process that has ended before it takes it over. */
const TAKEOVER_MS = 100;

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

  constructor(sab: SharedArrayBuffer, offset: number, private readonly locker: Locker = KERNEL_LOCKER) {
    this.h = new Int32Array(sab, offset, RING_HEADER / 4);
    this.data = new Uint8Array(sab, offset + RING_HEADER, RING_CAPACITY);
  }

  /** Take a lock; false (not held) when a runtime should leave the work to the kernel. */
  private lock(which: R.WLOCK | R.RLOCK): boolean {
    const { owner, alive, gone } = this.locker;
    let deadSince = -1;
    for (let spins = 1; ; spins++) {
      const held = Atomics.compareExchange(this.h, which, 0, owner);
      if (held === 0) break;
      if ((spins & 1023) !== 0) continue; // held only for a copy
      if (alive) {
        if (held === KERNEL_OWNER || alive.call(this.locker, held)) {
          deadSince = -1;
        } else if (deadSince < 0) {
          deadSince = performance.now();
        } else if (performance.now() - deadSince >= TAKEOVER_MS && Atomics.compareExchange(this.h, which, held, owner) === held) {
          break;
        }
      } else if (spins >= RUNTIME_SPINS) {
        return false;
      }
    }
    if (gone?.call(this.locker)) {
      this.unlock(which);
      return false;
    }
    return true;
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

  /** Take up to `max` bytes; `sink` receives them in at most two pieces. -1: nothing done, the kernel must (a runtime's lock; see the header). */
  read(max: number, sink: (piece: Uint8Array, at: number) => void): number {
    if (!this.lock(R.RLOCK)) return -1;
    const tail = Atomics.load(this.h, R.TAIL) >>> 0;
    const n = this.copyOut(tail, max, sink);
    Atomics.store(this.h, R.TAIL, (tail + n) | 0);
    this.unlock(R.RLOCK);
    if (n > 0) this.changed();
    return n;
  }

  /** Copy up to `max` bytes without taking them (MSG_PEEK); `sink` as for read. The count (-1 as for read). */
  peek(max: number, sink: (piece: Uint8Array, at: number) => void): number {
    if (!this.lock(R.RLOCK)) return -1;
    const n = this.copyOut(Atomics.load(this.h, R.TAIL) >>> 0, max, sink);
    this.unlock(R.RLOCK);
    return n;
  }

  /** Put as much of `src` as fits; the count written (-1 as for read). */
  write(src: Uint8Array): number {
    if (!this.lock(R.WLOCK)) return -1;
    const head = Atomics.load(this.h, R.HEAD) >>> 0;
    const n = Math.min(src.length, this.room(head));
    this.copyIn(head, src.subarray(0, n));
    this.unlock(R.WLOCK);
    if (n > 0) this.changed();
    return n;
  }

  /** Put all of `src` or nothing (the room is checked under the lock); the count written (-1 as for read). */
  writeAll(src: Uint8Array): number {
    if (!this.lock(R.WLOCK)) return -1;
    const head = Atomics.load(this.h, R.HEAD) >>> 0;
    const fits = this.room(head) >= src.length;
    if (fits) this.copyIn(head, src);
    this.unlock(R.WLOCK);
    if (!fits) return 0;
    this.changed();
    return src.length;
  }

  /** Under RLOCK: hand up to `max` bytes from `tail` on to `sink` (in at most two pieces, wrapping); how many. */
  private copyOut(tail: number, max: number, sink: (piece: Uint8Array, at: number) => void): number {
    const n = Math.min(max, (Atomics.load(this.h, R.HEAD) - tail) >>> 0);
    const start = tail % RING_CAPACITY;
    const first = Math.min(n, RING_CAPACITY - start);
    if (first > 0) sink(this.data.subarray(start, start + first), 0);
    if (n > first) sink(this.data.subarray(0, n - first), first);
    return n;
  }

  /** Under WLOCK: the bytes free after `head`. */
  private room(head: number): number {
    return RING_CAPACITY - ((head - (Atomics.load(this.h, R.TAIL) >>> 0)) >>> 0);
  }

  /** Under WLOCK: put `src` (it fits) at `head`, wrapping, and move HEAD past it. */
  private copyIn(head: number, src: Uint8Array): void {
    const start = head % RING_CAPACITY;
    const first = Math.min(src.length, RING_CAPACITY - start);
    this.data.set(src.subarray(0, first), start);
    if (src.length > first) this.data.set(src.subarray(first), 0);
    Atomics.store(this.h, R.HEAD, (head + src.length) | 0);
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
