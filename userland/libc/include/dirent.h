/* wasi-libc's dirent.h, with its opendirat renamed. wasi-libc's
 * opendirat(int, const char *) is a WASI extension whose name gnulib gives to
 * another function (opendirat(dirfd, name, flags, &fd), in tar); wasi-libc
 * defines its own in at_fdcwd.o, beside openat, which every program links, so
 * a program's own would clash at link time ("signature mismatch"). Here the
 * name means __tk_opendirat: a program that declares and defines an
 * opendirat gets its own, and wasi-libc's is not reachable by that name
 * (fdopendir(openat(…)) does the same). */
#ifndef _TABKERNEL_DIRENT_H
#define _TABKERNEL_DIRENT_H
#define opendirat __wasilibc_opendirat_declared
#include_next <dirent.h>
#undef opendirat
#define opendirat __tk_opendirat
#endif
