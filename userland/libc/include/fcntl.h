/* wasi-libc's fcntl.h, plus F_DUPFD and F_DUPFD_CLOEXEC (userland/libc/fd.c)
 * and record locks: F_GETLK, F_SETLK, F_SETLKW with struct flock (wasi-libc
 * declares the struct, not the commands), Linux's numbers; the kernel enforces
 * them between processes (kernel/fs/locks.ts). O_CLOEXEC stays 0 (wasi-libc's
 * open knows no such flag): set FD_CLOEXEC with fcntl(F_SETFD) after opening. */
#ifndef _TABKERNEL_FCNTL_H
#define _TABKERNEL_FCNTL_H
#include_next <fcntl.h>
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
