/*
 * Generated from kernel/abi/tabkernel.ts by `node scripts/abi-header.js`: do not edit.
 * The constants and structs of tabkernel's own calls (tabkernel.h declares the calls).
 */
#ifndef _TABKERNEL_ABI_H
#define _TABKERNEL_ABI_H

#include <stdint.h>

/* posix_spawn file actions (struct tk_file_action.op). */
#define TK_FA_CLOSE 1
#define TK_FA_DUP2 2
#define TK_FA_OPEN 3
#define TK_FA_CHDIR 4

/* Spawn file actions, packed one after another, each 4-byte aligned (20 bytes). */
struct tk_file_action {
  uint32_t op;
  int32_t fd; /* CLOSE, DUP2 (target), OPEN (target) */
  int32_t arg; /* DUP2: source fd; OPEN: the mode a file it creates takes, before the umask */
  uint32_t oflags; /* OPEN: O_* flags as wasi-libc defines them */
  uint32_t path_len; /* OPEN, CHDIR: bytes of path that follow (no NUL) */
};
_Static_assert(sizeof(struct tk_file_action) == 20, "kernel/abi/tabkernel.ts");
_Static_assert(__builtin_offsetof(struct tk_file_action, op) == 0, "kernel/abi/tabkernel.ts");
_Static_assert(__builtin_offsetof(struct tk_file_action, fd) == 4, "kernel/abi/tabkernel.ts");
_Static_assert(__builtin_offsetof(struct tk_file_action, arg) == 8, "kernel/abi/tabkernel.ts");
_Static_assert(__builtin_offsetof(struct tk_file_action, oflags) == 12, "kernel/abi/tabkernel.ts");
_Static_assert(__builtin_offsetof(struct tk_file_action, path_len) == 16, "kernel/abi/tabkernel.ts");

/* Each file action with its path is padded to this many bytes. */
#define TK_FILE_ACTION_ALIGN 4

/* posix_spawn attribute flags (struct tk_spawnattr.flags). */
#define TK_SPAWN_SETPGROUP 1
#define TK_SPAWN_SETSIGMASK 2
#define TK_SPAWN_SETSIGDEF 4
#define TK_SPAWN_SETSID 8

/* Spawn attributes (24 bytes). */
struct tk_spawnattr {
  uint32_t flags;
  int32_t pgroup;
  uint64_t sigdefault; /* bit (sig-1) set: reset that signal to SIG_DFL */
  uint64_t sigmask;
};
_Static_assert(sizeof(struct tk_spawnattr) == 24, "kernel/abi/tabkernel.ts");
_Static_assert(__builtin_offsetof(struct tk_spawnattr, flags) == 0, "kernel/abi/tabkernel.ts");
_Static_assert(__builtin_offsetof(struct tk_spawnattr, pgroup) == 4, "kernel/abi/tabkernel.ts");
_Static_assert(__builtin_offsetof(struct tk_spawnattr, sigdefault) == 8, "kernel/abi/tabkernel.ts");
_Static_assert(__builtin_offsetof(struct tk_spawnattr, sigmask) == 16, "kernel/abi/tabkernel.ts");

/* wait options (sys/wait.h). */
#define TK_WNOHANG 1
#define TK_WUNTRACED 2
#define TK_WCONTINUED 8

/* The wait status of a continued process. */
#define TK_WSTATUS_CONTINUED 0xffff

/* The open flag tabkernel adds (fcntl.h O_CLOEXEC), in path_open's fdflags. */
#define TK_O_CLOEXEC 2048

/* tk_pipe flags. */
#define TK_PIPE_CLOEXEC 1
#define TK_PIPE_NONBLOCK 2

/* Writes of up to this many bytes go into a pipe whole. */
#define TK_PIPE_BUF 4096

/* sigaction flags (signal.h). */
#define TK_SA_NOCLDSTOP 1
#define TK_SA_NOCLDWAIT 2
#define TK_SA_SIGINFO 4
#define TK_SA_RESTART 0x10000000
#define TK_SA_NODEFER 0x40000000
#define TK_SA_RESETHAND 0x80000000u

/* tk_sigaction handler values that are not function-table indices. */
#define TK_SIG_DFL 0
#define TK_SIG_IGN 0xfffffffeu
#define TK_SIG_QUERY 0xffffffffu

/* tk_ppoll: leave the signal mask as it is. */
#define TK_MASK_UNCHANGED (-1)

/* tk_image operations. */
#define TK_IMAGE_PULL 1
#define TK_IMAGE_FETCH 2
#define TK_IMAGE_INSPECT 3
#define TK_IMAGE_LIST 4
#define TK_IMAGE_REMOVE 5
#define TK_IMAGE_BUILD 6

/* tk_image: no progress fd. */
#define TK_NO_PROGRESS_FD (-1)

/* statvfs of a path: eleven u64s in this order (88 bytes). */
struct tk_statvfs {
  uint64_t bsize;
  uint64_t frsize;
  uint64_t blocks;
  uint64_t bfree;
  uint64_t bavail;
  uint64_t files;
  uint64_t ffree;
  uint64_t favail;
  uint64_t fsid;
  uint64_t flag;
  uint64_t namemax;
};
_Static_assert(sizeof(struct tk_statvfs) == 88, "kernel/abi/tabkernel.ts");
_Static_assert(__builtin_offsetof(struct tk_statvfs, bsize) == 0, "kernel/abi/tabkernel.ts");
_Static_assert(__builtin_offsetof(struct tk_statvfs, frsize) == 8, "kernel/abi/tabkernel.ts");
_Static_assert(__builtin_offsetof(struct tk_statvfs, blocks) == 16, "kernel/abi/tabkernel.ts");
_Static_assert(__builtin_offsetof(struct tk_statvfs, bfree) == 24, "kernel/abi/tabkernel.ts");
_Static_assert(__builtin_offsetof(struct tk_statvfs, bavail) == 32, "kernel/abi/tabkernel.ts");
_Static_assert(__builtin_offsetof(struct tk_statvfs, files) == 40, "kernel/abi/tabkernel.ts");
_Static_assert(__builtin_offsetof(struct tk_statvfs, ffree) == 48, "kernel/abi/tabkernel.ts");
_Static_assert(__builtin_offsetof(struct tk_statvfs, favail) == 56, "kernel/abi/tabkernel.ts");
_Static_assert(__builtin_offsetof(struct tk_statvfs, fsid) == 64, "kernel/abi/tabkernel.ts");
_Static_assert(__builtin_offsetof(struct tk_statvfs, flag) == 72, "kernel/abi/tabkernel.ts");
_Static_assert(__builtin_offsetof(struct tk_statvfs, namemax) == 80, "kernel/abi/tabkernel.ts");

/* F_GETLK: the lock in the way, or type F_UNLCK; len 0 means "to the end" (24 bytes). */
struct tk_lock {
  int32_t type;
  int32_t pid;
  int64_t start;
  int64_t len;
};
_Static_assert(sizeof(struct tk_lock) == 24, "kernel/abi/tabkernel.ts");
_Static_assert(__builtin_offsetof(struct tk_lock, type) == 0, "kernel/abi/tabkernel.ts");
_Static_assert(__builtin_offsetof(struct tk_lock, pid) == 4, "kernel/abi/tabkernel.ts");
_Static_assert(__builtin_offsetof(struct tk_lock, start) == 8, "kernel/abi/tabkernel.ts");
_Static_assert(__builtin_offsetof(struct tk_lock, len) == 16, "kernel/abi/tabkernel.ts");

/* Bytes of struct termios. */
#define TK_TERMIOS_SIZE 60

/* Address families (wasi-libc's values). */
#define TK_AF_UNSPEC 0
#define TK_AF_INET 1
#define TK_AF_INET6 2
#define TK_AF_UNIX 3

/* Socket types (WASI filetypes) and the flags socket(), socketpair() and accept4() take. */
#define TK_SOCK_DGRAM 5
#define TK_SOCK_STREAM 6
#define TK_SOCK_NONBLOCK 16384
#define TK_SOCK_CLOEXEC 8192

/* Option levels. */
#define TK_SOL_SOCKET 0x7fffffff
#define TK_SOL_IP 0
#define TK_SOL_TCP 6
#define TK_SOL_UDP 17
#define TK_SOL_IPV6 41

/* SOL_SOCKET options. */
#define TK_SO_REUSEADDR 2
#define TK_SO_TYPE 3
#define TK_SO_ERROR 4
#define TK_SO_BROADCAST 6
#define TK_SO_SNDBUF 7
#define TK_SO_RCVBUF 8
#define TK_SO_KEEPALIVE 9
#define TK_SO_LINGER 13
#define TK_SO_REUSEPORT 15
#define TK_SO_ACCEPTCONN 30
#define TK_SO_PROTOCOL 38
#define TK_SO_DOMAIN 39
#define TK_SO_RCVTIMEO 66
#define TK_SO_SNDTIMEO 67

/* IPPROTO_TCP options. */
#define TK_TCP_NODELAY 1

/* IPPROTO_IPV6 options. */
#define TK_IPV6_V6ONLY 26

/* send and recv flags. */
#define TK_MSG_PEEK 1
#define TK_MSG_WAITALL 2
#define TK_MSG_DONTWAIT 64
#define TK_MSG_NOSIGNAL 16384

/* recv's output flag: the datagram was cut to the buffer. */
#define TK_MSG_TRUNC 1

/* The largest socket address the kernel reads or writes. */
#define TK_SOCKADDR_MAX 128

/* The largest listen() backlog. */
#define TK_SOMAXCONN 4096

/* tk_resolve's answer: records of SIZE bytes, the family (u16) at FAMILY, 16 address bytes at ADDR. */
#define TK_RESOLVED_SIZE 20
#define TK_RESOLVED_FAMILY 0
#define TK_RESOLVED_ADDR 4

/* The most addresses one tk_resolve answers. */
#define TK_RESOLVE_MAX 32

#endif
