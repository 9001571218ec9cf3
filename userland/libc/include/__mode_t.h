/* wasi-libc's file type and permission bits, with FIFOs told apart from
 * sockets. wasi-libc gives S_IFIFO the value of S_IFSOCK (0xc000): WASI has no
 * FIFO file type, so its own stat never reports one. tabkernel's stat
 * (userland/libc/stat.c) does — pipes and the host's streams — so a FIFO gets
 * Linux's S_IFIFO (0x1000) and S_IFMT covers all four type bits, as on Linux.
 * Every wasi-libc header that defines these includes this file by name, and
 * userland/libc/include comes first on the include path. */
#ifndef _TABKERNEL___MODE_T_H
#define _TABKERNEL___MODE_T_H
#include_next <__mode_t.h>
#undef S_IFIFO
#undef S_IFMT
#define S_IFIFO (0x1000)
#define S_IFMT (0xf000)
#endif
