/* wasi-libc's sys/stat.h, plus what tabkernel adds: chmod and friends, umask
 * (userland/libc/stat.c, cwd.c). */
#ifndef _TABKERNEL_SYS_STAT_H
#define _TABKERNEL_SYS_STAT_H
#include_next <sys/stat.h>
#ifdef __cplusplus
extern "C" {
#endif
int chmod(const char *, mode_t);
int fchmod(int, mode_t);
int fchmodat(int, const char *, mode_t, int);
mode_t umask(mode_t);
#ifdef __cplusplus
}
#endif
#endif
