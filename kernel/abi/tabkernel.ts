// The constants and struct layouts of tabkernel's own calls (the "tabkernel"
// import module), declared once for both ends: the kernel and the runtime read
// them here, and the C side's userland/libc/include/tabkernel_abi.h is
// generated from them (abi/cheader.ts; `node scripts/abi-header.js` writes it,
// and kernel/abi/cheader.test.ts fails while the committed header differs).
// The call signatures themselves are abi/syscalls.ts (kernel side) and
// abi/imports.ts (wasm side); tabkernel.h's prototypes are checked against
// the latter by the same test.

import { AddressFamily, Ipv6Opt, MSG_TRUNC, MsgFlag, RESOLVED, RESOLVE_MAX, SOCKADDR_MAX, SOMAXCONN, SockFlag, SockLevel, SockOpt, SockType, TcpOpt } from './socket.js';

/** A C scalar type of these structs. */
export type CType = 'u16' | 'i32' | 'u32' | 'i64' | 'u64';
const C_SIZE: Record<CType, number> = { u16: 2, i32: 4, u32: 4, i64: 8, u64: 8 };

/** A C struct as both sides lay it out (wasm32: natural alignment, little-endian). */
export interface Struct<F extends string> {
  readonly name: string;
  readonly doc: string;
  readonly fields: ReadonlyArray<{ readonly name: F; readonly type: CType; readonly doc?: string }>;
  /** Byte offset of each field. */
  readonly at: Readonly<Record<F, number>>;
  readonly size: number;
}

function struct<F extends string>(name: string, doc: string, fields: ReadonlyArray<readonly [F, CType, string?]>): Struct<F> {
  const at = {} as Record<F, number>;
  let off = 0;
  let align = 1;
  for (const [f, type] of fields) {
    const size = C_SIZE[type];
    off = (off + size - 1) & ~(size - 1);
    at[f] = off;
    off += size;
    align = Math.max(align, size);
  }
  return {
    name, doc, at,
    fields: fields.map(([f, type, d]) => ({ name: f, type, doc: d })),
    size: (off + align - 1) & ~(align - 1),
  };
}

/** posix_spawn's file actions (spawn's fourth argument): the operations. */
export const FileActionOp = { CLOSE: 1, DUP2: 2, OPEN: 3, CHDIR: 4 } as const;
/** One file action; actions are packed one after another, each followed by its path and padded to FILE_ACTION_ALIGN. */
export const fileAction = struct('tk_file_action', 'Spawn file actions, packed one after another, each 4-byte aligned.', [
  ['op', 'u32'],
  ['fd', 'i32', 'CLOSE, DUP2 (target), OPEN (target)'],
  ['arg', 'i32', 'DUP2: source fd; OPEN: the mode a file it creates takes, before the umask'],
  ['oflags', 'u32', 'OPEN: O_* flags as wasi-libc defines them'],
  ['path_len', 'u32', 'OPEN, CHDIR: bytes of path that follow (no NUL)'],
]);
export const FILE_ACTION_ALIGN = 4;

/** posix_spawn's attribute flags. */
export const SpawnFlag = { SETPGROUP: 1, SETSIGMASK: 2, SETSIGDEF: 4, SETSID: 8 } as const;
export const spawnattr = struct('tk_spawnattr', 'Spawn attributes.', [
  ['flags', 'u32'],
  ['pgroup', 'i32'],
  ['sigdefault', 'u64', 'bit (sig-1) set: reset that signal to SIG_DFL'],
  ['sigmask', 'u64'],
]);

/** wait's options (sys/wait.h's values). */
export const WaitOption = { NOHANG: 1, UNTRACED: 2, CONTINUED: 8 } as const;

/** The wait status word, in Linux's layout (sys/wait.h's macros decode it). */
export const WaitStatus = {
  exited: (code: number): number => (code & 0xff) << 8,
  signaled: (sig: number): number => sig & 0x7f,
  stopped: (sig: number): number => (sig << 8) | 0x7f,
  CONTINUED: 0xffff,
  /** The signal that ended a process (0: it exited). */
  termSig: (status: number): number => status & 0x7f,
} as const;

/**
 * The open flag tabkernel adds: close-on-exec, as O_CLOEXEC (userland/libc's
 * fcntl.h). wasi-libc's open hands `oflag & 0xfff` to path_open as its
 * fdflags, of which WASI defines bits 0–4, so the bit reaches the kernel
 * untouched (syscall/path.ts path_open); pipe2 and dup3 take it too.
 */
export const OpenFlag = { CLOEXEC: 0x800 } as const;

/** pipe's flags (userland/libc/fd.c maps O_CLOEXEC and O_NONBLOCK to them). */
export const PipeFlag = { CLOEXEC: 1, NONBLOCK: 2 } as const;

/** Writes of up to this many bytes go into a pipe whole (POSIX PIPE_BUF). */
export const PIPE_BUF = 4096;

/** sigaction's flags (signal.h's values). */
export const SaFlag = {
  NOCLDSTOP: 1, NOCLDWAIT: 2, SIGINFO: 4, RESTART: 0x10000000, NODEFER: 0x40000000, RESETHAND: 0x80000000,
} as const;

/** sigaction's handler values that are not function-table indices. */
export const SigHandler = {
  DFL: 0,
  /** signal.h: (void (*)(int))-2 */
  IGN: 0xfffffffe,
  /** Leave the handler unchanged (query the old one). */
  QUERY: 0xffffffff,
} as const;

/** ppoll's mask argument that leaves the signal mask as it is (sigtimedwait, sigwaitinfo). */
export const MASK_UNCHANGED = -1;

/**
 * tk_image's operations: PULL fetches from the registry whatever the store
 * lacks (the tag resolved anew), FETCH only when the store lacks the image
 * whole; both write per-layer progress on the progress fd the caller passes
 * (TK_NO_PROGRESS_FD: none; syscall/progress.ts). INSPECT and LIST read the
 * store alone and answer the text `image inspect` and `image ls` print;
 * REMOVE drops a reference and the blobs no other image uses. BUILD takes
 * `image build`'s arguments (image/buildargs.ts) NUL-separated in place of
 * the reference, builds (image/build.ts) with its progress and RUN's output on
 * the progress fd, and answers the result as JSON.
 */
export const ImageOp = { PULL: 1, FETCH: 2, INSPECT: 3, LIST: 4, REMOVE: 5, BUILD: 6 } as const;

/** tk_image's progress fd argument for "no progress". */
export const NO_PROGRESS_FD = -1;

/** statvfs's result. */
export const statvfs = struct('tk_statvfs', 'statvfs of a path: eleven u64s in this order.', [
  ['bsize', 'u64'], ['frsize', 'u64'], ['blocks', 'u64'], ['bfree', 'u64'], ['bavail', 'u64'],
  ['files', 'u64'], ['ffree', 'u64'], ['favail', 'u64'], ['fsid', 'u64'], ['flag', 'u64'], ['namemax', 'u64'],
]);

/** fcntl_lock's F_GETLK answer: the lock in the way (type F_UNLCK: none). */
export const lockInfo = struct('tk_lock', 'F_GETLK: the lock in the way, or type F_UNLCK; len 0 means "to the end".', [
  ['type', 'i32'], ['pid', 'i32'], ['start', 'i64'], ['len', 'i64'],
]);

/** Bytes of struct termios as <termios.h> lays it out (tty/termios.ts has its fields). */
export const TERMIOS_SIZE = 60;

/** What the generated C header declares, in order (abi/cheader.ts renders it). */
export type HeaderItem =
  | { kind: 'enum'; doc: string; prefix: string; values: Readonly<Record<string, number>> }
  | { kind: 'define'; doc: string; name: string; value: number }
  | { kind: 'struct'; struct: Struct<string> };

export const headerItems: readonly HeaderItem[] = [
  { kind: 'enum', doc: 'posix_spawn file actions (struct tk_file_action.op).', prefix: 'TK_FA_', values: FileActionOp },
  { kind: 'struct', struct: fileAction },
  { kind: 'define', doc: 'Each file action with its path is padded to this many bytes.', name: 'TK_FILE_ACTION_ALIGN', value: FILE_ACTION_ALIGN },
  { kind: 'enum', doc: 'posix_spawn attribute flags (struct tk_spawnattr.flags).', prefix: 'TK_SPAWN_', values: SpawnFlag },
  { kind: 'struct', struct: spawnattr },
  { kind: 'enum', doc: 'wait options (sys/wait.h).', prefix: 'TK_W', values: WaitOption },
  { kind: 'define', doc: 'The wait status of a continued process.', name: 'TK_WSTATUS_CONTINUED', value: WaitStatus.CONTINUED },
  { kind: 'enum', doc: 'The open flag tabkernel adds (fcntl.h O_CLOEXEC), in path_open\'s fdflags.', prefix: 'TK_O_', values: OpenFlag },
  { kind: 'enum', doc: 'tk_pipe flags.', prefix: 'TK_PIPE_', values: PipeFlag },
  { kind: 'define', doc: 'Writes of up to this many bytes go into a pipe whole.', name: 'TK_PIPE_BUF', value: PIPE_BUF },
  { kind: 'enum', doc: 'sigaction flags (signal.h).', prefix: 'TK_SA_', values: SaFlag },
  { kind: 'enum', doc: 'tk_sigaction handler values that are not function-table indices.', prefix: 'TK_SIG_', values: SigHandler },
  { kind: 'define', doc: 'tk_ppoll: leave the signal mask as it is.', name: 'TK_MASK_UNCHANGED', value: MASK_UNCHANGED },
  { kind: 'enum', doc: 'tk_image operations.', prefix: 'TK_IMAGE_', values: ImageOp },
  { kind: 'define', doc: 'tk_image: no progress fd.', name: 'TK_NO_PROGRESS_FD', value: NO_PROGRESS_FD },
  { kind: 'struct', struct: statvfs },
  { kind: 'struct', struct: lockInfo },
  { kind: 'define', doc: 'Bytes of struct termios.', name: 'TK_TERMIOS_SIZE', value: TERMIOS_SIZE },
  // Sockets (abi/socket.ts says where each value comes from).
  { kind: 'enum', doc: 'Address families (wasi-libc\'s values).', prefix: 'TK_AF_', values: AddressFamily },
  { kind: 'enum', doc: 'Socket types (WASI filetypes) and the flags socket(), socketpair() and accept4() take.', prefix: 'TK_SOCK_', values: { ...SockType, ...SockFlag } },
  { kind: 'enum', doc: 'Option levels.', prefix: 'TK_SOL_', values: SockLevel },
  { kind: 'enum', doc: 'SOL_SOCKET options.', prefix: 'TK_SO_', values: SockOpt },
  { kind: 'enum', doc: 'IPPROTO_TCP options.', prefix: 'TK_TCP_', values: TcpOpt },
  { kind: 'enum', doc: 'IPPROTO_IPV6 options.', prefix: 'TK_IPV6_', values: Ipv6Opt },
  { kind: 'enum', doc: 'send and recv flags.', prefix: 'TK_MSG_', values: MsgFlag },
  { kind: 'define', doc: 'recv\'s output flag: the datagram was cut to the buffer.', name: 'TK_MSG_TRUNC', value: MSG_TRUNC },
  { kind: 'define', doc: 'The largest socket address the kernel reads or writes.', name: 'TK_SOCKADDR_MAX', value: SOCKADDR_MAX },
  { kind: 'define', doc: 'The largest listen() backlog.', name: 'TK_SOMAXCONN', value: SOMAXCONN },
  { kind: 'enum', doc: 'tk_resolve\'s answer: records of SIZE bytes, the family (u16) at FAMILY, 16 address bytes at ADDR.', prefix: 'TK_RESOLVED_', values: RESOLVED },
  { kind: 'define', doc: 'The most addresses one tk_resolve answers.', name: 'TK_RESOLVE_MAX', value: RESOLVE_MAX },
];
