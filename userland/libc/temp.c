/*
 * Unique temporary files and directories: mkstemp, mkostemp, mkstemps,
 * mkostemps, mkdtemp, mktemp, tmpfile, tmpnam. The six X's of a template
 * (before a suffix, for the *s variants) become random letters and digits
 * (random_get), tried until a name is new: files are made with O_CREAT|O_EXCL,
 * mode 0600, directories 0700 (wasi-libc's open and mkdir take no mode, so
 * the mode is set right after, on the fd or the new directory).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ATTEMPTS 1000

static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/* The six X's before `suffix` bytes at the end of tmpl, or NULL (EINVAL). */
static char *xs_of(char *tmpl, int suffix) {
  size_t len = strlen(tmpl);
  if (suffix < 0 || len < 6 || (size_t)suffix > len - 6) {
    errno = EINVAL;
    return NULL;
  }
  char *x = tmpl + len - suffix - 6;
  if (memcmp(x, "XXXXXX", 6) != 0) {
    errno = EINVAL;
    return NULL;
  }
  return x;
}

static int randomize(char *x) {
  unsigned char r[6];
  if (getentropy(r, sizeof r) != 0) return -1;
  for (int i = 0; i < 6; i++) x[i] = letters[r[i] % (sizeof letters - 1)];
  return 0;
}

/* Try `make` on fresh names until one is not taken (EEXIST); its result, or -1. */
static int try_names(char *tmpl, int suffix, int (*make)(const char *, int), int arg) {
  char *x = xs_of(tmpl, suffix);
  if (!x) return -1;
  for (int i = 0; i < ATTEMPTS; i++) {
    if (randomize(x) != 0) break;
    int r = make(tmpl, arg);
    if (r >= 0) return r;
    if (errno != EEXIST) break;
  }
  int e = errno;
  memcpy(x, "XXXXXX", 6);
  errno = e;
  return -1;
}

static int make_file(const char *path, int flags) {
  /* Only what may change how the file is used; the access mode is always read-write. */
  flags &= O_APPEND | O_DSYNC | O_RSYNC | O_SYNC;
  int fd = open(path, O_RDWR | O_CREAT | O_EXCL | flags);
  if (fd < 0) return -1;
  if (fchmod(fd, 0600) != 0) {
    int e = errno;
    close(fd);
    unlink(path);
    errno = e;
    return -1;
  }
  return fd;
}

static int make_dir(const char *path, int unused) {
  (void)unused;
  if (mkdir(path, 0700) != 0) return -1;
  if (chmod(path, 0700) != 0) {
    int e = errno;
    rmdir(path);
    errno = e;
    return -1;
  }
  return 0;
}

static int name_is_free(const char *path, int unused) {
  (void)unused;
  struct stat st;
  if (lstat(path, &st) == 0) {
    errno = EEXIST;
    return -1;
  }
  return errno == ENOENT ? 0 : -1;
}

int mkostemps(char *tmpl, int suffix, int flags) {
  return try_names(tmpl, suffix, make_file, flags);
}
int mkstemps(char *tmpl, int suffix) {
  return mkostemps(tmpl, suffix, 0);
}
int mkostemp(char *tmpl, int flags) {
  return mkostemps(tmpl, 0, flags);
}
int mkstemp(char *tmpl) {
  return mkostemps(tmpl, 0, 0);
}

char *mkdtemp(char *tmpl) {
  return try_names(tmpl, 0, make_dir, 0) == 0 ? tmpl : NULL;
}

/* Only a name: another process may take it before the caller does (use mkstemp). */
char *mktemp(char *tmpl) {
  if (try_names(tmpl, 0, name_is_free, 0) != 0) *tmpl = 0;
  return tmpl;
}

/* A file of no name in P_tmpdir, gone when closed. */
FILE *tmpfile(void) {
  char path[] = P_tmpdir "/tmpfile_XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return NULL;
  unlink(path);
  FILE *f = fdopen(fd, "w+");
  if (!f) {
    int e = errno;
    close(fd);
    errno = e;
  }
  return f;
}

char *tmpnam(char *s) {
  static char own[L_tmpnam];
  char path[] = P_tmpdir "/tmpnam_XXXXXX";
  _Static_assert(sizeof path <= L_tmpnam, "L_tmpnam is too small");
  if (try_names(path, 0, name_is_free, 0) != 0) return NULL;
  char *out = s ? s : own;
  memcpy(out, path, sizeof path);
  return out;
}
