/*
 * File times with UTIME_NOW, UTIME_OMIT and NULL handled as POSIX says
 * (Debian's wasi-libc of May 2022 turns a NULL times array into the epoch).
 * These replace wasi-libc's objects for utimensat and futimens.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <wasi/api.h>

static __wasi_fstflags_t flags_for(const struct timespec *t, __wasi_fstflags_t set, __wasi_fstflags_t now,
                                   __wasi_timestamp_t *out, int *bad) {
  *out = 0;
  if (!t || t->tv_nsec == UTIME_NOW) return now;
  if (t->tv_nsec == UTIME_OMIT) return 0;
  if (t->tv_nsec < 0 || t->tv_nsec >= 1000000000L || t->tv_sec < 0) {
    *bad = 1;
    return 0;
  }
  *out = (__wasi_timestamp_t)t->tv_sec * 1000000000ull + (__wasi_timestamp_t)t->tv_nsec;
  return set;
}

static int times_of(const struct timespec times[2], __wasi_timestamp_t *atim, __wasi_timestamp_t *mtim,
                    __wasi_fstflags_t *fl) {
  int bad = 0;
  *fl = flags_for(times ? &times[0] : NULL, __WASI_FSTFLAGS_ATIM, __WASI_FSTFLAGS_ATIM_NOW, atim, &bad) |
        flags_for(times ? &times[1] : NULL, __WASI_FSTFLAGS_MTIM, __WASI_FSTFLAGS_MTIM_NOW, mtim, &bad);
  return bad ? EINVAL : 0;
}

int __wasilibc_nocwd_utimensat(int fd, const char *path, const struct timespec times[2], int flag) {
  __wasi_timestamp_t atim, mtim;
  __wasi_fstflags_t fl;
  int e = times_of(times, &atim, &mtim, &fl);
  if (!e) {
    __wasi_lookupflags_t lf = (flag & AT_SYMLINK_NOFOLLOW) ? 0 : __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW;
    e = __wasi_path_filestat_set_times(fd, lf, path, atim, mtim, fl);
  }
  if (e) {
    errno = e;
    return -1;
  }
  return 0;
}

int futimens(int fd, const struct timespec times[2]) {
  __wasi_timestamp_t atim, mtim;
  __wasi_fstflags_t fl;
  int e = times_of(times, &atim, &mtim, &fl);
  if (!e) e = __wasi_fd_filestat_set_times(fd, atim, mtim, fl);
  if (e) {
    errno = e;
    return -1;
  }
  return 0;
}
