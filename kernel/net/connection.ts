// A stream connection: two pipes (ipc/pipe.ts), one each way, and an
// endpoint at each end that reads one and writes the other. Rings in the
// shared arena let the process runtime move a connected socket's bytes
// itself (runtime/pipes.ts, FdKind.SOCKET), as it does a pipe's; this file
// keeps what the kernel decides: EOF once the peer's writing half is shut,
// EPIPE (and SIGPIPE, syscall/sock.ts) once nobody reads what we write, and
// resets. An endpoint that goes away with bytes still unread resets the
// connection, as TCP sends RST then: the peer reads what was already sent,
// then gets ECONNRESET once (a later read sees EOF, a later write EPIPE); the
// same goes for an abort (a HostConnection's close, an unaccepted connection
// of a listener that closes). An endpoint is a guest socket's (stream.ts) or
// the host's (hostconn.ts).
// Spec: POSIX shutdown(2), recv(2), send(2); RFC 9293 §3.6 (RST on close
// with unread data), as Linux's tcp_close does.
import { Errno, err, type Err } from '../abi/errno.js';
import type { Pipe, PipeArena } from '../ipc/pipe.js';
import { R } from '../ipc/ring.js';
import type { WaitQueue } from '../proc/waitqueue.js';

export class Endpoint {
  /** The other end; set by openConnection. */
  peer!: Endpoint;
  /** An error the next read or write reports once (ECONNRESET after the peer's reset); SO_ERROR reads and clears it too. */
  pendingError = Errno.SUCCESS;
  /** shutdown(SHUT_RD) / SHUT_WR done, or the endpoint is closed. */
  rdShut = false;
  wrShut = false;

  constructor(readonly rx: Pipe, readonly tx: Pipe) {
    rx.readers++;
    tx.writers++;
  }

  /** Where a reader waits (bytes or EOF arrive), and a writer (room, or the reader goes). */
  get readQueue(): WaitQueue {
    return this.rx.queue;
  }
  get writeQueue(): WaitQueue {
    return this.tx.queue;
  }

  /** Whether a read answers now: bytes, EOF, an error. */
  readReady(): boolean {
    this.rx.watch();
    return this.rx.used > 0 || this.rx.writers === 0 || this.rdShut || this.pendingError !== Errno.SUCCESS;
  }
  /** Whether a write answers now: room, or an error (EPIPE, a reset). */
  writeReady(): boolean {
    this.tx.watch();
    return this.tx.free > 0 || this.tx.readers === 0 || this.wrShut || this.pendingError !== Errno.SUCCESS;
  }
  /** The peer will send nothing more (poll's POLLHUP, with writeHungUp). */
  readHungUp(): boolean {
    return this.rx.writers === 0 || this.rdShut;
  }
  writeHungUp(): boolean {
    return this.tx.readers === 0 || this.wrShut;
  }
  get unread(): number {
    return this.rx.used;
  }

  /** The error an operation reports now, cleared as it is reported. */
  takeError(): Errno {
    const e = this.pendingError;
    this.pendingError = Errno.SUCCESS;
    return e;
  }

  /**
   * Up to `max` bytes (none at EOF); AGAIN when none is there yet and more
   * may come (the caller waits or fails). `peek` leaves them in place.
   */
  read(max: number, peek = false): Uint8Array | Err {
    if (this.rx.used > 0 && max > 0) return peek ? this.rx.peek(max) : this.rx.take(max);
    if (this.pendingError !== Errno.SUCCESS) return err(this.takeError());
    if (this.rx.writers === 0 || this.rdShut || max === 0) return EMPTY;
    return err(Errno.AGAIN);
  }

  /** What fits of `data`: the count (0: no room yet), or EPIPE (nobody reads, or SHUT_WR), or the pending error. */
  write(data: Uint8Array): number | Err {
    if (this.pendingError !== Errno.SUCCESS) return err(this.takeError());
    if (this.wrShut || this.tx.readers === 0) return err(Errno.PIPE);
    return this.tx.put(data);
  }

  /** shutdown(2): stop reading (bytes that come are kept: Linux returns them), stop writing (the peer reads EOF). */
  shutdown(rd: boolean, wr: boolean): void {
    if (rd && !this.rdShut) {
      this.rdShut = true;
      this.rx.ring.changed(); // a runtime waiting to read here re-checks with the kernel
      this.rx.queue.wake();
    }
    if (wr && !this.wrShut) {
      this.wrShut = true;
      this.tx.writers--;
      this.tx.endClosed();
    }
  }

  /** The last reference went: close, resetting the connection if bytes were left unread. */
  close(): void {
    if (this.rx.used > 0) this.abort();
    else this.release();
  }

  /** Abort (RST): the peer gets ECONNRESET once; whatever either way held unread is dropped. */
  abort(): void {
    if (this.rx.readers > 0 || this.tx.writers > 0) {
      this.peer.pendingError = Errno.CONNRESET;
      this.rx.discard();
    }
    this.release();
    this.peer.rx.queue.wake();
    this.peer.tx.queue.wake();
  }

  private release(): void {
    if (!this.wrShut) {
      this.wrShut = true;
      this.tx.writers--;
      this.tx.endClosed();
    }
    if (this.rx.readers > 0 && !this.released) {
      this.released = true;
      this.rdShut = true;
      this.rx.readers--;
      this.rx.endClosed();
    }
  }
  private released = false;

  /** Mirror a description's O_NONBLOCK into the rings, where the runtime's fast path reads it. */
  setNonblock(on: boolean): void {
    Atomics.store(this.rx.ring.h, R.RNONBLOCK, on ? 1 : 0);
    Atomics.store(this.tx.ring.h, R.WNONBLOCK, on ? 1 : 0);
  }

  /** The arena slots the runtime may use: the ring read and the ring written (-1: none; that way is the kernel's). */
  fastSlots(): { rx: number; tx: number } {
    return { rx: this.rdShut ? -1 : this.rx.slot, tx: this.wrShut ? -1 : this.tx.slot };
  }
}

const EMPTY = new Uint8Array(0);

/** A connection's two ends: `a` writes what `b` reads and the other way; null when the budget has no room for a ring. */
export function openConnection(arena: PipeArena): { a: Endpoint; b: Endpoint } | null {
  const ab = arena.open();
  if (!ab) return null;
  const ba = arena.open();
  if (!ba) {
    ab.endClosed();
    return null;
  }
  const a = new Endpoint(ba, ab);
  const b = new Endpoint(ab, ba);
  a.peer = b;
  b.peer = a;
  return { a, b };
}
