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
// a close could let go — so an open and a close cost one round trip, not two.
import { Errno } from '../abi/errno.js';
import { FdKind } from '../abi/syscalls.js';
import type { FileTableViews } from '../ipc/filetable.js';
import type { PathCache } from './dentries.js';
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

  /**
   * `paths`: the lookups remembered from each fd, forgotten with it; `table`:
   * the shared file table (its count of locked files), null where there is none.
   */
  constructor(private readonly sys: SyscallClient, private readonly paths: PathCache, private readonly table: FileTableViews | null = null) {}

  /** A new process runs in this worker: it has fds of its own. */
  reset(): void {
    this.known.clear();
    this.regular.clear();
    this.paths.reset();
  }

  /** The fd's number now means something else (closed, dup'ed onto, renumbered, newly opened). */
  forget(fd: number): void {
    this.known.delete(fd);
    this.regular.delete(fd);
    this.paths.forget(fd);
  }

  /** `fd` was just opened on a regular file (path_open's answer says so). */
  openedRegular(fd: number): void {
    this.regular.add(fd);
  }

  /** close(2): put off while nothing can tell (see the header), else a call. */
  close(fd: number): Errno {
    const putOff = this.regular.has(fd) && this.table !== null && this.table.lockedFiles() === 0;
    this.forget(fd);
    if (putOff && this.sys.putOffClose(fd)) return Errno.SUCCESS;
    return this.sys.call('fd_close', fd);
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
      const kind = this.sys.retNum(0) as FdKind;
      if (kind === FdKind.PIPE) info = { kind, slot: this.sys.retNum(1), writer: this.sys.retNum(2) === 1 };
      else if (kind === FdKind.SOCKET) info = { kind, rx: this.sys.retNum(1), tx: this.sys.retNum(2) };
      else if (kind === FdKind.SINK) info = SINK;
      else if (kind === FdKind.DIRECT) {
        info = DIRECT;
        this.regular.add(fd);
      }
      else if (kind === FdKind.FILE) {
        const rights = this.sys.retBig(3);
        info = {
          kind, desc: this.sys.retNum(1), gen: this.sys.retNum(2),
          rightsBase: Number(rights & 0xffffffffn), rightsInheriting: Number(rights >> 32n),
        };
        this.regular.add(fd);
      }
    }
    this.known.set(fd, info);
    return info;
  }
}
