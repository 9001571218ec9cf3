// File descriptor tables: fd number → (open file description, rights). The
// description is shared by dup'ed fds and released when the last one closes.
// New fds take the lowest free number, as POSIX requires of open(2).
import { Errno, err, type Err } from '../abi/errno.js';
import type { OpenFile } from '../fs/file.js';

export interface FdEntry {
  file: OpenFile;
  /** WASI rights on this fd and the rights fds opened through it may have. */
  rightsBase: number;
  rightsInheriting: number;
  /** For preopened directories: the name fd_prestat_dir_name reports. */
  preopen?: string;
  /**
   * For a directory that stands for an absolute path (a plain WASI program's
   * cwd preopen, proc/wasicwd.ts): paths beneath it resolve from the root as
   * `at/path`, so `..` leaves it as it does on Unix.
   */
  at?: string;
  /** FD_CLOEXEC: closed by exec (and not inherited by spawn). */
  cloexec?: boolean;
}

/** RLIMIT_NOFILE: the number of fds a process may hold. */
export const FD_LIMIT = 1024;

export class FdTable {
  private readonly fds = new Map<number, FdEntry>();
  /**
   * Told of every fd closed, with whether it was its description's last
   * (file locks go then: fs/locks.ts); the owning process sets it (proc/process.ts).
   */
  onClose: ((file: OpenFile, last: boolean) => void) | null = null;

  /** `nofile`: the owner's RLIMIT_NOFILE soft limit (proc/limits.ts), read at each use. */
  constructor(private readonly nofile: () => number = () => FD_LIMIT) {}

  /** New fds are below this: RLIMIT_NOFILE, never past the table's size. */
  get limit(): number {
    return Math.min(this.nofile(), FD_LIMIT);
  }

  get(fd: number): FdEntry | undefined {
    return this.fds.get(fd);
  }

  /**
   * Install `entry` at the lowest free fd ≥ `min`: EMFILE when none is free
   * below the limit, EINVAL for a `min` outside [0, limit) (fcntl(2) F_DUPFD's rule).
   */
  alloc(entry: FdEntry, min = 0): number | Err {
    if (!Number.isInteger(min) || min < 0 || min >= this.limit) return err(Errno.INVAL);
    for (let fd = min; fd < this.limit; fd++) {
      if (!this.fds.has(fd)) {
        this.set(fd, entry);
        return fd;
      }
    }
    return err(Errno.MFILE);
  }

  /** Install `entry` at `fd`, closing what was there. */
  set(fd: number, entry: FdEntry): void {
    entry.file.refs++;
    this.close(fd);
    this.fds.set(fd, entry);
  }

  close(fd: number): Errno {
    const entry = this.fds.get(fd);
    if (!entry) return Errno.BADF;
    this.fds.delete(fd);
    const last = --entry.file.refs === 0;
    this.onClose?.(entry.file, last);
    if (last) entry.file.release();
    return Errno.SUCCESS;
  }

  /** Move `from` to `to` (fd_renumber): `to` is closed first; `from` is gone after. */
  renumber(from: number, to: number): Errno {
    const entry = this.fds.get(from);
    if (!entry || !this.fds.has(to)) return Errno.BADF;
    if (from === to) return Errno.SUCCESS;
    this.fds.delete(from);
    entry.file.refs--;
    this.set(to, entry);
    return Errno.SUCCESS;
  }

  /** A copy for a child (its limit read from `nofile`): every description shared (fork), or all but close-on-exec ones (spawn, exec). */
  clone(dropCloexec: boolean, nofile: () => number = this.nofile): FdTable {
    const t = new FdTable(nofile);
    for (const [fd, e] of this.fds) {
      if (dropCloexec && e.cloexec) continue;
      t.set(fd, { ...e });
    }
    return t;
  }

  /** exec: close the close-on-exec fds in place. */
  closeOnExec(): void {
    for (const [fd, e] of [...this.fds]) if (e.cloexec) this.close(fd);
  }

  entries(): IterableIterator<[number, FdEntry]> {
    return this.fds.entries();
  }

  closeAll(): void {
    for (const fd of [...this.fds.keys()]) this.close(fd);
  }

  get size(): number {
    return this.fds.size;
  }
}
