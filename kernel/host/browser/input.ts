// The page's keyboard as the host's standard input. The page posts what xterm.js
// reports as typed (InputRequest, messages.ts); the bytes queue here until the
// kernel asks for them. The kernel's console pump (Boot.attachConsolePty, kernel/boot.ts)
// keeps one read outstanding and types each chunk into the console PTY, whose
// line discipline does the echo, editing and signal keys.
// Until a terminal is attached (a RunRequest with `tty`) stdin is at end of
// file, as it was before the page had a terminal: a program run without one
// must not wait for keys nobody will type.
import type { HostStream } from '../../hostapi.js';

export class PageInput implements HostStream {
  readonly isatty = false;
  private chunks: Uint8Array[] = [];
  /** The kernel's outstanding read, answered by the next push. */
  private waiting: { max: number; done: (data: Uint8Array | null) => void } | null = null;
  private attached = false;

  /** From now on reads wait for typed input instead of reading end of file. */
  attach(): void {
    this.attached = true;
  }

  /** Bytes the page typed. */
  push(data: Uint8Array): void {
    if (data.length === 0) return;
    this.chunks.push(data);
    const w = this.waiting;
    if (w) {
      this.waiting = null;
      w.done(this.take(w.max));
    }
  }

  read(max: number, done: (data: Uint8Array | null) => void): void {
    // Asynchronous like a real stream, so the kernel never re-enters itself.
    if (!this.attached) return queueMicrotask(() => done(new Uint8Array(0)));
    if (this.chunks.length > 0) {
      const data = this.take(max);
      return queueMicrotask(() => done(data));
    }
    this.waiting = { max, done };
  }

  /** Up to `max` queued bytes, in order. */
  private take(max: number): Uint8Array {
    const first = this.chunks[0];
    if (first.length > max) {
      this.chunks[0] = first.subarray(max);
      return first.slice(0, max);
    }
    this.chunks.shift();
    return first;
  }
}
