/*
 * open(2) and mkdir(2) with their mode argument. WASI's path_open and
 * path_create_directory carry no mode: the kernel gives a new file 0666 and a
 * new directory 0777, less the umask. When a program asks for other bits —
 * a linker's open(out, O_CREAT|O_WRONLY, 0777), mkdir(dir, 0700) — these
 * wrappers set them on what was made. Every program on tabkernel's libc is
 * linked with --wrap=open,openat,mkdir,mkdirat (userland/build.sh), so calls
 * from inside wasi-libc (creat, fopen) come here too.
 * A file is made with O_EXCL first, so that one which already existed keeps
 * its mode, as open(2) says; if that finds a file, it is opened as it is.
 * Spec: POSIX open(2) and mkdir(2) ("the file permission bits … set to the
 * value of mode, modified … by the file mode creation mask").
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <tabkernel.h>

int __real_open(const char *path, int flags, ...);
int __real_openat(int dirfd, const char *path, int flags, ...);
int __real_mkdir(const char *path, mode_t mode);
int __real_mkdirat(int dirfd, const char *path, mode_t mode);

/* The process's umask (two calls: there is no call that only reads it). */
static mode_t current_umask(void) {
  uint32_t mask = 022;
  tk_umask(0, &mask);
  tk_umask(mask, &(uint32_t){0});
  return (mode_t)mask;
}

/* What the kernel gives without being asked, and what `mode` asks for; 0 when they agree. */
static int wanted(mode_t mode, mode_t deflt, mode_t *want) {
  if ((mode & 07777) == deflt) return 0;  /* the common 0666 and 0777: no call at all */
  mode_t mask = current_umask();
  *want = mode & 07777 & ~mask;
  return *want != (deflt & ~mask);
}

/* open or openat (dirfd != AT_FDCWD), with the mode the kernel cannot take. */
static int open_mode(int dirfd, const char *path, int flags, mode_t mode) {
#define OPEN(f) (dirfd == AT_FDCWD ? __real_open(path, (f), mode) : __real_openat(dirfd, path, (f), mode))
  mode_t want;
  if (!(flags & O_CREAT) || !wanted(mode, 0666, &want)) return OPEN(flags);
  int fd;
  /* Twice at most: a name that comes and goes in between, or a dangling symlink, ends in the plain open. */
  for (int attempt = 0; attempt < 2; attempt++) {
    fd = OPEN(flags | O_EXCL);
    if (fd >= 0) {
      tk_fchmod(fd, want);
      return fd;
    }
    if (errno != EEXIST || (flags & O_EXCL)) return -1;
    fd = OPEN(flags & ~O_CREAT);
    if (fd >= 0 || errno != ENOENT) return fd;
  }
  return OPEN(flags);
#undef OPEN
}

static mode_t mode_arg(int flags, va_list ap) {
  return (flags & O_CREAT) ? (mode_t)va_arg(ap, int) : 0;
}

int __wrap_open(const char *path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  mode_t mode = mode_arg(flags, ap);
  va_end(ap);
  return open_mode(AT_FDCWD, path, flags, mode);
}

int __wrap_openat(int dirfd, const char *path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  mode_t mode = mode_arg(flags, ap);
  va_end(ap);
  return open_mode(dirfd, path, flags, mode);
}

int __wrap_mkdir(const char *path, mode_t mode) {
  mode_t want;
  if (__real_mkdir(path, mode) != 0) return -1;
  if (wanted(mode, 0777, &want)) chmod(path, want);
  return 0;
}

int __wrap_mkdirat(int dirfd, const char *path, mode_t mode) {
  mode_t want;
  if (__real_mkdirat(dirfd, path, mode) != 0) return -1;
  if (wanted(mode, 0777, &want)) fchmodat(dirfd, path, want, 0);
  return 0;
}
