/* wasi-libc's fcntl.h; tabkernel's fcntl (userland/libc/fd.c) adds F_DUPFD,
 * F_DUPFD_CLOEXEC and a real FD_CLOEXEC. */
#ifndef _TABKERNEL_FCNTL_H
#define _TABKERNEL_FCNTL_H
#include_next <fcntl.h>
#ifndef F_DUPFD
#define F_DUPFD 0
#endif
#endif
