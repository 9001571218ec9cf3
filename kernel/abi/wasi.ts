// WASI preview1 constants and struct layouts, exactly as the witx defines them.
// Both sides use these: the process runtime to encode and decode guest memory,
// the kernel to describe files. No logic lives here.
// Spec: WebAssembly/WASI, legacy/preview1/witx/typenames.witx.

export const enum Filetype {
  UNKNOWN = 0, BLOCK_DEVICE = 1, CHARACTER_DEVICE = 2, DIRECTORY = 3,
  REGULAR_FILE = 4, SOCKET_DGRAM = 5, SOCKET_STREAM = 6, SYMBOLIC_LINK = 7,
}

export const enum Fdflags { APPEND = 1, DSYNC = 2, NONBLOCK = 4, RSYNC = 8, SYNC = 16 }
export const enum Oflags { CREAT = 1, DIRECTORY = 2, EXCL = 4, TRUNC = 8 }
export const enum Lookupflags { SYMLINK_FOLLOW = 1 }
export const enum Fstflags { ATIM = 1, ATIM_NOW = 2, MTIM = 4, MTIM_NOW = 8 }
export const enum Whence { SET = 0, CUR = 1, END = 2 }
export const enum Clockid { REALTIME = 0, MONOTONIC = 1, PROCESS_CPUTIME_ID = 2, THREAD_CPUTIME_ID = 3 }
export const enum Eventtype { CLOCK = 0, FD_READ = 1, FD_WRITE = 2 }
export const enum Subclockflags { ABSTIME = 1 }
export const enum Eventrwflags { HANGUP = 1 }
export const enum Advice { NORMAL = 0, SEQUENTIAL = 1, RANDOM = 2, WILLNEED = 3, DONTNEED = 4, NOREUSE = 5 }
export const enum Preopentype { DIR = 0 }
export const enum Sdflags { RD = 1, WR = 2 }

/** Rights are 64-bit masks in the ABI; every defined bit fits below 2^30. */
export const enum Rights {
  FD_DATASYNC = 1 << 0, FD_READ = 1 << 1, FD_SEEK = 1 << 2, FD_FDSTAT_SET_FLAGS = 1 << 3,
  FD_SYNC = 1 << 4, FD_TELL = 1 << 5, FD_WRITE = 1 << 6, FD_ADVISE = 1 << 7,
  FD_ALLOCATE = 1 << 8, PATH_CREATE_DIRECTORY = 1 << 9, PATH_CREATE_FILE = 1 << 10,
  PATH_LINK_SOURCE = 1 << 11, PATH_LINK_TARGET = 1 << 12, PATH_OPEN = 1 << 13,
  FD_READDIR = 1 << 14, PATH_READLINK = 1 << 15, PATH_RENAME_SOURCE = 1 << 16,
  PATH_RENAME_TARGET = 1 << 17, PATH_FILESTAT_GET = 1 << 18, PATH_FILESTAT_SET_SIZE = 1 << 19,
  PATH_FILESTAT_SET_TIMES = 1 << 20, FD_FILESTAT_GET = 1 << 21, FD_FILESTAT_SET_SIZE = 1 << 22,
  FD_FILESTAT_SET_TIMES = 1 << 23, PATH_SYMLINK = 1 << 24, PATH_REMOVE_DIRECTORY = 1 << 25,
  PATH_UNLINK_FILE = 1 << 26, POLL_FD_READWRITE = 1 << 27, SOCK_SHUTDOWN = 1 << 28,
  SOCK_ACCEPT = 1 << 29,
}
export const RIGHTS_ALL = (1 << 30) - 1;

/** What a regular file may be granted. */
export const FILE_RIGHTS = Rights.FD_DATASYNC | Rights.FD_READ | Rights.FD_SEEK | Rights.FD_FDSTAT_SET_FLAGS
  | Rights.FD_SYNC | Rights.FD_TELL | Rights.FD_WRITE | Rights.FD_ADVISE | Rights.FD_ALLOCATE
  | Rights.FD_FILESTAT_GET | Rights.FD_FILESTAT_SET_SIZE | Rights.FD_FILESTAT_SET_TIMES
  | Rights.POLL_FD_READWRITE;
const PREOPEN_BASE = Rights.PATH_CREATE_DIRECTORY | Rights.PATH_CREATE_FILE | Rights.PATH_LINK_SOURCE
  | Rights.PATH_LINK_TARGET | Rights.PATH_OPEN | Rights.FD_READDIR | Rights.PATH_READLINK
  | Rights.PATH_RENAME_SOURCE | Rights.PATH_RENAME_TARGET | Rights.PATH_SYMLINK
  | Rights.PATH_REMOVE_DIRECTORY | Rights.PATH_UNLINK_FILE | Rights.PATH_FILESTAT_GET
  | Rights.PATH_FILESTAT_SET_TIMES | Rights.FD_FILESTAT_GET | Rights.FD_FILESTAT_SET_TIMES;
/** A preopened directory: exactly wasmtime's sets. */
export const PREOPEN_RIGHTS = { base: PREOPEN_BASE, inheriting: PREOPEN_BASE | FILE_RIGHTS } as const;

/** Signals (`typename $signal`); numbered as on Linux. */
export const enum Signal {
  NONE = 0, HUP = 1, INT = 2, QUIT = 3, ILL = 4, TRAP = 5, ABRT = 6, BUS = 7, FPE = 8,
  KILL = 9, USR1 = 10, SEGV = 11, USR2 = 12, PIPE = 13, ALRM = 14, TERM = 15, CHLD = 16,
  CONT = 17, STOP = 18, TSTP = 19, TTIN = 20, TTOU = 21, URG = 22, XCPU = 23, XFSZ = 24,
  VTALRM = 25, PROF = 26, WINCH = 27, POLL = 28, PWR = 29, SYS = 30,
}

// Struct layouts: byte offsets and sizes in guest memory (little endian).
export const IOVEC = { SIZE: 8, BUF: 0, LEN: 4 } as const;
export const FDSTAT = { SIZE: 24, FILETYPE: 0, FLAGS: 2, RIGHTS_BASE: 8, RIGHTS_INHERITING: 16 } as const;
export const FILESTAT = {
  SIZE: 64, DEV: 0, INO: 8, FILETYPE: 16, NLINK: 24, FILESIZE: 32, ATIM: 40, MTIM: 48, CTIM: 56,
} as const;
export const DIRENT = { SIZE: 24, NEXT: 0, INO: 8, NAMLEN: 16, TYPE: 20 } as const;
export const PRESTAT = { SIZE: 8, TAG: 0, NAME_LEN: 4 } as const;
export const SUBSCRIPTION = {
  SIZE: 48, USERDATA: 0, TAG: 8,
  CLOCK_ID: 16, CLOCK_TIMEOUT: 24, CLOCK_PRECISION: 32, CLOCK_FLAGS: 40,
  FD: 16,
} as const;
export const EVENT = { SIZE: 32, USERDATA: 0, ERROR: 8, TYPE: 10, NBYTES: 16, FLAGS: 24 } as const;
