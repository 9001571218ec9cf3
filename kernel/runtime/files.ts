// The regular-file fast path inside the process (issue 14): for an fd whose
// open file description is in the shared open file table (ipc/filetable.ts,
// given by the kernel on fd_info: fdinfo.ts), lseek, the offset, fstat, the
// status flags and the permission bits are answered here, from shared memory,
// as the kernel would answer them — no round trip. The offset moves by
// compare-and-swap, so a description shared by dup or fork (its offset is
// one, as POSIX says) never loses a move. Every answer first checks that the
// entry still belongs to the description the fd was learnt with (its
// generation); if not, the kernel answers.
// Spec: WASI preview1 fd_seek, fd_tell, fd_fdstat_get, fd_fdstat_set_flags,
// fd_filestat_get; POSIX lseek(2) (EINVAL for a negative offset).
import { Errno } from '../abi/errno.js';
import { FdKind } from '../abi/syscalls.js';
import { FDSTAT, Fdflags, Filetype, Whence } from '../abi/wasi.js';
import { D, FileTableViews } from '../ipc/filetable.js';
import type { FdCache } from './fdinfo.js';

/** Offsets beyond 2^53 are not representable as a JS number: the kernel refuses them, and so does this. */
const MAX_OFFSET = BigInt(Number.MAX_SAFE_INTEGER);

/** The flags fcntl(F_SETFL) may change (as the kernel's fd_fdstat_set_flags). */
const SETTABLE = Fdflags.APPEND | Fdflags.NONBLOCK;

interface Shared {
  desc: number;
  rightsBase: number;
  rightsInheriting: number;
}

export class FileFastPath {
  private readonly t: FileTableViews | null;

  constructor(private readonly fds: FdCache, table: SharedArrayBuffer | undefined) {
    this.t = table ? new FileTableViews(table) : null;
  }

  /**
   * The fd's description entry, if it has one and it is still the fd's.
   * `learn`: ask the kernel about an fd not seen yet (fdstat does not: it is
   * what isatty asks of every stdio fd, which are seldom files).
   */
  private shared(fd: number, learn = true): Shared | null {
    const t = this.t;
    if (!t) return null;
    const info = learn ? this.fds.get(fd) : this.fds.peek(fd);
    if (!info) return null;
    if (info.kind !== FdKind.FILE) return null;
    if (t.get32(info.desc, D.GEN) !== info.gen) {
      this.fds.forget(fd);
      return null;
    }
    return info;
  }

  /** lseek: the new offset, an errno, or null when the kernel must answer. */
  seek(fd: number, offset: bigint, whence: number): bigint | Errno | null {
    const s = this.shared(fd);
    if (!s) return null;
    const t = this.t!;
    const inode = t.get32(s.desc, D.INODE);
    for (;;) {
      const cur = t.offset(s.desc);
      let base: bigint;
      switch (whence) {
        case Whence.SET: base = 0n; break;
        case Whence.CUR: base = cur; break;
        case Whence.END: base = t.readField(inode, 'size'); break;
        default: return Errno.INVAL;
      }
      const next = base + offset;
      if (next < 0n || next > MAX_OFFSET) return Errno.INVAL;
      if (next === cur || t.swapOffset(s.desc, cur, next)) return next;
    }
  }

  /** fd_tell: the offset, or null. */
  tell(fd: number): bigint | null {
    const s = this.shared(fd);
    return s ? this.t!.offset(s.desc) : null;
  }

  /** fd_fdstat_get into `view` at `at`; false when the kernel must answer. */
  fdstat(fd: number, view: DataView, at: number): boolean {
    const s = this.shared(fd, false);
    if (!s) return false;
    view.setUint8(at + FDSTAT.FILETYPE, Filetype.REGULAR_FILE);
    view.setUint8(at + FDSTAT.FILETYPE + 1, 0);
    view.setUint16(at + FDSTAT.FLAGS, this.t!.get32(s.desc, D.FLAGS), true);
    view.setUint32(at + FDSTAT.FLAGS + 2, 0, true);
    view.setBigUint64(at + FDSTAT.RIGHTS_BASE, BigInt(s.rightsBase >>> 0), true);
    view.setBigUint64(at + FDSTAT.RIGHTS_INHERITING, BigInt(s.rightsInheriting >>> 0), true);
    return true;
  }

  /** fcntl(F_SETFL): an errno, or null. */
  setFlags(fd: number, flags: number): Errno | null {
    const s = this.shared(fd);
    if (!s) return null;
    if (flags & ~SETTABLE) return Errno.INVAL;
    this.t!.swapFlags(s.desc, SETTABLE, flags);
    return Errno.SUCCESS;
  }

  /** fd_filestat_get into `u8` at `at`; false when the kernel must answer. */
  filestat(fd: number, u8: Uint8Array, at: number): boolean {
    const s = this.shared(fd);
    if (!s) return false;
    const t = this.t!;
    t.copyStat(t.get32(s.desc, D.INODE), u8, at);
    return true;
  }

  /** The permission bits (tabkernel's fgetmode), or null. */
  mode(fd: number): number | null {
    const s = this.shared(fd);
    if (!s) return null;
    const t = this.t!;
    return t.readMode(t.get32(s.desc, D.INODE));
  }
}
