// The kernel's syscall list, declared once. Everything else is derived from it:
// the numbers both sides use, the kernel's argument decoder and the compile-time
// check that the dispatch table (syscall/table.ts) has a handler for every entry.
//
// These are the calls that need a kernel decision. WASI calls that need none
// (args, environ, clocks, random, sched_yield, sleeping in poll_oneoff on clocks
// only) are answered inside the process by the runtime (runtime/wasi.ts).
//
// Argument kinds, in slot order (abi/page.ts):
//   N    a number in a Float64 cell (fds, flags, lengths, rights)
//   B    a bigint in a BigInt64 cell (offsets, sizes, timestamps, cookies)
//   BUF  bytes copied into the data window; the cell holds their length
//   STR  a UTF-8 path in the data window; the cell holds its byte length
// Results go to the result cells and, for bytes, to the data window after the inputs.
import { Errno } from './errno.js';

/** What fd_info says an fd is, for the runtime's fast paths (runtime/fdinfo.ts). */
export const enum FdKind {
  /** Served by the kernel. */
  KERNEL = 0,
  /** A pipe end whose ring is in the shared arena (runtime/pipes.ts). */
  PIPE = 1,
  /** A writable /dev/null: the runtime completes writes itself. */
  SINK = 2,
  /** A regular file whose description is in the open file table (runtime/files.ts). */
  FILE = 3,
  /**
   * A regular file the kernel serves that is not in the table (when the table
   * is full, or the kernel has no arena): fd_readm and fd_writem move its
   * bytes straight between the file and the process's memory, without the
   * data window (as they do for a FILE whose bytes the kernel keeps: a host
   * file, an image layer's file).
   */
  DIRECT = 4,
  /**
   * A connected stream socket whose two rings are in the shared arena
   * (runtime/pipes.ts): fd_info's ret1 is the ring it reads, ret2 the ring it
   * writes (-1: that way is shut or the ring is private; the kernel serves it).
   */
  SOCKET = 5,
}

/**
 * What path_open writes in its output when ret1 is 1 (the fd is a regular
 * file): what fd_info would say of the new fd, so the runtime need not ask
 * (byte offsets; i32 each, the rights u32).
 */
export const enum Opened { KIND = 0, A = 4, B = 8, RIGHTS_BASE = 12, RIGHTS_INHERITING = 16, SIZE = 20 }

export const enum Arg { N = 0, B = 1, BUF = 2, STR = 3 }
const { N, B, BUF, STR } = { N: Arg.N, B: Arg.B, BUF: Arg.BUF, STR: Arg.STR } as const;

export const syscalls = {
  // fd_*: open file descriptions (syscall/fd.ts)
  fd_advise: [N, B, B, N],                // fd, offset, len, advice
  fd_allocate: [N, B, B],                 // fd, offset, len
  fd_close: [N],                          // fd
  fd_datasync: [N],                       // fd
  fd_fdstat_get: [N],                     // fd → ret: filetype, flags, rights base, rights inheriting
  fd_fdstat_set_flags: [N, N],            // fd, fdflags
  fd_fdstat_set_rights: [N, B, B],        // fd, base, inheriting
  fd_filestat_get: [N],                   // fd → out: filestat (64 bytes)
  fd_filestat_set_size: [N, B],           // fd, size
  fd_filestat_set_times: [N, B, B, N],    // fd, atim, mtim, fstflags
  fd_pread: [N, N, B],                    // fd, max bytes, offset → out: bytes; ret0: count
  fd_prestat_get: [N],                    // fd → ret0: name length
  fd_prestat_dir_name: [N],               // fd → out: name; ret0: length
  fd_pwrite: [N, BUF, B],                 // fd, bytes, offset → ret0: count
  fd_read: [N, N],                        // fd, max bytes → out: bytes; ret0: count
  fd_readdir: [N, N, B],                  // fd, max bytes, cookie → out: dirents; ret0: used
  fd_renumber: [N, N],                    // from, to
  fd_seek: [N, B, N],                     // fd, offset, whence → ret0 (B): new offset
  fd_sync: [N],                           // fd
  fd_tell: [N],                           // fd → ret0 (B): offset
  fd_write: [N, BUF],                     // fd, bytes → ret0: count
  // path_*: names in a directory (syscall/path.ts)
  path_create_directory: [N, STR],        // dirfd, path
  path_filestat_get: [N, N, STR],         // dirfd, lookupflags, path → out: filestat; ret0: 1 if the runtime may remember it while the tree's generation stands (fs/dcache.ts)
  path_filestat_set_times: [N, N, STR, B, B, N], // dirfd, lookupflags, path, atim, mtim, fstflags
  path_link: [N, N, STR, N, STR],         // old dirfd, lookupflags, old path, new dirfd, new path
  path_open: [N, N, STR, N, B, B, N],     // dirfd, lookupflags, path, oflags, base, inheriting, fdflags → ret0: fd; ret1: 1 for a regular file, whose close may be put off, and then out: fd_info's answer (Opened)
  path_readlink: [N, STR, N],             // dirfd, path, max bytes → out: target; ret0: count
  path_remove_directory: [N, STR],        // dirfd, path
  path_rename: [N, STR, N, STR],          // old dirfd, old path, new dirfd, new path
  path_symlink: [STR, N, STR],            // target, dirfd, path
  path_unlink_file: [N, STR],             // dirfd, path
  // poll_oneoff with at least one fd subscription (syscall/poll.ts)
  poll_oneoff: [BUF, N],                  // subscriptions, count → out: events; ret0: count
  // processes (syscall/proc.ts)
  proc_exit: [N, STR, N],                 // status, trap message ('' for a normal exit), pages of memory the worker keeps for a fork child
  proc_raise: [N],                        // signal
  // WASI's sockets calls (syscall/sock.ts), on the kernel's sockets (kernel/net/)
  sock_accept: [N, N],                    // fd, fdflags (NONBLOCK) → ret0: fd
  sock_recv: [N, N, N],                   // fd, max bytes, riflags (PEEK, WAITALL) → out: bytes; ret0: count, ret1: roflags (DATA_TRUNCATED)
  sock_send: [N, BUF, N],                 // fd, bytes, siflags (none) → ret0: count
  sock_shutdown: [N, N],                  // fd, sdflags (RD, WR)

  // tabkernel's own import module "tabkernel" (userland/libc/include/tabkernel.h).
  // processes (syscall/process.ts)
  spawn: [STR, BUF, BUF, BUF, N, N, N, N], // path, argv, envp, file actions, attr flags, pgroup, sigdefault, sigmask → ret0: pid
  exec: [STR, BUF, BUF],                  // path, argv, envp (no answer on success)
  fork: [N, N, N, N],                     // image source generation (ForkSource), image bytes, stack pointer, asyncify data address → ret0: child pid
  wait: [N, N],                           // pid, options → ret0: pid, ret1: status word
  getpid: [],                             // → ret0: pid, ret1: ppid
  childtimes: [],                         // → ret0 (B): CPU time of the children waited for, theirs included, in ns
  setpgid: [N, N],                        // pid, pgid
  getpgid: [N],                           // pid → ret0
  setsid: [],                             // → ret0: sid
  getsid: [N],                            // pid → ret0
  chdir: [STR],                           // absolute path
  fchdir: [N],                            // directory fd
  getcwd: [],                             // → out: path; ret0: length
  umask: [N],                             // mask → ret0: old mask
  // resource limits (syscall/limits.ts); -1 stands for RLIM_INFINITY
  prlimit: [N, N, N, N, N],               // pid (0: self), resource, set?, new soft, new hard → ret0: old soft, ret1: old hard
  // permission bits (syscall/mode.ts)
  chmod: [N, STR, N, N],                  // dirfd, path, mode, follow symlinks
  fchmod: [N, N],                         // fd, mode
  getmode: [N, STR, N],                   // dirfd, path, follow → ret0: mode, ret1: 1 if it may be remembered (as path_filestat_get)
  fgetmode: [N],                          // fd → ret0: mode
  statvfs: [N, STR, N],                   // dirfd, path ('': the fd itself), follow → out: struct tk_statvfs (syscall/statfs.ts)
  openroot: [N],                          // lowest fd → ret0: a close-on-exec fd of the root directory (root-image programs)
  // signals (syscall/signal.ts); masks are bit (sig-1), at most 30 bits
  kill: [N, N],                           // pid, sig
  sigaction: [N, N, N, N],                // sig, handler, flags, mask → ret0..2: old handler, flags, mask
  sigprocmask: [N, N],                    // how, set → ret0: old mask
  sigpending: [],                         // → ret0: pending mask
  sigsuspend: [N],                        // mask (always EINTR)
  sigtake: [],                            // → ret0: signal to run now (0: none), ret1: handler, ret2: the mask to restore after it, ret3: its sa_flags
  sigreturn: [N],                         // the mask to restore after a handler ran
  alarm: [N],                             // seconds → ret0: seconds left on the previous alarm
  // descriptors (syscall/fdops.ts)
  pipe: [N],                              // flags (O_NONBLOCK, O_CLOEXEC) → ret0: read fd, ret1: write fd
  dup: [N, N, N],                         // fd, lowest new fd, FD_CLOEXEC → ret0: new fd
  dup2: [N, N, N],                        // fd, new fd, FD_CLOEXEC
  fd_cloexec: [N, N],                     // fd, set (-1: query) → ret0: old value
  fd_readm: [N, N, N, B, N],              // fd, iovs, iovs count (WASI iovecs in the process's memory, checked by the runtime), offset, 1: at the offset (preadv) → ret0: count read into the memory; ret1: 1 when the kernel could not see the memory or the fd is not a DIRECT file (nothing done: use fd_read)
  fd_writem: [N, N, N, B, N],             // fd, iovs, iovs count, offset, 1: at the offset (pwritev) → ret0: count written from the memory; ret1 as for fd_readm
  fd_info: [N],                           // fd → ret0: FdKind, ret1: PIPE: the arena ring slot, FILE: the open file table's description, ret2: PIPE: 1 for the write end, FILE: the entry's generation, ret3 (B): the fd's rights base | rights inheriting << 32
  // file locks (syscall/locks.ts; what they are and when they go: fs/locks.ts)
  fcntl_lock: [N, N, N, N, B, B],         // fd, cmd (F_GETLK 5, F_SETLK 6, F_SETLKW 7), l_type, l_whence, l_start, l_len → F_GETLK: ret0 type in the way (F_UNLCK: none), ret1 its pid, ret2/ret3 (B) its start and length
  flock: [N, N],                          // fd, operation (LOCK_SH 1, LOCK_EX 2, LOCK_UN 8, | LOCK_NB 4)
  // waiting with a signal mask (syscall/poll.ts): pselect, ppoll, sigtimedwait
  ppoll: [BUF, N, N, N],                  // poll_oneoff's subscriptions (may be none), count, the mask for the wait (-1: unchanged), signals to take instead of handling → out: events; ret0: event count, ret1: the mask before, ret2: the signal taken (0: none)
  // BSD sockets (syscall/sock.ts; the mechanism: kernel/net/); constants and
  // address layouts in abi/socket.ts, addresses as the guest's sockaddr bytes
  socket: [N, N, N],                      // domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol → ret0: fd
  socketpair: [N, N, N],                  // domain, type | flags, protocol → ret0, ret1: fds
  bind: [N, BUF],                         // fd, sockaddr
  listen: [N, N],                         // fd, backlog
  accept: [N, N],                         // fd, SOCK_NONBLOCK | SOCK_CLOEXEC → ret0: fd; out: the peer's sockaddr, ret1: its length
  connect: [N, BUF],                      // fd, sockaddr (AF_UNSPEC: a datagram socket forgets its peer)
  sendto: [N, BUF, N, BUF],               // fd, bytes, MSG_* flags, sockaddr (empty: none) → ret0: count
  recvfrom: [N, N, N],                    // fd, max bytes, MSG_* flags → out: the sender's sockaddr (SOCKADDR_MAX bytes), then the bytes; ret0: count, ret1: sockaddr length, ret2: MSG_TRUNC when a datagram was cut
  sockname: [N, N],                       // fd, 1: the peer's (getpeername) → out: sockaddr; ret0: its length
  sockopt: [N, N, N, N, N],               // fd, level, name, 1: set, the value (an int) → ret0: the value (get)
  resolve: [STR, N],                      // host name, family (AF_UNSPEC, AF_INET, AF_INET6) → out: struct tk_addr records (RESOLVED); ret0: their count
  // images and containers (syscall/image.ts; the host's image service: image/service.ts)
  image: [N, STR, N],                     // op (TK_IMAGE_*), reference ('' for LIST), progress fd (-1: none) → out: the answer's text, or an error's message; ret0: its length
  container: [STR, STR, BUF, BUF],        // reference, entrypoint ('': the image's), args (replace Cmd when any), env (NAME=VALUE sets, NAME unsets), NUL-terminated → exec of the image's command in a fresh container (no answer on success); on an error out: its message, ret0: its length
  // terminals (syscall/tty.ts)
  tcsetpgrp: [N, N],                      // fd, pgid
  tcgetpgrp: [N],                         // fd → ret0
  winsize: [N, N, N, N],                  // fd, op (0 get, 1 set), rows, cols → ret0: rows, ret1: cols
  tcgetattr: [N],                         // fd → out: struct termios
  tcsetattr: [N, N, BUF],                 // fd, when (TCSANOW/TCSADRAIN/TCSAFLUSH), struct termios
  ptsname: [N],                           // master fd → ret0: the slave's number N (/dev/pts/N)
} as const satisfies Record<string, readonly Arg[]>;

export type SyscallName = keyof typeof syscalls;

/**
 * The calls a handler installed with SA_RESTART restarts when its signal ends
 * their wait (signal(7), "Interruption of system calls and library functions
 * by signal handlers"): reads and writes that wait (pipes, terminals,
 * sockets), wait, F_SETLKW, flock, and the socket calls that wait. A signal
 * ends them with Errno.RESTART; the runtime runs the handler and makes the call again, or returns EINTR when the handler has
 * no SA_RESTART (runtime/signals.ts). Every other call that waits — poll_oneoff
 * (poll, select, nanosleep), ppoll (pselect, ppoll, sigtimedwait), sigsuspend —
 * ends with EINTR whatever the flags, as on Linux.
 */
const restartable: ReadonlySet<SyscallName> = new Set<SyscallName>([
  'fd_read', 'fd_write', 'wait', 'fcntl_lock', 'flock',
  // signal(7), "Socket interfaces": accept, recv*, send* (no SO_RCVTIMEO/SO_SNDTIMEO here). Not
  // connect: POSIX has an interrupted connect fail with EINTR and go on connecting.
  'accept', 'recvfrom', 'sendto', 'sock_accept', 'sock_recv', 'sock_send',
]);

/** What a caught signal ends a waiting call with: RESTART for the calls above, INTR for the rest. */
export function interruptErrno(name: SyscallName): Errno.RESTART | Errno.INTR {
  return restartable.has(name) ? Errno.RESTART : Errno.INTR;
}

/** Syscall numbers: the position in the list above. */
export const syscallNames = Object.keys(syscalls) as SyscallName[];
export const NR = Object.fromEntries(syscallNames.map((n, i) => [n, i])) as Record<SyscallName, number>;

type ArgType<K> = K extends Arg.N ? number : K extends Arg.B ? bigint : K extends Arg.BUF ? Uint8Array : string;
/** The JavaScript parameters a handler receives for a declared argument list. */
export type ArgTypes<L extends readonly Arg[]> = { -readonly [I in keyof L]: ArgType<L[I]> };
