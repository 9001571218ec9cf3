/*
 * Path canonicalization for readlink -f/-e/-m and realpath: an absolute
 * path with "." and ".." resolved and every symlink followed (wasi-libc has
 * no realpath). Works on the textual path, starting from getcwd().
 */
#ifndef CANON_H
#define CANON_H

#include <limits.h>   /* PATH_MAX: the size of canonicalize's out */

enum { CANON_EXISTING, CANON_ALL_BUT_LAST, CANON_MISSING };

/* 0, or -1 with errno. out has PATH_MAX bytes. */
int canonicalize(const char *path, char *out, int mode);

#endif
