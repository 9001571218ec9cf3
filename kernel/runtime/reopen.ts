// An open of the file just closed, taken back instead of made again: a
// process that opens a path, uses the file without a call, closes it and opens
// the same path the same way again — a loop over one file, a library that
// reopens its configuration — gets its last description back with no round
// trip. The close was put off (fdinfo.ts, abi/page.ts Slot.CLOSES), so the
// kernel still holds the fd and its description; taking the close back and
// putting the description as the open left it (offset 0, its status flags)
// is exactly what the kernel would make of the close and the open when:
//   - no call has been made since the first open was answered, so nothing
//     else can share the description (dup, fork and spawn are calls) and the
//     fd table is as that open left it — every fd below this one open, but
//     for closes put off since (the fd must be the lowest of those: fdinfo's
//     list says);
//   - the tree's generation (ipc/filetable.ts) is what it was before the
//     first open, so the path still names the same file, with what stat
//     said of it (any change to a name or a stat bumps it, and so does every
//     write the process made itself);
//   - the request is the same: directory fd, lookup flags, path, open flags,
//     rights and fd flags.
// Anything else is an open the kernel serves.
// Spec: POSIX open(2), close(2) (the lowest free fd; a new description with
// its offset at 0).
import { D } from '../ipc/filetable.js';
import type { FileTableViews } from '../ipc/filetable.js';
import type { FdInfo } from './fdinfo.js';
import type { SyscallClient } from './syscall.js';

type FileInfo = Extract<FdInfo, { desc: number }>;

interface Opening {
  fd: number;
  dirfd: number;
  lookup: number;
  path: Uint8Array;
  oflags: number;
  base: bigint;
  inheriting: bigint;
  fdflags: number;
  info: FileInfo;
  /** The description's status flags as the open left them. */
  flags: number;
  /** The tree's generation read before the open. */
  tree: number;
  /** SyscallClient.sent after the open's answer: no call since while it is the same. */
  sent: number;
  /** Its close was put off and not yet told. */
  closed: boolean;
}

export class Reopener {
  private last: Opening | null = null;

  /** `learn`: tells the fds' cache what an fd taken back is (fdinfo.ts). */
  constructor(private readonly sys: SyscallClient, private readonly table: FileTableViews | null, private readonly learn: (fd: number, info: FdInfo) => void) {}

  /** A new process runs in this worker. */
  reset(): void {
    this.last = null;
  }

  /** path_open made `fd`, a file in the shared table; `tree`: the generation read before the call. */
  opened(fd: number, dirfd: number, lookup: number, path: Uint8Array, oflags: number, base: bigint, inheriting: bigint, fdflags: number, info: FileInfo, tree: number): void {
    const t = this.table;
    if (!t || tree < 0) return void (this.last = null);
    this.last = {
      fd, dirfd, lookup, path: path.slice(), oflags, base, inheriting, fdflags, info,
      flags: t.get32(info.desc, D.FLAGS), tree, sent: this.sys.sent, closed: false,
    };
  }

  /** The close of `fd` was put off. */
  closed(fd: number): void {
    const o = this.last;
    if (o && o.fd === fd) {
      if (o.sent === this.sys.sent) o.closed = true;
      else this.last = null;
    }
  }

  /**
   * The same open again, if it can be taken back (see the header): the fd,
   * known again to the fds' cache; -1 when the kernel must open.
   */
  reopen(dirfd: number, lookup: number, path: Uint8Array, oflags: number, base: bigint, inheriting: bigint, fdflags: number): number {
    const o = this.last, t = this.table;
    if (!o || !o.closed || !t || o.sent !== this.sys.sent) return -1;
    if (o.dirfd !== dirfd || o.lookup !== lookup || o.oflags !== oflags || o.base !== base || o.inheriting !== inheriting || o.fdflags !== fdflags) return -1;
    if (!sameBytes(o.path, path) || t.generation() !== o.tree) return -1;
    const d = o.info.desc;
    if (t.get32(d, D.GEN) !== o.info.gen || !this.sys.takeBackClose(o.fd)) return -1;
    t.setOffset(d, 0n);
    t.swapFlags(d, -1, o.flags);
    o.closed = false;
    this.learn(o.fd, o.info);
    return o.fd;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
