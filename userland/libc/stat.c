/*
 * stat with permission bits, and chmod. WASI's filestat has no mode, so these
 * replace wasi-libc's fstat and __wasilibc_nocwd_fstatat (under stat, lstat and
 * fstatat) with versions that also ask the kernel for the mode (getmode), and
 * add chmod, fchmod and fchmodat. Pipes and host streams read as FIFOs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <wasi/api.h>
#include <wasi/libc-find-relpath.h>
#include <tabkernel.h>

static struct timespec ts(__wasi_timestamp_t ns) {
  struct timespec t = {(time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull)};
  return t;
}

static void to_stat(const __wasi_filestat_t *in, uint32_t perm, struct stat *out) {
  memset(out, 0, sizeof *out);
  mode_t type;
  switch (in->filetype) {
    case __WASI_FILETYPE_BLOCK_DEVICE: type = S_IFBLK; break;
    case __WASI_FILETYPE_CHARACTER_DEVICE: type = S_IFCHR; break;
    case __WASI_FILETYPE_DIRECTORY: type = S_IFDIR; break;
    case __WASI_FILETYPE_REGULAR_FILE: type = S_IFREG; break;
    case __WASI_FILETYPE_SOCKET_DGRAM:
    case __WASI_FILETYPE_SOCKET_STREAM: type = S_IFSOCK; break;
    case __WASI_FILETYPE_SYMBOLIC_LINK: type = S_IFLNK; break;
    default: type = S_IFIFO; break;
  }
  out->st_dev = in->dev;
  out->st_ino = in->ino;
  out->st_nlink = in->nlink;
  out->st_mode = type | (perm & 07777);
  out->st_size = (off_t)in->size;
  out->st_blksize = 4096;
  out->st_blocks = (blkcnt_t)((in->size + 511) / 512);
  out->st_atim = ts(in->atim);
  out->st_mtim = ts(in->mtim);
  out->st_ctim = ts(in->ctim);
}

int fstat(int fd, struct stat *st) {
  __wasi_filestat_t fs;
  int e = __wasi_fd_filestat_get(fd, &fs);
  uint32_t mode = 0644;
  if (!e) tk_fgetmode(fd, &mode);
  if (e) {
    errno = e;
    return -1;
  }
  to_stat(&fs, mode, st);
  return 0;
}

int __wasilibc_nocwd_fstatat(int fd, const char *path, struct stat *st, int flag) {
  __wasi_lookupflags_t lf = (flag & AT_SYMLINK_NOFOLLOW) ? 0 : __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW;
  __wasi_filestat_t fs;
  int e = __wasi_path_filestat_get(fd, lf, path, &fs);
  uint32_t mode = 0644;
  if (!e) tk_getmode(fd, path, strlen(path), lf != 0, &mode);
  if (e) {
    errno = e;
    return -1;
  }
  to_stat(&fs, mode, st);
  return 0;
}

static int chmod_at(int dirfd, const char *path, mode_t mode, int follow) {
  int e = tk_chmod(dirfd, path, strlen(path), mode, follow);
  if (e) {
    errno = e;
    return -1;
  }
  return 0;
}

int fchmodat(int dirfd, const char *path, mode_t mode, int flag) {
  int follow = !(flag & AT_SYMLINK_NOFOLLOW);
  if (dirfd != AT_FDCWD) return chmod_at(dirfd, path, mode, follow);
  const char *abs;
  char *rel = NULL;
  size_t rlen = 0;
  int fd = __wasilibc_find_relpath_alloc(path, &abs, &rel, &rlen, 1);
  if (fd < 0) return -1;
  int r = chmod_at(fd, rel, mode, follow);
  free(rel);
  return r;
}

int chmod(const char *path, mode_t mode) {
  return fchmodat(AT_FDCWD, path, mode, 0);
}

int fchmod(int fd, mode_t mode) {
  int e = tk_fchmod(fd, mode);
  if (e) {
    errno = e;
    return -1;
  }
  return 0;
}
