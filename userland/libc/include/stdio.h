/* wasi-libc's stdio.h, plus what tabkernel's libc adds: popen and pclose
 * (userland/libc/system.c), tmpfile and tmpnam (userland/libc/temp.c), which
 * wasi-libc leaves out or declares deprecated ("not defined on WASI"), and the
 * stream locks (userland/libc/stdiolock.c), declared only in its threads build. */
#ifndef _TABKERNEL_STDIO_H
#define _TABKERNEL_STDIO_H
/* wasi-libc's own declarations of these carry a deprecation: give them other names. */
#define tmpnam __wasilibc_deprecated_tmpnam
#define tmpfile __wasilibc_deprecated_tmpfile
#include_next <stdio.h>
#undef tmpnam
#undef tmpfile
#ifdef __cplusplus
extern "C" {
#endif

#ifndef P_tmpdir
#define P_tmpdir "/tmp"
#endif
#undef L_tmpnam
#define L_tmpnam 20
#undef TMP_MAX
#define TMP_MAX 10000

char *tmpnam(char *);
FILE *tmpfile(void);
FILE *popen(const char *, const char *);
int pclose(FILE *);
void flockfile(FILE *);
int ftrylockfile(FILE *);
void funlockfile(FILE *);

#ifdef __cplusplus
}
#endif
#endif
