// What each fd of the process is, as far as the runtime's fast paths care
// (pipes.ts, files.ts): learnt from the kernel once per fd (fd_info) and
// forgotten whenever the fd's number may mean something else — this process
// closed it, dup'ed onto it, renumbered it, or opened a new fd (which may
// reuse the number), or a new process runs in the worker. Only the process
// itself changes its fd table (fork and exec start a new one), so nothing
// else can make an entry stale.
// It also knows which fds are open on regular files (the kernel says so when
// it opens one, and fd_info does): their close is put off until the process's
// next call (abi/page.ts Slot.CLOSES) while no file has an advisory lock that
// a close could let go — so an open and a close cost one round trip, not two;
// and an open of the file just closed may take the close back (reopen.ts).
// And the fdstat of fds the kernel serves that are not regular files
// (directories, terminals, devices; a regular file's description may be in
// the open file table for another process, which changes its flags there):
// every open asks it of its directory fd (wasi-libc), isatty of its
// terminal. Their file type never changes and their rights only by this
// process (which forgets the fd then); their status flags may change through
// another process sharing the description, so the memory holds while the
// file table's flags generation stands still (ipc/filetable.ts).
import { Errno } from '../abi/errno.js';
import { FdKind, Opened } from '../abi/syscalls.js';
import type { FileTableViews } from '../ipc/filetable.js';
import type { PathCache } from './dentries.js';
import { Reopener } from './reopen.js';
import type { FileFastPath } from './files.js';
import type { PipeFastPath } from './pipes.js';
import type { SyscallClient } from './syscall.js';

/** The runtime's fast paths, and what they know of the fds. */
export interface FastPaths {
  fds: FdCache;
  pipes: PipeFastPath;
  files: FileFastPath;
  paths: PathCache;
}

export type FdInfo =
  | { kind: FdKind.KERNEL | FdKind.SINK | FdKind.DIRECT }
  | { kind: FdKind.PIPE; slot: number; writer: boolean }
  | { kind: FdKind.SOCKET; rx: number; tx: number }
  | { kind: FdKind.FILE; desc: number; gen: number; rightsBase: number; rightsInheriting: number };

const KERNEL: FdInfo = { kind: FdKind.KERNEL };
const SINK: FdInfo = { kind: FdKind.SINK };
const DIRECT: FdInfo = { kind: FdKind.DIRECT };

export class FdCache {
  private readonly known = new Map<number, FdInfo>();
  /** Fds open on regular files, whose close may be put off. */
  private readonly regular = new Set<number>();
  /** The fdstat of fds the kernel serves, as the kernel said it, with the flags generation it holds for. */
  private readonly fdstats = new Map<number, { generation: number; bytes: Uint8Array }>();

  /** Opens of the file just closed, taken back (reopen.ts). */
  readonly reopens: Reopener;

  /**
   * `paths`: the lookups remembered from each fd, forgotten with it; `table`:
   * the shared file table (its count of locked files), null where there is none.
   */
  constructor(private readonly sys: SyscallClient, private readonly paths: PathCache, private readonly table: FileTableViews | null = null) {
    this.reopens = new Reopener(sys, table, (fd, info) => this.learn(fd, info));
  }

  /** A new process runs in this worker: it has fds of its own. */
  reset(): void {
    this.known.clear();
    this.regular.clear();
    this.fdstats.clear();
    this.paths.reset();
    this.reopens.reset();
  }

  /** The fd's number now means something else (closed, dup'ed onto, renumbered, newly opened). */
  forget(fd: number): void {
    this.known.delete(fd);
    this.regular.delete(fd);
    this.fdstats.delete(fd);
    this.paths.forget(fd);
  }

  /**
   * `fd` was just opened on a regular file, and path_open's answer says what
   * fd_info would (abi/syscalls.ts Opened, in `out`): kept, so no call asks.
   */
  opened(fd: number, out: DataView, at: number): FdInfo {
    const rights = BigInt(out.getUint32(at + Opened.RIGHTS_BASE, true)) | (BigInt(out.getUint32(at + Opened.RIGHTS_INHERITING, true)) << 32n);
    const info = infoOf(out.getInt32(at + Opened.KIND, true), out.getInt32(at + Opened.A, true), out.getInt32(at + Opened.B, true), rights);
    this.learn(fd, info);
    return info;
  }

  /** `fd` is `info` (opened, or opened again: reopen.ts); a regular file's close may be put off. */
  learn(fd: number, info: FdInfo): void {
    this.known.set(fd, info);
    this.regular.add(fd);
  }

  /** close(2): put off while nothing can tell (see the header), else a call. */
  close(fd: number): Errno {
    const putOff = this.regular.has(fd) && this.table !== null && this.table.lockedFiles() === 0;
    this.forget(fd);
    if (putOff && this.sys.putOffClose(fd)) {
      this.reopens.closed(fd);
      return Errno.SUCCESS;
    }
    return this.sys.call('fd_close', fd);
  }

  /** The flags generation now (-1: no table, nothing is remembered). */
  flagsGeneration(): number {
    return this.table ? this.table.flagsGeneration() : -1;
  }

  /** Copy `fd`'s remembered fdstat to `u8` at `at`; false when there is none still current. */
  fdstat(fd: number, u8: Uint8Array, at: number): boolean {
    const st = this.fdstats.get(fd);
    if (!st || !this.table || st.generation !== this.table.flagsGeneration()) return false;
    u8.set(st.bytes, at);
    return true;
  }

  /** Remember the fdstat the kernel gave for `fd`, as of `generation` (read before the call). */
  rememberFdstat(fd: number, bytes: Uint8Array, generation: number): void {
    if (generation >= 0) this.fdstats.set(fd, { generation, bytes: bytes.slice() });
  }

  /** What `fd` is, if known already (no call). */
  peek(fd: number): FdInfo | undefined {
    return this.known.get(fd);
  }

  /** What `fd` is (a bad fd: served by the kernel, which says EBADF). */
  get(fd: number): FdInfo {
    let info = this.known.get(fd);
    if (info !== undefined) return info;
    info = KERNEL;
    if (this.sys.call('fd_info', fd) === Errno.SUCCESS) {
      info = infoOf(this.sys.retNum(0), this.sys.retNum(1), this.sys.retNum(2), this.sys.retBig(3));
      if (info.kind === FdKind.DIRECT || info.kind === FdKind.FILE) this.regular.add(fd);
    }
    this.known.set(fd, info);
    return info;
  }
}

/** An FdInfo from fd_info's figures (abi/syscalls.ts; the rights: base | inheriting << 32). */
function infoOf(kind: FdKind, a: number, b: number, rights: bigint): FdInfo {
  switch (kind) {
    case FdKind.PIPE: return { kind, slot: a, writer: b === 1 };
    case FdKind.SOCKET: return { kind, rx: a, tx: b };
    case FdKind.SINK: return SINK;
    case FdKind.DIRECT: return DIRECT;
    case FdKind.FILE: return {
      kind, desc: a, gen: b, rightsBase: Number(rights & 0xffffffffn), rightsInheriting: Number(rights >> 32n),
    };
    default: return KERNEL;
  }
}
