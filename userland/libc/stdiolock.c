/*
 * stdio stream locks: flockfile, ftrylockfile, funlockfile (POSIX, "flockfile").
 * A tabkernel process has one thread (fork makes processes, never threads),
 * so no other thread can hold a stream's lock: taking it always succeeds at
 * once and letting it go has nothing to wake. wasi-libc declares these only
 * for its threads build; gnulib's getopt and others call them around stdio.
 */
#include <stdio.h>

void flockfile(FILE *f) {
  (void)f;
}

int ftrylockfile(FILE *f) {
  (void)f;
  return 0;
}

void funlockfile(FILE *f) {
  (void)f;
}
