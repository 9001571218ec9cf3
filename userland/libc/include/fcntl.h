/* wasi-libc's fcntl.h, with preprocessor-friendly open flags, plus F_DUPFD and F_DUPFD_CLOEXEC (userland/libc/fd.c)
 * and record locks: F_GETLK, F_SETLK, F_SETLKW with struct flock (wasi-libc
 * declares the struct, not the commands), Linux's numbers; the kernel enforces
 * them between processes (kernel/fs/locks.ts). O_CLOEXEC is tabkernel's own
 * bit (TK_O_CLOEXEC, kernel/abi/tabkernel.ts OpenFlag): wasi-libc's open
 * passes it to path_open with the fd flags, and the kernel sets the new fd's
 * FD_CLOEXEC; pipe2, dup3, accept4's SOCK_CLOEXEC and mkostemp take it too. */
#ifndef _TABKERNEL_FCNTL_H
#define _TABKERNEL_FCNTL_H
#include_next <fcntl.h>
/* The open flags with wasi-libc's values but without its casts to WASI's
 * integer types, so that `#if O_NONBLOCK` works in the preprocessor (gzip). */
#undef O_APPEND
#undef O_DSYNC
#undef O_NONBLOCK
#undef O_RSYNC
#undef O_SYNC
#undef O_CREAT
#undef O_DIRECTORY
#undef O_EXCL
#undef O_TRUNC
#undef O_CLOEXEC
#define O_APPEND 0x0001
#define O_DSYNC 0x0002
#define O_NONBLOCK 0x0004
#define O_RSYNC 0x0008
#define O_SYNC 0x0010
#define O_CREAT 0x1000
#define O_DIRECTORY 0x2000
#define O_EXCL 0x4000
#define O_TRUNC 0x8000
#define O_CLOEXEC 0x0800
#ifndef F_DUPFD
#define F_DUPFD 0
#endif
#ifndef F_DUPFD_CLOEXEC
#define F_DUPFD_CLOEXEC 1030
#endif
#ifndef F_GETLK
#define F_GETLK 5
#define F_SETLK 6
#define F_SETLKW 7
#endif
#ifndef F_RDLCK
#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2
#endif
#endif
