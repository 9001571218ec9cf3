/* wasi-libc's stdlib.h, plus what tabkernel's libc adds: system
 * (userland/libc/system.c), realpath (userland/libc/realpath.c), and
 * unique temporary files and directories (userland/libc/temp.c). */
#ifndef _TABKERNEL_STDLIB_H
#define _TABKERNEL_STDLIB_H
#include_next <stdlib.h>
#ifdef __cplusplus
extern "C" {
#endif

int system(const char *);
char *realpath(const char *__restrict, char *__restrict);
int mkstemp(char *);
int mkostemp(char *, int);
int mkstemps(char *, int);
int mkostemps(char *, int, int);
char *mkdtemp(char *);
char *mktemp(char *);

#ifdef __cplusplus
}
#endif
#endif
