// Open file descriptions: what an fd points at. One object per open(), shared by
// every fd dup'ed from it; it owns the offset and the status flags (APPEND,
// NONBLOCK). Each kind (regular file, directory, device, host stream, pipe)
// overrides only what it supports; everything else answers the errno POSIX gives
// for that operation on that kind of file.
import { Errno, err, type Err } from '../abi/errno.js';
import { Filetype, Whence, Fdflags } from '../abi/wasi.js';
import type { WaitQueue } from '../proc/waitqueue.js';
import type { Inode, Stat } from './inode.js';
import { normalizePath } from '../lib/pathname.js';

export interface DirEntry {
  name: string;
  ino: bigint;
  filetype: Filetype;
}

/**
 * A terminal as its open files show it: the job-control state reads and writes
 * are checked against (the session, the foreground group) and the window
 * size. tty/terminal.ts implements it, with the PTY behind it; naming only
 * this keeps fs/ from depending on tty/.
 */
export interface JobControl {
  /** Session that has this as its controlling terminal (0: none yet). */
  sid: number;
  /** Foreground process group (0: none yet). */
  fgPgrp: number;
  readonly rows: number;
  readonly cols: number;
}

export abstract class OpenFile {
  private flags = 0;
  /** Status flags (Fdflags): APPEND and NONBLOCK are honoured. */
  get fdflags(): number {
    return this.flags;
  }
  set fdflags(v: number) {
    this.flags = v;
    this.flagsChanged(v);
  }
  /** For descriptions whose flags are also read elsewhere (pipe rings). */
  protected flagsChanged(_v: number): void {}
  /** How many fds point here; the description is released at zero. */
  refs = 0;
  private pathText?: string;
  /** The directory's path and the name, not yet made into pathText (see `path`). */
  private pathParts?: [string, string];
  /**
   * The absolute path it was opened by, in its opener's namespace (made from
   * the directory fd's path and the name, `..` taken lexically, as the cwd is):
   * what /proc/PID/fd/N reads, and where fchdir goes. Undefined when unknown.
   * Made when first asked for (most opens never are): see `beneath`.
   */
  get path(): string | undefined {
    if (this.pathText === undefined && this.pathParts !== undefined) {
      this.pathText = normalizePath(`${this.pathParts[0]}/${this.pathParts[1]}`);
      this.pathParts = undefined;
    }
    return this.pathText;
  }
  set path(v: string | undefined) {
    this.pathText = v;
    this.pathParts = undefined;
  }
  /** Opened as `name` beneath the directory whose path is `dir`, if no path is known yet. */
  beneath(dir: string, name: string): void {
    if (this.pathText === undefined && this.pathParts === undefined) this.pathParts = [dir, name];
  }

  constructor(readonly readable: boolean, readonly writable: boolean) {}

  /** Devices that accept lseek (/dev/null…): they get FD_SEEK/FD_TELL, so isatty() is false for them. */
  get seekable(): boolean {
    return false;
  }

  abstract readonly filetype: Filetype;
  /** The inode behind this description, if it has one. */
  get inode(): Inode | undefined {
    return undefined;
  }

  /**
   * Read up to `max` bytes at the current offset. Call only when readReady().
   * `into` (at least `max` long): where the bytes may go, saving a copy; the
   * result is then a view of it, or bytes held elsewhere for the caller to copy.
   */
  read(_max: number, _into?: Uint8Array): Uint8Array | Err {
    return err(Errno.BADF);
  }
  /** Write at the current offset (at the end under APPEND). Call only when writeReady(). */
  write(_data: Uint8Array): number | Err {
    return err(Errno.BADF);
  }
  /** As read(), at `pos`, the offset unmoved. */
  pread(_max: number, _pos: bigint, _into?: Uint8Array): Uint8Array | Err {
    return err(Errno.SPIPE);
  }
  pwrite(_data: Uint8Array, _pos: bigint): number | Err {
    return err(Errno.SPIPE);
  }
  /**
   * lseek(2): an unknown `whence` is INVAL whatever the file (WASI decodes it
   * before the file is looked at); then the kind's own answer (seekTo).
   */
  seek(offset: bigint, whence: number): bigint | Err {
    if (whence !== Whence.SET && whence !== Whence.CUR && whence !== Whence.END) return err(Errno.INVAL);
    return this.seekTo(offset, whence);
  }
  /** Move the offset: SPIPE for a stream (pipes, terminals). */
  protected seekTo(_offset: bigint, _whence: Whence): bigint | Err {
    return err(Errno.SPIPE);
  }
  /** Entries from position `cookie` on; `.` and `..` are cookies 0 and 1. */
  readdir(_cookie: bigint): DirEntry[] | Err {
    return err(Errno.NOTDIR);
  }
  stat(): Stat | Err {
    const node = this.inode;
    return node ? node.stat() : err(Errno.BADF);
  }
  setSize(_size: bigint): Errno {
    return Errno.INVAL;
  }
  setTimes(atim: bigint | undefined, mtim: bigint | undefined): Errno {
    const node = this.inode;
    return node ? node.setTimes(atim, mtim) : Errno.BADF;
  }
  /** The permission bits of the file this is open on (a file with no inode: 0600, a pipe's). */
  getMode(): number {
    const node = this.inode;
    return node ? node.getMode() : 0o600;
  }
  /** fchmod(2): the permission bits of the file this is open on. */
  setMode(mode: number): Errno {
    const node = this.inode;
    return node ? node.setMode(mode) : Errno.PERM;
  }
  allocate(_offset: bigint, _len: bigint): Errno {
    return Errno.NOTSUP;
  }
  /** posix_fadvise(2), once its arguments are valid: a hint, which only a regular file takes (SPIPE otherwise). */
  advise(): Errno {
    return Errno.SPIPE;
  }
  sync(): Errno {
    return Errno.SUCCESS;
  }

  /**
   * Readiness for blocking and poll: a read or write that is not ready parks
   * the caller on `queue` until something changes. Files are always ready.
   */
  readReady(): boolean {
    return true;
  }
  writeReady(): boolean {
    return true;
  }
  /**
   * How long a read that is ready but finds no byte may wait for a first one
   * before it answers with none (ms; 0: it answers at once). A raw terminal's
   * VTIME under VMIN 0 (tty/pty.ts).
   */
  readTimeoutMs(): number {
    return 0;
  }
  /** Bytes readable now, for poll's fd_read event (0 when unknown). */
  readableBytes(): bigint {
    return 0n;
  }
  /** True once the other side is gone (poll's HANGUP). */
  hungUp(): boolean {
    return false;
  }
  get queue(): WaitQueue | undefined {
    return undefined;
  }
  /** Where a reader waits, and a writer: the queue by default (a socket has one each way). */
  get readQueue(): WaitQueue | undefined {
    return this.queue;
  }
  get writeQueue(): WaitQueue | undefined {
    return this.queue;
  }
  /** An error poll reports for this file (a socket's pending one: POLLERR); SUCCESS: none. */
  pollError(): Errno {
    return Errno.SUCCESS;
  }
  /** The terminal behind this file, if it is one (isatty, tcsetpgrp, TIOCGWINSZ). */
  get terminal(): JobControl | null {
    return null;
  }
  /** Whether a write of `n` bytes can proceed now (pipes make short writes wait). */
  canWrite(_n: number): boolean {
    return this.writeReady();
  }

  /** The last fd referring here was closed. */
  release(): void {}

  get append(): boolean {
    return (this.fdflags & Fdflags.APPEND) !== 0;
  }
  get nonblock(): boolean {
    return (this.fdflags & Fdflags.NONBLOCK) !== 0;
  }
}

/** New offset for lseek(2): INVAL when the result would be negative. */
export function seekTarget(pos: bigint, size: bigint | (() => bigint), offset: bigint, whence: Whence): bigint | Err {
  let base: bigint;
  switch (whence) {
    case Whence.SET: base = 0n; break;
    case Whence.CUR: base = pos; break;
    // The size only when asked for: a host file's costs an fstat.
    case Whence.END: base = typeof size === 'function' ? size() : size; break;
    default: return err(Errno.INVAL);
  }
  const next = base + offset;
  return next < 0n ? err(Errno.INVAL) : next;
}
