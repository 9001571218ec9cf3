/* wasi-libc's fcntl.h, plus F_DUPFD and F_DUPFD_CLOEXEC (userland/libc/fd.c).
 * O_CLOEXEC stays 0 (wasi-libc's open knows no such flag): set FD_CLOEXEC with
 * fcntl(F_SETFD) after opening. */
#ifndef _TABKERNEL_FCNTL_H
#define _TABKERNEL_FCNTL_H
#include_next <fcntl.h>
#ifndef F_DUPFD
#define F_DUPFD 0
#endif
#ifndef F_DUPFD_CLOEXEC
#define F_DUPFD_CLOEXEC 1030
#endif
#endif
