// The pipe fast path inside the process (DESIGN §2): reads and writes of a
// pipe whose ring is in the shared arena move bytes here, and wait here on the
// ring's EVENTS counter when it is empty or full — no kernel round trip (ipc/ring.ts).
// A connected stream socket is two such rings, one read and one written
// (kernel/net/connection.ts): its bytes move here the same way.
// Writes to /dev/null are completed here too.
// EOF, EPIPE, O_NONBLOCK, pending signals, private rings and a ring whose
// writing side is shut go to the kernel, which reports them. Which fds are shared pipes is learnt from the kernel once
// per fd (fdinfo.ts).
import { FdKind } from '../abi/syscalls.js';
import { Slot } from '../abi/page.js';
import { PIPE_BUF, R, RING_SIZE, Ring } from '../ipc/ring.js';
import type { FdCache } from './fdinfo.js';
import type { SyscallClient } from './syscall.js';

interface End {
  ring: Ring;
  slot: number;
  writer: boolean;
}

export class PipeFastPath {
  private readonly rings = new Map<number, Ring>();
  /** The ends each fd's info names, [read, write] (an info object is replaced when its fd is forgotten). */
  private readonly ends = new WeakMap<object, [End | null, End | null]>();
  private readonly bell: Int32Array;
  private readonly scratch = new Uint8Array(PIPE_BUF);
  /** How this process takes rings' locks: as its pid; and once the kernel has ended it (Slot.GONE), not at all (ipc/ring.ts). */
  private readonly locker = {
    owner: 0,
    gone: (): boolean => Atomics.load(this.sys.page.i32, Slot.GONE) !== 0,
  };

  constructor(
    private readonly sys: SyscallClient,
    private readonly fds: FdCache,
    private readonly arena: SharedArrayBuffer | undefined,
    bell: SharedArrayBuffer,
  ) {
    this.bell = new Int32Array(bell);
  }

  /** A new process runs in this worker. */
  enter(pid: number): void {
    this.locker.owner = pid;
  }

  /** True when writes to `fd` go nowhere (/dev/null): the caller completes them. */
  sink(fd: number): boolean {
    return this.fds.get(fd).kind === FdKind.SINK;
  }

  /** The ring `fd` reads (`writer` false) or writes, if the runtime may use it. */
  private end(fd: number, writer: boolean): End | null {
    const info = this.fds.get(fd);
    if (!this.arena || (info.kind !== FdKind.PIPE && info.kind !== FdKind.SOCKET)) return null;
    let pair = this.ends.get(info);
    if (!pair) {
      pair = info.kind === FdKind.PIPE
        ? (info.writer ? [null, this.endAt(info.slot, true)] : [this.endAt(info.slot, false), null])
        : [info.rx >= 0 ? this.endAt(info.rx, false) : null, info.tx >= 0 ? this.endAt(info.tx, true) : null];
      this.ends.set(info, pair);
    }
    return pair[writer ? 1 : 0];
  }

  private endAt(slot: number, writer: boolean): End {
    let ring = this.rings.get(slot);
    if (!ring) this.rings.set(slot, (ring = new Ring(this.arena!, slot * RING_SIZE, this.locker)));
    return { ring, slot, writer };
  }

  /**
   * Read into `scatter`, waiting here for data while a writer exists (unless
   * `wait` is false: MSG_DONTWAIT); null when the kernel must answer (EOF,
   * O_NONBLOCK, a pending signal, not a shared pipe or socket).
   */
  read(fd: number, max: number, scatter: (piece: Uint8Array, at: number) => void, wait = true): number | null {
    const e = this.end(fd, false);
    if (!e || max === 0) return null;
    const ring = e.ring;
    const h = ring.h;
    for (;;) {
      const events = Atomics.load(h, R.EVENTS);
      if (ring.used > 0) {
        const n = ring.read(max, scatter);
        if (n < 0) return null;
        if (n > 0) {
          ring.kickKernel(this.bell);
          return n;
        }
      }
      if (!wait || Atomics.load(h, R.WRITERS) === 0 || Atomics.load(h, R.RNONBLOCK) !== 0) return null;
      if (!this.wait(e, events)) return null;
    }
  }

  /**
   * Write all `total` bytes of the guest's iovecs (`vecs`, [ptr, len] pairs in
   * `u8`), waiting here for room while a reader exists. A write of up to
   * PIPE_BUF goes in whole; a longer one piece by piece as room appears. The
   * count written, or null when the kernel must answer (EPIPE, O_NONBLOCK or
   * `wait` false, a pending signal, the writing side shut) — after a partial
   * write, the count so far.
   */
  write(fd: number, u8: Uint8Array, vecs: ReadonlyArray<readonly [number, number]>, total: number, wait = true): number | null {
    const e = this.end(fd, true);
    if (!e || total === 0) return null;
    const ring = e.ring;
    const h = ring.h;
    const atomic = total <= PIPE_BUF;
    // The bytes not yet written: the rest of vecs[v] from `within`, then vecs[v + 1...].
    let v = 0;
    let within = 0;
    let done = 0;
    while (vecs[v][1] === 0) v++;
    const small = atomic ? (vecs.length === 1 ? u8.subarray(vecs[0][0], vecs[0][0] + total) : this.gather(u8, vecs, total)) : null;
    for (;;) {
      const events = Atomics.load(h, R.EVENTS);
      // No reader (EPIPE), or no writer left: a socket's SHUT_WR by another process sharing it.
      if (Atomics.load(h, R.READERS) === 0 || Atomics.load(h, R.WRITERS) === 0) return done > 0 ? done : null;
      let n = 0;
      if (small) {
        if (ring.free >= total) n = ring.writeAll(small);
      } else if (ring.free > 0) {
        const [ptr, len] = vecs[v];
        n = ring.write(u8.subarray(ptr + within, ptr + len));
        if (n > 0) within += n;
        if (within === len) {
          within = 0;
          while (++v < vecs.length && vecs[v][1] === 0) { /* skip empty iovecs */ }
        }
      }
      if (n < 0) return done > 0 ? done : null;
      if (n > 0) {
        ring.kickKernel(this.bell);
        done += n;
        if (done === total) return done;
        continue;
      }
      if (!wait || Atomics.load(h, R.WNONBLOCK) !== 0) return done > 0 ? done : null;
      if (!this.wait(e, events)) return done > 0 ? done : null;
    }
  }

  /** A write of up to PIPE_BUF bytes from several iovecs, in one piece (reused buffer). */
  private gather(u8: Uint8Array, vecs: ReadonlyArray<readonly [number, number]>, total: number): Uint8Array {
    const out = this.scratch.subarray(0, total);
    let off = 0;
    for (const [ptr, len] of vecs) {
      out.set(u8.subarray(ptr, ptr + len), off);
      off += len;
    }
    return out;
  }

  /**
   * Wait for the ring to change from `events`; false when a signal is pending
   * (the kernel then answers, with EINTR or by running the handler).
   */
  private wait(e: End, events: number): boolean {
    const page = this.sys.page.i32;
    Atomics.store(page, Slot.RINGWAIT, e.slot + 1);
    // SIGNAL is read after RINGWAIT is published; the kernel does the reverse.
    const ok = Atomics.load(page, Slot.SIGNAL) === 0;
    if (ok) {
      const since = this.sys.blockBegin();
      e.ring.sleep(events, 1000);
      this.sys.blockEnd(since);
    }
    Atomics.store(page, Slot.RINGWAIT, 0);
    return ok;
  }
}
