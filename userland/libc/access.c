/*
 * access and faccessat with permission bits. wasi-libc's version checks that
 * the file exists and that the directory's WASI rights allow reading or
 * writing, but ignores X_OK, so `[ -x file ]` was true for any file and a
 * shell would try to run a text file. This one keeps those checks and adds
 * the execute test as Linux makes it for root (tabkernel has one user, root):
 * a directory, or a file with at least one execute bit.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

int __wasilibc_nocwd_fstatat(int fd, const char *path, struct stat *st, int flag);

int __wasilibc_nocwd_faccessat(int fd, const char *path, int amode, int flag) {
  if ((amode & ~(F_OK | R_OK | W_OK | X_OK)) != 0 || (flag & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW)) != 0) {
    errno = EINVAL;
    return -1;
  }
  struct stat st;
  if (__wasilibc_nocwd_fstatat(fd, path, &st, flag & AT_SYMLINK_NOFOLLOW) != 0) return -1;
  if (amode & (R_OK | W_OK)) {
    __wasi_fdstat_t dir;
    __wasi_errno_t e = __wasi_fd_fdstat_get(fd, &dir);
    if (e) {
      errno = e;
      return -1;
    }
    __wasi_rights_t need = 0;
    if (amode & R_OK) need |= S_ISDIR(st.st_mode) ? __WASI_RIGHTS_FD_READDIR : __WASI_RIGHTS_FD_READ;
    if (amode & W_OK) need |= __WASI_RIGHTS_FD_WRITE;
    if ((dir.fs_rights_inheriting & need) != need) {
      errno = EACCES;
      return -1;
    }
  }
  if ((amode & X_OK) && !S_ISDIR(st.st_mode) && (st.st_mode & 0111) == 0) {
    errno = EACCES;
    return -1;
  }
  return 0;
}
