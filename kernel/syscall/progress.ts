// The progress fd of tk_image: an fd of the caller's own choosing (the shell's
// /bin/image passes its stderr) on which the kernel writes a pull's progress
// while the call is in flight — a bar per layer when the fd is a terminal, a
// line per layer otherwise (image/progress.ts renders both, as the CLI does).
// The kernel writes only what the caller asked for, where it asked, and as a
// write(2) of the caller's would go, with two differences that keep a pull
// from ever waiting on its audience: each write is as under O_NONBLOCK (text
// the file cannot take at once is dropped, not queued), and none raises a
// signal — no SIGPIPE on a reader gone, no SIGTTOU for a background caller
// under TOSTOP (its progress is left out), no SIGXFSZ past RLIMIT_FSIZE (left
// out too). The caller learns of such a file at its own next write.
// Only while the call lasts: a call a signal ends (EINTR) or a caller killed
// leaves the pull going on into the store, but nothing more is written.
import { Errno, isErr } from '../abi/errno.js';
import { NO_PROGRESS_FD } from '../abi/tabkernel.js';
import { Rights } from '../abi/wasi.js';
import type { OpenFile } from '../fs/file.js';
import { RegularFileHandle } from '../fs/regular.js';
import { Rlimit } from '../proc/limits.js';
import { getFile, terminalOf, writeStops } from './helpers.js';
import type { Task } from './task.js';

const enc = new TextEncoder();
/** How long a writer waiting for the progress fd waits at most before it looks again (a file may wake no queue). */
const WRITABLE_POLL_MS = 20;

export class ProgressFd {
  /** Whether the fd is a terminal: progress is drawn as bars. */
  readonly isatty: boolean;

  private constructor(private readonly t: Task, private readonly file: OpenFile) {
    this.isatty = terminalOf(file) !== null;
  }

  /** `fd` of the task's process as its progress fd; null for NO_PROGRESS_FD; BADF unless it is open for writing. */
  static of(t: Task, fd: number): ProgressFd | null | Errno {
    if (fd === NO_PROGRESS_FD) return null;
    const file = getFile(t.proc, fd, Rights.FD_WRITE);
    if (isErr(file)) return file.errno;
    if (!file.writable) return Errno.BADF;
    return new ProgressFd(t, file);
  }

  /** Write `text` whole if the file takes it now; else leave it out (see the header). */
  write(text: string): void {
    const p = this.t.proc;
    // The call was answered (a signal ended it) or the process is gone: not its progress any more.
    if (text === '' || !p.alive || p.task !== this.t || writeStops(p, this.file)) return;
    const bytes = enc.encode(text);
    if (!this.file.canWrite(bytes.length) || !this.fitsFsize(bytes.length)) return;
    // An error (EPIPE, ENOSPC…) drops this text only; the caller meets it on its own next write.
    this.file.write(bytes);
  }

  /**
   * Whether the file takes a write now (a build's RUN output waits while it
   * does not, image/buildlog.ts); true once the call is over (its writes are dropped).
   */
  writable(): boolean {
    const p = this.t.proc;
    if (!p.alive || p.task !== this.t) return true;
    return this.file.writeReady();
  }

  /** Call `cb` once the file may take writes again: when its wait queue is woken, or after WRITABLE_POLL_MS. */
  onWritable(cb: () => void): void {
    let called = false;
    const once = (): void => {
      if (called) return;
      called = true;
      cb();
    };
    this.file.queue?.add(once);
    setTimeout(once, WRITABLE_POLL_MS);
  }

  private fitsFsize(n: number): boolean {
    if (!(this.file instanceof RegularFileHandle)) return true;
    const limit = this.t.proc.limits.soft(Rlimit.FSIZE);
    return limit === Infinity || this.file.writeOffset + BigInt(n) <= BigInt(limit);
  }
}
