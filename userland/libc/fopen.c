/*
 * fopen's "e" mode (POSIX.1-2024; glibc, musl): the stream's file descriptor
 * is close-on-exec. wasi-libc's fopen reads the "e" but was built with an
 * O_CLOEXEC of 0, so it asks for nothing; every program on tabkernel's libc
 * is linked with --wrap=fopen (userland/build.sh), and this sets FD_CLOEXEC
 * on what fopen opened. No other thread can exec in between: a process here
 * has one.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

FILE *__real_fopen(const char *restrict path, const char *restrict mode);

FILE *__wrap_fopen(const char *restrict path, const char *restrict mode) {
  FILE *f = __real_fopen(path, mode);
  if (f && strchr(mode, 'e')) fcntl(fileno(f), F_SETFD, FD_CLOEXEC);
  return f;
}
