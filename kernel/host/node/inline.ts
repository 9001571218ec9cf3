// The CLI's first process in the CLI's own thread, when it is a plain WASI
// program: one that imports nothing but wasi_snapshot_preview1 can make no
// other process, so nothing else ever needs the kernel while it runs, and the
// ~55 ms of a worker's boot (Node's, before the first instruction; the floor
// of a start, docs/BENCHMARKS.md (10f)) are not paid. Its calls are served
// as it makes them (kernel.ts serveInline); the host's event loop does not
// turn until it ends, so what would come from there comes from here instead:
//   - standard input is read when the kernel asks for it (inlineStdin): a
//     blocking read when the call waits with no time limit, else reads that
//     do not wait, on a second open file description of the same pipe or
//     terminal (/proc/self/fd/0, O_NONBLOCK: fd 0's own description is left
//     as it was; a socket's is made non-blocking), between short sleeps
//     until the call's deadline;
//   - output is written before the call returns (output.ts, `waits`);
//   - the kernel's timers are run by serveInline.
// A signal from the host (Ctrl-C) finds no handler in the CLI and ends the
// CLI by Node's default action, as it would end the program: a plain WASI
// program installs no handlers.
import fs from 'node:fs';
import type { StartMessage, WorkerNotice } from '../../abi/messages.js';
import type { HostStream, WorkerHandle } from '../../hostapi.js';
import { sleepSync } from '../../lib/time.js';
import { runProcess } from '../../runtime/start.js';

/** The inline process as the kernel's worker pool sees it (hostapi.ts WorkerHandle.inline). */
export class InlineProcess implements WorkerHandle {
  readonly inline = true;
  /** Serves a call of process `pid` in this thread: set once the kernel is made (runner.ts). */
  serve: ((pid: number) => boolean) | null = null;
  private notice: ((msg: unknown) => void) | null = null;
  private crash: ((e: Error) => void) | null = null;

  postMessage(msg: unknown): void {
    const start = msg as StartMessage;
    // After the call that launched it has returned: the program runs to its end from here.
    queueMicrotask(() => {
      try {
        runProcess(start, (m: WorkerNotice) => this.notice?.(m), this.serve!);
      } catch (e) {
        this.crash?.(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }
  onMessage(cb: (msg: unknown) => void): void {
    this.notice = cb;
  }
  onError(cb: (err: Error) => void): void {
    this.crash = cb;
  }
  /** The kernel ended the process: its next call unwinds it (serveInline says it is gone). */
  terminate(): void {}
}

/** Standard input read in this thread as the kernel asks for it; `wait` is the host's waitInline. */
export interface InlineStdin extends HostStream {
  wait(ms: number | undefined): void;
}

/** The most bytes one read takes: what was asked for, at most this. */
const MAX_READ = 64 * 1024;
/** Sleeps between reads that found nothing, while a call waits with a deadline (ms). */
const FIRST_NAP_MS = 1;
const LONGEST_NAP_MS = 16;


export function inlineStdin(isatty: boolean): InlineStdin {
  let pending: { max: number; done: (data: Uint8Array | null) => void } | null = null;
  let kind: 'file' | 'stream' | undefined;
  /** A description of fd 0's pipe or terminal that does not block (0: fd 0's own, made non-blocking). */
  let nonBlocking: number | undefined;

  const deliver = (data: Uint8Array | null): void => {
    const p = pending!;
    pending = null;
    p.done(data);
  };
  /** Read into a fresh buffer: the bytes, null at end of file or on an error, undefined when it would block. */
  const readFrom = (fd: number, max: number): Uint8Array | null | undefined => {
    const buf = Buffer.allocUnsafe(Math.min(Math.max(max, 1), MAX_READ));
    try {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      return n === 0 ? null : new Uint8Array(buf.buffer, buf.byteOffset, n);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN' || code === 'EWOULDBLOCK') return undefined;
      if (code === 'EINTR') return undefined;
      return null;
    }
  };
  const openNonBlocking = (): number => {
    if (nonBlocking === undefined) {
      try {
        nonBlocking = fs.openSync('/proc/self/fd/0', fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
      } catch {
        // A socket (Node's child processes get socket pairs for stdio) cannot be
        // opened again: fd 0 itself is made non-blocking, by libuv's stream
        // for it, which is never started.
        void process.stdin;
        nonBlocking = 0;
      }
    }
    return nonBlocking;
  };

  return {
    isatty,
    read(max, done) {
      // Delivered by wait(), after the kernel parked the reader (as processStdin never calls back from inside read).
      pending = { max, done };
    },
    wait(ms) {
      if (!pending) {
        // Nothing the host could deliver: the call waits for a timer, or forever (a lone process's deadlock).
        sleepSync(ms);
        return;
      }
      if (kind === undefined) {
        try {
          const st = fs.fstatSync(0);
          kind = st.isFile() || st.isBlockDevice() ? 'file' : 'stream';
        } catch {
          kind = 'stream';
        }
      }
      const max = pending.max;
      if (kind === 'file') return deliver(readFrom(0, max) ?? null);
      if (ms === undefined) {
        // No deadline: a read that waits, unless fd 0 came to us non-blocking.
        const got = readFrom(0, max);
        if (got !== undefined) return deliver(got);
      }
      // Reads that do not wait: fd 0 itself when it came to us non-blocking, else a description of its own.
      const fd = ms === undefined ? 0 : openNonBlocking();
      const deadline = ms === undefined ? Infinity : performance.now() + ms;
      for (let napMs = FIRST_NAP_MS; ; napMs = Math.min(napMs * 2, LONGEST_NAP_MS)) {
        const got = readFrom(fd, max);
        if (got !== undefined) return deliver(got);
        const left = deadline - performance.now();
        if (left <= 0) return;
        sleepSync(Math.min(napMs, left));
      }
    },
  };
}
