// Error numbers: WASI preview1's `errno` enumeration, the one error vocabulary of
// the kernel. Handlers return these; nothing in the kernel throws for a process's
// mistake (a throw is a kernel bug, answered with EIO by the dispatcher).
// Spec: WASI preview1 witx, `typename $errno`.

export const enum Errno {
  SUCCESS = 0, TOOBIG = 1, ACCES = 2, ADDRINUSE = 3, ADDRNOTAVAIL = 4, AFNOSUPPORT = 5,
  AGAIN = 6, ALREADY = 7, BADF = 8, BADMSG = 9, BUSY = 10, CANCELED = 11, CHILD = 12,
  CONNABORTED = 13, CONNREFUSED = 14, CONNRESET = 15, DEADLK = 16, DESTADDRREQ = 17,
  DOM = 18, DQUOT = 19, EXIST = 20, FAULT = 21, FBIG = 22, HOSTUNREACH = 23, IDRM = 24,
  ILSEQ = 25, INPROGRESS = 26, INTR = 27, INVAL = 28, IO = 29, ISCONN = 30, ISDIR = 31,
  LOOP = 32, MFILE = 33, MLINK = 34, MSGSIZE = 35, MULTIHOP = 36, NAMETOOLONG = 37,
  NETDOWN = 38, NETRESET = 39, NETUNREACH = 40, NFILE = 41, NOBUFS = 42, NODEV = 43,
  NOENT = 44, NOEXEC = 45, NOLCK = 46, NOLINK = 47, NOMEM = 48, NOMSG = 49,
  NOPROTOOPT = 50, NOSPC = 51, NOSYS = 52, NOTCONN = 53, NOTDIR = 54, NOTEMPTY = 55,
  NOTRECOVERABLE = 56, NOTSOCK = 57, NOTSUP = 58, NOTTY = 59, NXIO = 60, OVERFLOW = 61,
  OWNERDEAD = 62, PERM = 63, PIPE = 64, PROTO = 65, PROTONOSUPPORT = 66, PROTOTYPE = 67,
  RANGE = 68, ROFS = 69, SPIPE = 70, SRCH = 71, STALE = 72, TIMEDOUT = 73, TXTBSY = 74,
  XDEV = 75, NOTCAPABLE = 76,
  /**
   * Not WASI's, never seen by a program: the kernel ends a restartable call
   * with it when a signal interrupts the wait (abi/syscalls.ts interruptErrno),
   * and the runtime turns it into a restart or EINTR (runtime/signals.ts).
   * Linux's ERESTARTSYS plays the same part.
   */
  RESTART = 512,
}

/** Names as C spells them (without the E prefix), for tracing and messages. */
export const errnoName: readonly string[] = [
  'SUCCESS', '2BIG', 'ACCES', 'ADDRINUSE', 'ADDRNOTAVAIL', 'AFNOSUPPORT', 'AGAIN', 'ALREADY',
  'BADF', 'BADMSG', 'BUSY', 'CANCELED', 'CHILD', 'CONNABORTED', 'CONNREFUSED', 'CONNRESET',
  'DEADLK', 'DESTADDRREQ', 'DOM', 'DQUOT', 'EXIST', 'FAULT', 'FBIG', 'HOSTUNREACH', 'IDRM',
  'ILSEQ', 'INPROGRESS', 'INTR', 'INVAL', 'IO', 'ISCONN', 'ISDIR', 'LOOP', 'MFILE', 'MLINK',
  'MSGSIZE', 'MULTIHOP', 'NAMETOOLONG', 'NETDOWN', 'NETRESET', 'NETUNREACH', 'NFILE',
  'NOBUFS', 'NODEV', 'NOENT', 'NOEXEC', 'NOLCK', 'NOLINK', 'NOMEM', 'NOMSG', 'NOPROTOOPT',
  'NOSPC', 'NOSYS', 'NOTCONN', 'NOTDIR', 'NOTEMPTY', 'NOTRECOVERABLE', 'NOTSOCK', 'NOTSUP',
  'NOTTY', 'NXIO', 'OVERFLOW', 'OWNERDEAD', 'PERM', 'PIPE', 'PROTO', 'PROTONOSUPPORT',
  'PROTOTYPE', 'RANGE', 'ROFS', 'SPIPE', 'SRCH', 'STALE', 'TIMEDOUT', 'TXTBSY', 'XDEV',
  'NOTCAPABLE',
];

/** An errno's C name without the E (RESTART for the kernel's own). */
export function errnoLabel(e: Errno): string {
  return e === Errno.RESTART ? 'RESTART' : errnoName[e] ?? String(e);
}

/**
 * Internal results carry either a value or an errno. Errnos are boxed in this class
 * so that a numeric value (a size, an fd) is never mistaken for an error.
 */
export class Err {
  constructor(readonly errno: Errno) {}
}

const boxes: Err[] = [];
/** The shared box for an errno (allocation-free on hot paths). */
export function err(e: Errno): Err {
  return (boxes[e] ??= new Err(e));
}

export function isErr<T>(v: T | Err): v is Err {
  return v instanceof Err;
}
