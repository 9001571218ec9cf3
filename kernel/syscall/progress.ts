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
import { Errno, isErr } from '../abi/errno.js';
import { NO_PROGRESS_FD } from '../abi/tabkernel.js';
import { Rights } from '../abi/wasi.js';
import type { OpenFile } from '../fs/file.js';
import { RegularFileHandle } from '../fs/regular.js';
import { Rlimit } from '../proc/limits.js';
import type { Process } from '../proc/process.js';
import { getFile, terminalOf, writeStops } from './helpers.js';

const enc = new TextEncoder();

export class ProgressFd {
  /** Whether the fd is a terminal: progress is drawn as bars. */
  readonly isatty: boolean;

  private constructor(private readonly p: Process, private readonly file: OpenFile) {
    this.isatty = terminalOf(file) !== null;
  }

  /** `fd` of `p` as a progress fd; null for NO_PROGRESS_FD; BADF unless it is open for writing. */
  static of(p: Process, fd: number): ProgressFd | null | Errno {
    if (fd === NO_PROGRESS_FD) return null;
    const file = getFile(p, fd, Rights.FD_WRITE);
    if (isErr(file)) return file.errno;
    if (!file.writable) return Errno.BADF;
    return new ProgressFd(p, file);
  }

  /** Write `text` whole if the file takes it now; else leave it out (see the header). */
  write(text: string): void {
    if (text === '' || !this.p.alive || writeStops(this.p, this.file)) return;
    const bytes = enc.encode(text);
    if (!this.file.canWrite(bytes.length) || !this.fitsFsize(bytes.length)) return;
    // An error (EPIPE, ENOSPC…) drops this text only; the caller meets it on its own next write.
    this.file.write(bytes);
  }

  private fitsFsize(n: number): boolean {
    if (!(this.file instanceof RegularFileHandle)) return true;
    const limit = this.p.limits.soft(Rlimit.FSIZE);
    return limit === Infinity || this.file.writeOffset + BigInt(n) <= BigInt(limit);
  }
}
