// The host's standard output and error in Node, written without ever blocking
// the kernel thread. A write is copied into a queue and returns at once; one
// fs.write at a time per destination runs on libuv's thread pool, so a full
// pipe (a slow reader) holds only its own queue, and the kernel loop and every
// process writing elsewhere go on. Writes to a destination that never makes a
// writer wait (a regular file, /dev/null) go straight out while nothing is queued. A queue holding HIGH bytes or more reports
// itself not writable: the kernel parks the writers (fs/devices.ts,
// HostStreamFile) until it has drained to LOW. fds 1 and 2 open on the same
// file (`2>&1`, one terminal) share a queue, so their bytes arrive in the
// order the processes wrote them. Before the first process's exit notice the
// kernel waits for `flushed()` (boot.ts), so output is complete when the CLI exits.
import fs from 'node:fs';
import tty from 'node:tty';
import type { HostStream } from '../../hostapi.js';
import { sleepSync } from '../../lib/time.js';

/** Queued bytes at which a stream stops taking writes... */
const HIGH = 1024 * 1024;
/** ...and at or below which it takes them again. */
const LOW = 256 * 1024;
/** Most bytes joined into one fs.write. */
const MAX_WRITE = 1024 * 1024;
/** Retry delay when the fd is non-blocking and full (EAGAIN): it has no readiness event to wait for. */
const RETRY_MS = 5;

interface Chunk {
  fd: number;
  data: Uint8Array;
}

/** The queue of one destination, and the write in flight. */
class OutputQueue {
  private readonly chunks: Chunk[] = [];
  /** The write in flight: `data` from `off` is still to go. */
  private current: (Chunk & { off: number }) | null = null;
  /** Bytes queued or in flight. */
  private queued = 0;
  private broken = false;
  private writableWaiters: Array<() => void> = [];
  private flushWaiters: Array<() => void> = [];

  /**
   * `direct`: the destination never makes a writer wait long (a regular file,
   * /dev/null). `waits`: every write is finished before push returns, waiting
   * for a full pipe or terminal (for a process in the kernel's thread,
   * inline.ts, whose output has nothing to be queued behind).
   */
  constructor(private readonly direct: boolean, private readonly waits = false) {}

  /** Queue a copy of `data` for `fd`; false once the destination is broken (EPIPE and the like). */
  push(fd: number, data: Uint8Array): boolean {
    if (this.broken) return false;
    if (data.length === 0) return true;
    if (this.waits) return this.writeAll(fd, data);
    if (this.direct && this.queued === 0) {
      const n = this.writeNow(fd, data);
      if (n < 0) return false;
      if (n === data.length) return true;
      data = data.subarray(n);
    }
    // Copy: `data` is a view of a syscall page the kernel reuses at once.
    this.chunks.push({ fd, data: data.slice() });
    this.queued += data.length;
    this.pump();
    return true;
  }

  writable(): boolean {
    return this.broken || this.queued < HIGH;
  }

  onWritable(cb: () => void): void {
    if (this.writable()) queueMicrotask(cb);
    else this.writableWaiters.push(cb);
  }

  flushed(): Promise<void> {
    if (this.queued === 0 || this.broken) return Promise.resolve();
    return new Promise((resolve) => this.flushWaiters.push(resolve));
  }

  /**
   * Write at once, as far as the fd takes it without waiting; the count, or
   * -1 when the destination is broken. Only for a `direct` destination.
   */
  private writeNow(fd: number, data: Uint8Array): number {
    let off = 0;
    try {
      while (off < data.length) off += fs.writeSync(fd, data, off, data.length - off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK') {
        this.fail();
        return -1;
      }
    }
    return off;
  }

  /** Write all of `data` now, sleeping while a non-blocking fd is full; false when the destination is broken. */
  private writeAll(fd: number, data: Uint8Array): boolean {
    let off = 0;
    while (off < data.length) {
      try {
        off += fs.writeSync(fd, data, off, data.length - off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK' && code !== 'EINTR') {
          this.fail();
          return false;
        }
        sleepSync(1);
      }
    }
    return true;
  }

  /** Start the next write: the queued chunks of the first chunk's fd, joined. */
  private pump(): void {
    if (this.current || this.chunks.length === 0) return;
    const fd = this.chunks[0].fd;
    let k = 0;
    let n = 0;
    while (k < this.chunks.length && this.chunks[k].fd === fd && n < MAX_WRITE) n += this.chunks[k++].data.length;
    const parts = this.chunks.splice(0, k);
    let data = parts[0].data;
    if (parts.length > 1) {
      data = new Uint8Array(n);
      let at = 0;
      for (const p of parts) {
        data.set(p.data, at);
        at += p.data.length;
      }
    }
    this.current = { fd, data, off: 0 };
    this.writeSome();
  }

  private writeSome(): void {
    const c = this.current!;
    fs.write(c.fd, c.data, c.off, c.data.length - c.off, null, (e, n) => {
      if (e) {
        // A non-blocking fd inherited from the parent and full: try again shortly.
        if (e.code === 'EAGAIN' || e.code === 'EWOULDBLOCK') setTimeout(() => this.writeSome(), RETRY_MS);
        else this.fail();
        return;
      }
      c.off += n;
      this.queued -= n;
      if (c.off < c.data.length) return this.writeSome();
      this.current = null;
      this.settle();
      this.pump();
    });
  }

  /** Tell the waiters what the last write changed. */
  private settle(): void {
    if (this.queued <= LOW && this.writableWaiters.length > 0) {
      const ws = this.writableWaiters;
      this.writableWaiters = [];
      for (const w of ws) w();
    }
    if (this.queued === 0 && this.flushWaiters.length > 0) {
      const ws = this.flushWaiters;
      this.flushWaiters = [];
      for (const w of ws) w();
    }
  }

  /** The destination is gone: drop what is queued; writers get EPIPE from now on. */
  private fail(): void {
    this.broken = true;
    this.chunks.length = 0;
    this.current = null;
    this.queued = 0;
    this.settle();
  }
}

/** What an fd writes to: its identity (to tell whether two fds write to the same place), and whether writes to it may wait long. */
function destination(fd: number): { id: string; direct: boolean } | null {
  try {
    const st = fs.fstatSync(fd);
    // Pipes, sockets and terminals wait for a reader; files and devices like /dev/null do not.
    const direct = st.isFile() || (st.isCharacterDevice() && !tty.isatty(fd));
    return { id: `${st.dev}:${st.ino}:${st.rdev}`, direct };
  } catch {
    return null;
  }
}

function stream(fd: number, q: OutputQueue): HostStream {
  return {
    isatty: tty.isatty(fd),
    write: (data) => q.push(fd, data),
    writable: () => q.writable(),
    onWritable: (cb) => q.onWritable(cb),
    flushed: () => q.flushed(),
  };
}

/**
 * This OS process's stdout and stderr (fds 1 and 2) as queued host streams;
 * `waits`: written through before each write returns (OutputQueue).
 */
export function outputStreams(waits = false): [HostStream, HostStream] {
  const d1 = destination(1);
  const d2 = destination(2);
  const out = new OutputQueue(d1?.direct ?? false, waits);
  const err = d1 && d1.id === d2?.id ? out : new OutputQueue(d2?.direct ?? false, waits);
  return [stream(1, out), stream(2, err)];
}
