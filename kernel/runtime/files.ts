// The regular-file fast path inside the process (issue 14): for an fd whose
// open file description is in the shared open file table (ipc/filetable.ts,
// given by the kernel on fd_info: fdinfo.ts), lseek, the offset, fstat, the
// status flags and the permission bits are answered here, from shared memory,
// as the kernel would answer them — no round trip. The offset moves by
// compare-and-swap, so a description shared by dup or fork (its offset is
// one, as POSIX says) never loses a move. Every answer first checks that the
// entry still belongs to the description the fd was learnt with (its
// generation); if not, the kernel answers.
// Reads and writes of a file whose bytes are in the data arena copy them
// here too: a read under the inode's sequence counter (retried if a writer
// changed anything meanwhile, so it sees a write whole or not at all), a
// write holding the inode's lock, into pages that exist, with the size and
// times updated before the lock goes (O_APPEND takes the size under the lock,
// so appends from several processes never overwrite each other). A write
// that needs a new page, or passes RLIMIT_FSIZE, goes to the kernel.
// Spec: WASI preview1 fd_seek, fd_tell, fd_fdstat_get, fd_fdstat_set_flags,
// fd_filestat_get, fd_read, fd_pread, fd_write, fd_pwrite; POSIX lseek(2),
// read(2), write(2) (2.9.7: a read sees a write to a regular file whole).
import { Errno } from '../abi/errno.js';
import { FdKind } from '../abi/syscalls.js';
import { FDSTAT, Fdflags, Filetype, Rights, Whence } from '../abi/wasi.js';
import { Slot } from '../abi/page.js';
import { Access, D, FileTableViews, IB, PAGE, PT_ENTRIES } from '../ipc/filetable.js';
import { realtimeNs } from '../lib/time.js';
import type { FdCache } from './fdinfo.js';
import type { SyscallClient } from './syscall.js';

/** The largest file whose bytes processes copy themselves (a page table's reach). */
const MAX_SHARED = PT_ENTRIES * PAGE;
/** Spins on the inode's lock before the kernel is asked instead (a holder copies for microseconds). */
const LOCK_SPINS = 20000;

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
  private fds!: FdCache;
  /** The process running here (the owner its locks name). */
  private pid = 0;

  constructor(private readonly sys: SyscallClient, table: SharedArrayBuffer | undefined, data: SharedArrayBuffer | null | undefined) {
    this.t = table ? new FileTableViews(table, data ?? null) : null;
  }

  /** The fds' cache this answers from (made after this: it forgets the path cache too). */
  useFds(fds: FdCache): void {
    this.fds = fds;
  }

  /** The open file table's views (null: the kernel gave none). */
  get table(): FileTableViews | null {
    return this.t;
  }

  /** A new process runs in this worker. */
  enter(pid: number): void {
    this.pid = pid;
  }

  /** The process has ended (a killed one's worker may run on a little): it changes nothing itself. */
  private gone(): boolean {
    return Atomics.load(this.sys.page.i32, Slot.GONE) !== 0;
  }

  /** RLIMIT_FSIZE's soft limit as the kernel keeps it in the page (abi/page.ts, Slot.FSIZE). */
  private fsizeLimit(): number {
    const v = Atomics.load(this.sys.page.i32, Slot.FSIZE);
    return v < 0 ? Infinity : v;
  }

  /**
   * read/pread into the iovecs (`vecs` in `u8`): the bytes read, or null when
   * the kernel must answer (not a shared file's bytes, not readable here, a
   * writer that holds on).
   */
  read(fd: number, u8: Uint8Array, vecs: Array<[number, number]>, want: number, at?: bigint): number | null {
    const s = this.shared(fd);
    const t = this.t!;
    if (!s || !(s.rightsBase & Rights.FD_READ) || !(t.get32(s.desc, D.ACCESS) & Access.READ)) return null;
    const i = t.get32(s.desc, D.INODE);
    if (t.get32i(i, IB.PT) === 0 || (at !== undefined && at > BigInt(MAX_SHARED))) return null;
    for (let tries = 0; tries < LOCK_SPINS; tries++) {
      const seq = t.seq(i);
      if (seq & 1) continue;
      const pos = Number(at ?? t.offset(s.desc));
      const size = Number(t.view.getBigUint64(t.at32(i, IB.SIZE) * 4, true));
      const n = pos >= size ? 0 : Math.min(want, size - pos);
      if (pos + n > MAX_SHARED) return null;
      this.copyOut(i, pos, n, u8, vecs);
      if (t.seq(i) !== seq) continue;
      if (at === undefined && n > 0 && !t.swapOffset(s.desc, BigInt(pos), BigInt(pos + n))) continue;
      return n;
    }
    return null;
  }

  /** Bytes [pos, pos+n) of inode entry `i`'s file to the iovecs. */
  private copyOut(i: number, pos: number, n: number, u8: Uint8Array, vecs: Array<[number, number]>): void {
    const bytes = this.t!.bytes!;
    this.spans(i, pos, n, vecs, (at, ptr, len) => {
      if (at < 0) u8.fill(0, ptr, ptr + len); // a hole
      else u8.set(bytes.subarray(at, at + len), ptr);
    });
  }

  /**
   * Walk bytes [pos, pos+n) of inode entry `i`'s file beside the iovecs:
   * `each(at, ptr, len)` for every run within one page and one iovec, `at`
   * its place in the data arena (-1: in a hole).
   */
  private spans(i: number, pos: number, n: number, vecs: Array<[number, number]>, each: (at: number, ptr: number, len: number) => void): void {
    const t = this.t!;
    let v = 0, within = 0;
    for (let k = 0; k < n;) {
      const abs = pos + k, pg = Math.floor(abs / PAGE), off = abs - pg * PAGE;
      const page = t.page(i, pg);
      let at = page === 0 ? -1 : page * PAGE + off;
      for (let len = Math.min(n - k, PAGE - off); len > 0;) {
        const [ptr, vlen] = vecs[v];
        const c = Math.min(len, vlen - within);
        if (c > 0) each(at, ptr + within, c);
        if (at >= 0) at += c;
        len -= c; within += c; k += c;
        if (within === vlen) { v++; within = 0; }
      }
    }
  }

  /**
   * write/pwrite from the iovecs (`total` bytes): the bytes written, or null
   * when the kernel must answer (a new page needed, past RLIMIT_FSIZE, not
   * writable here, the lock not had).
   */
  write(fd: number, u8: Uint8Array, vecs: Array<[number, number]>, total: number, at?: bigint): number | null {
    const s = this.shared(fd);
    const t = this.t!;
    if (!s || total === 0 || !(s.rightsBase & Rights.FD_WRITE) || !(t.get32(s.desc, D.ACCESS) & Access.WRITE)) return null;
    const i = t.get32(s.desc, D.INODE);
    if (t.get32i(i, IB.PT) === 0 || (at !== undefined && at > BigInt(MAX_SHARED))) return null;
    const limit = this.fsizeLimit();
    if (!this.lock(i)) return null;
    t.begin(i);
    let done: boolean;
    try {
      const sizeAt = t.at32(i, IB.SIZE) * 4;
      const size = Number(t.view.getBigUint64(sizeAt, true));
      // O_APPEND: at the end, taken under the lock (pwrite too, as Linux does).
      const append = (t.get32(s.desc, D.FLAGS) & Fdflags.APPEND) !== 0;
      const pos = append ? size : Number(at ?? t.offset(s.desc));
      // Checked under the lock: once the kernel has marked the process ended, no write of its lands after.
      done = !this.gone() && pos + total <= MAX_SHARED && pos + total <= limit && this.pagesExist(i, pos, pos + total);
      if (!done) return null;
      this.copyIn(i, pos, total, u8, vecs);
      const end = pos + total;
      if (end > size) t.view.setBigUint64(sizeAt, BigInt(end), true);
      const now = realtimeNs();
      t.view.setBigUint64(t.at32(i, IB.MTIM) * 4, now, true);
      t.view.setBigUint64(t.at32(i, IB.CTIM) * 4, now, true);
      Atomics.add(t.i32, t.at32(i, IB.WRITES), 1);
      // The offset moves under the lock: writers sharing the description never write at one offset.
      if (at === undefined) t.setOffset(s.desc, BigInt(end));
      t.bumpGeneration(); // stat of its path says otherwise now (runtime/dentries.ts)
    } finally {
      t.end(i);
      t.unlock(i);
    }
    return done ? total : null;
  }

  private pagesExist(i: number, from: number, to: number): boolean {
    for (let pg = Math.floor(from / PAGE); pg * PAGE < to; pg++) if (this.t!.page(i, pg) === 0) return false;
    return true;
  }

  /** The iovecs' `n` bytes into inode entry `i`'s file at `pos` (its pages exist). */
  private copyIn(i: number, pos: number, n: number, u8: Uint8Array, vecs: Array<[number, number]>): void {
    const bytes = this.t!.bytes!;
    this.spans(i, pos, n, vecs, (at, ptr, len) => bytes.set(u8.subarray(ptr, ptr + len), at));
  }

  /** The inode's lock, for this process; false if its holder keeps it (the kernel then answers, and sorts it out). */
  private lock(i: number): boolean {
    const t = this.t!;
    for (let spins = 0; spins < LOCK_SPINS; spins++) if (t.tryLock(i, this.pid)) return true;
    return false;
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
      if (next !== cur && this.gone()) return null;
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
    if (this.gone()) return null;
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
