// Pipes: a byte ring (ipc/ring.ts) with a read end and a write end, each an
// open file description. Readers see EOF once every writer has closed; a
// writer with no reader left gets EPIPE (the handler raises SIGPIPE). Writes of
// up to PIPE_BUF bytes are atomic: they wait until the whole write fits. Longer
// writes may be split and interleaved, as POSIX allows.
// Rings live in a shared arena when a slot is free, so the process runtime can
// move bytes itself when nothing has to wait (runtime/pipes.ts); this file keeps
// the life cycle and every case that waits.
// Spec: POSIX write(2) "Write Requests to a Pipe or FIFO"; read(2); pipe(2).
import { Errno, err, type Err } from '../abi/errno.js';
import { Fdflags, Filetype } from '../abi/wasi.js';
import { OpenFile } from '../fs/file.js';
import type { Stat } from '../fs/inode.js';
import { Use, type MemoryBudget } from '../mm/budget.js';
import { WaitQueue, type Waiter } from '../proc/waitqueue.js';
import { ARENA_RINGS, ARENA_SIZE, KERNEL_OWNER, PIPE_BUF, R, RING_SIZE, Ring, type Locker } from './ring.js';

let nextPipeIno = 1n;
/** Pipes with at least one end open (for leak checks). */
let open = 0;
export function openPipes(): number {
  return open;
}

/**
 * The shared rings: which slots are free, and which pipes the kernel waits on.
 * A pipe made while every slot is taken gets a ring of its own, charged to
 * the memory budget (the arena itself is the kernel's, like its page tables).
 */
export class PipeArena {
  readonly sab = new SharedArrayBuffer(ARENA_SIZE);
  private readonly free: number[] = Array.from({ length: ARENA_RINGS }, (_, i) => ARENA_RINGS - 1 - i);
  readonly live = new Set<Pipe>();
  /** Set by the kernel: whether process `pid` still runs (a ring lock a process that ended holds is taken over: ring.ts). */
  alive: ((pid: number) => boolean) | null = null;
  /** How the kernel takes the locks of the arena's rings. */
  readonly locker: Locker = { owner: KERNEL_OWNER, alive: (pid) => this.alive?.(pid) ?? true };

  constructor(readonly budget: MemoryBudget | null = null) {}

  /** Slots holding a pipe's ring (Kernel.census). */
  get inUse(): number {
    return ARENA_RINGS - this.free.length;
  }

  take(): number | null {
    return this.free.pop() ?? null;
  }
  give(slot: number): void {
    this.free.push(slot);
  }

  /** A new pipe, or null when it would need a ring of its own and the budget has no room (pipe(2): ENFILE). */
  open(): Pipe | null {
    if (this.free.length === 0 && this.budget && !this.budget.charge(Use.PIPES, RING_SIZE)) return null;
    return new Pipe(this);
  }

  /** Wake the runtimes waiting on a slot's ring (a signal for one of them). */
  poke(slot: number): void {
    if (slot >= 0 && slot < ARENA_RINGS) new Ring(this.sab, slot * RING_SIZE).poke();
  }

  /** A runtime rang Bell.PIPES: re-run whatever waits on a shared ring. */
  wakeAll(): void {
    for (const p of this.live) if (p.queue.size > 0) p.queue.wake();
  }
}

/** A wait queue that tells runtimes (KWAIT) that the kernel is waiting on the ring. */
class RingQueue extends WaitQueue {
  constructor(private readonly ring: Ring) {
    super();
  }
  override add(w: Waiter): void {
    Atomics.store(this.ring.h, R.KWAIT, 1);
    super.add(w);
  }
}

export class Pipe {
  readonly ring: Ring;
  /** The arena slot (-1: a private ring the runtime never sees). */
  readonly slot: number;
  readonly queue: WaitQueue;
  readonly ino = nextPipeIno++;

  constructor(private readonly arena: PipeArena | null) {
    const slot = arena?.take() ?? null;
    this.slot = slot ?? -1;
    this.ring = slot !== null && arena ? new Ring(arena.sab, slot * RING_SIZE, arena.locker) : new Ring(new SharedArrayBuffer(RING_SIZE), 0);
    const h = this.ring.h;
    Atomics.store(h, R.HEAD, 0);
    Atomics.store(h, R.TAIL, 0);
    Atomics.store(h, R.KWAIT, 0);
    Atomics.store(h, R.RNONBLOCK, 0);
    Atomics.store(h, R.WNONBLOCK, 0);
    // A slot is reused only when no process holds an end, so nobody sleeps on it or
    // holds its locks (unless a worker was terminated in the middle of a copy).
    Atomics.store(h, R.SLEEPERS, 0);
    Atomics.store(h, R.WLOCK, 0);
    Atomics.store(h, R.RLOCK, 0);
    Atomics.add(h, R.GEN, 1);
    this.queue = new RingQueue(this.ring);
    if (slot !== null) arena?.live.add(this);
    open++;
  }

  get readers(): number {
    return Atomics.load(this.ring.h, R.READERS);
  }
  set readers(n: number) {
    Atomics.store(this.ring.h, R.READERS, n);
  }
  get writers(): number {
    return Atomics.load(this.ring.h, R.WRITERS);
  }
  set writers(n: number) {
    Atomics.store(this.ring.h, R.WRITERS, n);
  }
  get used(): number {
    return this.ring.used;
  }
  get free(): number {
    return this.ring.free;
  }

  /** Readiness checks announce the kernel's interest first (see ring.ts on ordering). */
  watch(): void {
    Atomics.store(this.ring.h, R.KWAIT, 1);
  }

  take(max: number): Uint8Array {
    const out = new Uint8Array(Math.min(max, this.used));
    // The kernel's locks never give up (ring.ts), so n >= 0.
    const n = Math.max(0, this.ring.read(out.length, (piece, at) => out.set(piece, at)));
    this.queue.wake();
    return n === out.length ? out : out.subarray(0, n);
  }

  /** A copy of up to `max` bytes, left in the ring (MSG_PEEK). */
  peek(max: number): Uint8Array {
    const out = new Uint8Array(Math.min(max, this.used));
    const n = Math.max(0, this.ring.peek(out.length, (piece, at) => out.set(piece, at)));
    return n === out.length ? out : out.subarray(0, n);
  }

  /** Throw away what the ring holds (a connection reset: nobody will read it). */
  discard(): void {
    if (this.used > 0) this.take(this.used);
  }

  put(data: Uint8Array): number {
    const n = Math.max(0, this.ring.write(data));
    if (n > 0) this.queue.wake();
    return n;
  }

  /** An end closed: the pipe is gone once both are. */
  endClosed(): void {
    this.ring.changed(); // runtimes waiting on the ring re-check: EOF or EPIPE now
    if (this.readers === 0 && this.writers === 0) {
      open--;
      if (this.slot >= 0 && this.arena) {
        this.arena.live.delete(this);
        this.arena.give(this.slot);
      } else {
        this.arena?.budget?.release(Use.PIPES, RING_SIZE);
      }
    }
    this.queue.wake();
  }
}

abstract class PipeEnd extends OpenFile {
  readonly filetype = Filetype.UNKNOWN;
  constructor(readonly pipe: Pipe, readable: boolean, writable: boolean) {
    super(readable, writable);
  }
  override get queue(): WaitQueue {
    return this.pipe.queue;
  }
  override stat(): Stat {
    return { dev: 0n, ino: this.pipe.ino, filetype: Filetype.UNKNOWN, nlink: 1n, size: BigInt(this.pipe.used), atim: 0n, mtim: 0n, ctim: 0n };
  }
  override setTimes(): Errno {
    return Errno.SUCCESS;
  }
}

export class PipeReader extends PipeEnd {
  constructor(pipe: Pipe) {
    super(pipe, true, false);
    pipe.readers++;
  }
  protected override flagsChanged(v: number): void {
    Atomics.store(this.pipe.ring.h, R.RNONBLOCK, v & Fdflags.NONBLOCK ? 1 : 0);
  }
  /** Ready when there is data, or at EOF (no writer left). */
  override readReady(): boolean {
    this.pipe.watch();
    return this.pipe.used > 0 || this.pipe.writers === 0;
  }
  override readableBytes(): bigint {
    return BigInt(this.pipe.used);
  }
  override hungUp(): boolean {
    return this.pipe.writers === 0;
  }
  override read(max: number): Uint8Array | Err {
    return this.pipe.take(max);
  }
  override release(): void {
    this.pipe.readers--;
    this.pipe.endClosed();
  }
}

export class PipeWriter extends PipeEnd {
  constructor(pipe: Pipe) {
    super(pipe, false, true);
    pipe.writers++;
  }
  protected override flagsChanged(v: number): void {
    Atomics.store(this.pipe.ring.h, R.WNONBLOCK, v & Fdflags.NONBLOCK ? 1 : 0);
  }
  /** Ready when some bytes fit, or when no reader is left (the write fails with EPIPE). */
  override writeReady(): boolean {
    this.pipe.watch();
    return this.pipe.free > 0 || this.pipe.readers === 0;
  }
  /** Whether a write of `n` bytes can proceed now (PIPE_BUF atomicity). */
  override canWrite(n: number): boolean {
    this.pipe.watch();
    if (this.pipe.readers === 0) return true;
    return n <= PIPE_BUF ? this.pipe.free >= n : this.pipe.free > 0;
  }
  override hungUp(): boolean {
    return this.pipe.readers === 0;
  }
  override write(data: Uint8Array): number | Err {
    if (this.pipe.readers === 0) return err(Errno.PIPE);
    return this.pipe.put(data);
  }
  override release(): void {
    this.pipe.writers--;
    this.pipe.endClosed();
  }
}
