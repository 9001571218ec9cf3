/*
 * Shared helpers for the utilities in userland/bin: diagnostics in the
 * coreutils shape ("prog: name: strerror"), whole-buffer writes, opening an
 * operand that may be "-" (stdin), and the small formatters several tools
 * share (ls/stat mode strings, human-readable sizes).
 * The bodies are in util.c, one member of the archive every /bin program
 * links (userland/build.sh); util.c also enlarges the stdio buffers.
 */
#ifndef UTIL_H
#define UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The program's name in diagnostics; each main sets it. */
extern const char *prog;

#define die_(status, ...) do { warn_(__VA_ARGS__); exit(status); } while (0)
#define diex_(status, ...) do { warnx_(__VA_ARGS__); exit(status); } while (0)

/* "prog: MESSAGE\n" on stderr. */
void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "prog: MESSAGE: strerror(errno)\n" on stderr. */
void warn_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Usage hint after a bad option, as coreutils prints it. */
void usage_hint(void);

/*
 * getopt with coreutils' diagnostics ("prog: invalid option -- 'x'")
 * instead of musl's, which name argv[0] (here the .wasm path).
 */
int getopt_(int argc, char *const argv[], const char *opts);

/* malloc, realloc and strdup that exit with "out of memory" instead of failing. */
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* Write all n bytes to fd; 0 or -1 with errno set. */
int write_all(int fd, const void *buf, size_t n);

/* The whole rest of `fd` in a malloc'd buffer (its length in *len); NULL on a read error. */
char *slurp(int fd, size_t *len);

/* Open a file operand for reading: "-" is stdin. -1 with errno on failure. */
int open_in(const char *name);

/* FILE* flavour of open_in; reports the error itself and returns NULL. */
FILE *fopen_in(const char *name);
/* Close what fopen_in opened (stdin stays open, its EOF cleared). */
void fclose_in(FILE *f);

/* Join a directory and a name with exactly one '/'. Caller frees. */
char *path_join(const char *dir, const char *name);

/* The last path component (no trailing slashes), pointing into a copy. */
const char *base_name(const char *path, char *buf, size_t cap);

/* "drwxr-xr-x" style, 10 chars + NUL. */
char *mode_string(mode_t m, char *b);

/* Human-readable size as `ls -h` / `du -h` print it (1024-based, e.g. 1.5K, 23M). */
char *human_size(uint64_t n, char *b, size_t cap);

/* Parse a non-negative decimal count with optional coreutils suffix
 * (b=512, k/K=1024, M, G; kB=1000...). -1 when malformed. */
long long parse_count(const char *s);

#endif
