// Pipes: a byte ring with a read end and a write end, each an open file
// description. Readers see EOF once every writer has closed; a writer with no
// reader left gets EPIPE (the handler raises SIGPIPE). Writes of up to PIPE_BUF
// bytes are atomic: they wait until the whole write fits. Longer writes may be
// split and interleaved, as POSIX allows.
// The ring lives in kernel memory for now; moving the byte traffic into the
// process runtime (DESIGN §2 fast path) is the next step.
// Spec: POSIX write(2) "Write Requests to a Pipe or FIFO"; read(2); pipe(2).
import { Errno, err, type Err } from '../abi/errno.js';
import { Filetype } from '../abi/wasi.js';
import { OpenFile } from '../fs/file.js';
import type { Stat } from '../fs/inode.js';
import { WaitQueue } from '../proc/waitqueue.js';

export const PIPE_BUF = 4096;
const CAPACITY = 65536; // a power of two, as Linux's default pipe size

let nextPipeIno = 1n;
/** Pipes with at least one end open (for leak checks). */
let open = 0;
export function openPipes(): number {
  return open;
}

export class Pipe {
  private readonly ring = new Uint8Array(CAPACITY);
  // head/tail are free-running counters, masked on access; full when head - tail = CAPACITY.
  private head = 0;
  private tail = 0;
  readers = 0;
  writers = 0;
  /** Woken on every change: data, space, an end closing. */
  readonly queue = new WaitQueue();
  readonly ino = nextPipeIno++;

  constructor() {
    open++;
  }

  /** An end closed: the pipe is gone once both are. */
  endClosed(): void {
    if (this.readers === 0 && this.writers === 0) open--;
    this.queue.wake();
  }

  get used(): number {
    return this.head - this.tail;
  }
  get free(): number {
    return CAPACITY - this.used;
  }

  take(max: number): Uint8Array {
    const n = Math.min(max, this.used);
    const out = new Uint8Array(n);
    const start = this.tail % CAPACITY;
    const first = Math.min(n, CAPACITY - start);
    out.set(this.ring.subarray(start, start + first));
    if (first < n) out.set(this.ring.subarray(0, n - first), first);
    this.tail += n;
    this.queue.wake();
    return out;
  }

  put(data: Uint8Array): number {
    const n = Math.min(data.length, this.free);
    const start = this.head % CAPACITY;
    const first = Math.min(n, CAPACITY - start);
    this.ring.set(data.subarray(0, first), start);
    if (first < n) this.ring.set(data.subarray(first, n), 0);
    this.head += n;
    if (n > 0) this.queue.wake();
    return n;
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
  /** Ready when there is data, or at EOF (no writer left). */
  override readReady(): boolean {
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
  /** Ready when some bytes fit, or when no reader is left (the write fails with EPIPE). */
  override writeReady(): boolean {
    return this.pipe.free > 0 || this.pipe.readers === 0;
  }
  /** Whether a write of `n` bytes can proceed now (PIPE_BUF atomicity). */
  override canWrite(n: number): boolean {
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
