// Lookups every handler needs, each returning the errno POSIX and wasmtime give
// when it fails: a check written twice lives here.
import { Errno, err, isErr, type Err } from '../abi/errno.js';
import { FILE_RIGHTS, Filetype, FILESTAT, Rights, RIGHTS_ALL } from '../abi/wasi.js';
import type { OpenFile } from '../fs/file.js';
import { DirInode, type Stat } from '../fs/inode.js';
import { resolve, resolveAbsolute, type Resolved } from '../fs/path.js';
import type { FdEntry } from '../proc/fdtable.js';
import type { Process } from '../proc/process.js';
import { Terminal } from '../tty/terminal.js';
import { L } from '../tty/termios.js';

/** The terminal behind an open file, with its PTY (termios, TOSTOP, the window size), or null. */
export function terminalOf(file: OpenFile): Terminal | null {
  const tty = file.terminal;
  return tty instanceof Terminal ? tty : null;
}

/** The terminal behind `file` when it is `p`'s controlling terminal and another group is in its foreground; else null. */
export function backgroundOf(p: Process, file: OpenFile): Terminal | null {
  const tty = terminalOf(file);
  return !tty || p.ctty !== tty || !tty.fgPgrp || p.pgid === tty.fgPgrp ? null : tty;
}

/** Whether a write by `p` to `file` stops it with SIGTTOU: in the background of its terminal, under TOSTOP. */
export function writeStops(p: Process, file: OpenFile): boolean {
  const tty = backgroundOf(p, file);
  return tty?.pty != null && (tty.pty.ldisc.termios.lflag & L.TOSTOP) !== 0;
}

/** The fd's entry, or BADF. */
export function getFd(p: Process, fd: number): FdEntry | Err {
  return p.fds.get(fd) ?? err(Errno.BADF);
}

/** The fd's open file if the fd holds `right`: BADF otherwise (wasmtime's answer). */
export function getFile(p: Process, fd: number, right: number): OpenFile | Err {
  const e = p.fds.get(fd);
  if (!e) return err(Errno.BADF);
  if ((e.rightsBase & right) !== right) return err(Errno.BADF);
  return e.file;
}

/** The directory behind a directory fd: BADF for a bad fd, NOTDIR for a file. */
export function getDir(p: Process, fd: number): DirInode | Err {
  const e = p.fds.get(fd);
  if (!e) return err(Errno.BADF);
  const node = e.file.inode;
  if (!(node instanceof DirInode)) return err(Errno.NOTDIR);
  return node;
}

/** Resolve a path beneath a directory fd. */
/** The absolute path of directory fd `fd`: its preopen name, its cwd's path or the path it was opened by. */
export function pathOfFd(p: Process, fd: number): string | undefined {
  const e = p.fds.get(fd);
  if (!e) return undefined;
  // A preopen named by a relative guest path is not in the tree: it has no path.
  return e.at ?? (e.preopen?.startsWith('/') ? e.preopen : e.file.path);
}

/**
 * The directory `path` is taken from beneath directory fd `fd`, as an
 * absolute path (OpenFile.path is it and `path`, `.` and `..` taken
 * lexically): the root for an absolute one (Unix paths), else the fd's;
 * undefined when the directory's is unknown.
 */
export function baseFor(p: Process, fd: number, path: string): string | undefined {
  return path.startsWith('/') && p.unixPaths ? '/' : pathOfFd(p, fd);
}


export function lookup(p: Process, fd: number, path: string, follow: boolean): Resolved | Err {
  const dir = getDir(p, fd);
  if (isErr(dir)) return dir;
  const at = p.fds.get(fd)?.at;
  if (at !== undefined && p.unixPaths && !path.startsWith('/')) return resolveAbsolute(p.ns, at, path, follow);
  return resolve(p.ns, dir, path, follow, p.unixPaths);
}

/**
 * Rights of a new fd: what was asked for, cut to what its kind of file can do
 * (files get no PATH_* rights, directories no FD_SEEK). Rights are reported by
 * fd_fdstat_get and may only shrink; FD_READ and FD_WRITE are enforced.
 */
export function rightsFor(file: OpenFile, base = RIGHTS_ALL, inheriting = RIGHTS_ALL): { base: number; inheriting: number } {
  switch (file.filetype) {
    case Filetype.DIRECTORY:
      return { base: base & DIR_RIGHTS, inheriting: inheriting & RIGHTS_ALL };
    case Filetype.REGULAR_FILE: {
      const rw = (file.readable ? Rights.FD_READ : 0) | (file.writable ? WRITE_RIGHTS : 0);
      const mask = (FILE_RIGHTS & ~(Rights.FD_READ | WRITE_RIGHTS)) | rw;
      return { base: base & mask, inheriting: inheriting & FILE_RIGHTS };
    }
    case Filetype.SOCKET_STREAM:
    case Filetype.SOCKET_DGRAM:
      return { base: base & SOCKET_RIGHTS, inheriting: inheriting & SOCKET_RIGHTS };
    default: {
      // Streams and devices: wasmtime reports just the direction, for base and inheriting.
      const rw = (file.readable ? Rights.FD_READ : 0) | (file.writable ? Rights.FD_WRITE : 0)
        | (file.seekable ? Rights.FD_SEEK | Rights.FD_TELL : 0);
      return { base: base & rw, inheriting: inheriting & rw };
    }
  }
}

/** What a socket may be granted (wasmtime's socket rights). */
const SOCKET_RIGHTS = Rights.FD_READ | Rights.FD_WRITE | Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_FILESTAT_GET
  | Rights.POLL_FD_READWRITE | Rights.SOCK_SHUTDOWN | Rights.SOCK_ACCEPT;
const WRITE_RIGHTS = Rights.FD_WRITE | Rights.FD_ALLOCATE | Rights.FD_FILESTAT_SET_SIZE;
const DIR_RIGHTS = RIGHTS_ALL & ~(Rights.FD_SEEK | Rights.FD_TELL | Rights.FD_FILESTAT_SET_SIZE
  | Rights.PATH_FILESTAT_SET_SIZE | Rights.FD_READ | Rights.FD_WRITE | Rights.FD_ALLOCATE);

/** Encode a Stat as WASI's filestat at `off` of `view`. */
export function writeFilestat(view: DataView, off: number, st: Stat): void {
  view.setBigUint64(off + FILESTAT.DEV, st.dev, true);
  view.setBigUint64(off + FILESTAT.INO, st.ino, true);
  view.setUint8(off + FILESTAT.FILETYPE, st.filetype);
  for (let i = FILESTAT.FILETYPE + 1; i < FILESTAT.NLINK; i++) view.setUint8(off + i, 0);
  view.setBigUint64(off + FILESTAT.NLINK, st.nlink, true);
  view.setBigUint64(off + FILESTAT.FILESIZE, st.size, true);
  view.setBigUint64(off + FILESTAT.ATIM, st.atim, true);
  view.setBigUint64(off + FILESTAT.MTIM, st.mtim, true);
  view.setBigUint64(off + FILESTAT.CTIM, st.ctim, true);
}

/** Times for set_times from WASI's fstflags: INVAL for a time both given and NOW. */
export function timesFrom(atim: bigint, mtim: bigint, flags: number, now: bigint):
  { atim: bigint | undefined; mtim: bigint | undefined } | Err {
  const A = 1, A_NOW = 2, M = 4, M_NOW = 8;
  if (flags & ~15) return err(Errno.INVAL);
  if ((flags & A) && (flags & A_NOW)) return err(Errno.INVAL);
  if ((flags & M) && (flags & M_NOW)) return err(Errno.INVAL);
  return {
    atim: flags & A_NOW ? now : flags & A ? BigInt.asUintN(64, atim) : undefined,
    mtim: flags & M_NOW ? now : flags & M ? BigInt.asUintN(64, mtim) : undefined,
  };
}
