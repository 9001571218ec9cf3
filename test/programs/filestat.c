// filestat: fd_/path_filestat_get fields, set_size, set_times with exact
// nanosecond timestamps, *_NOW, invalid flag combinations, symlink times
// with and without following (wasi-testsuite fd_filestat_set, path_filestat,
// fstflags_validate, symlink_filestat, stat-dev-ino).
// Usage: filestat.wasm [PREOPEN-NAME]   (needs a writable preopen)
//        filestat.wasm PREOPEN-NAME --mtim PATH   prints "mtim=N" for PATH (no follow)
#include "tk_test.h"

static int dir;

static __wasi_filestat_t fstat_fd(int fd) {
  __wasi_filestat_t st;
  memset(&st, 0xff, sizeof st);
  (void)__wasi_fd_filestat_get(fd, &st);
  return st;
}

static __wasi_filestat_t stat_path(const char *p, int follow) {
  __wasi_filestat_t st;
  memset(&st, 0xff, sizeof st);
  (void)__wasi_path_filestat_get(dir, follow ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0, p, &st);
  return st;
}

static uint64_t now_ns(void) {
  __wasi_timestamp_t t = 0;
  (void)__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &t);
  return t;
}

static int near(uint64_t a, uint64_t b, uint64_t slack) {
  return a > b ? a - b <= slack : b - a <= slack;
}

int main(int argc, char **argv) {
  dir = tk_find_preopen(argc > 1 ? argv[1] : NULL);
  if (dir < 0) {
    tk_line("FAIL setup: no preopened directory");
    return 2;
  }
  if (argc > 3 && strcmp(argv[2], "--mtim") == 0) {
    __wasi_filestat_t s = stat_path(argv[3], 0);
    tk_line("mtim=%llu", (unsigned long long)s.mtim);
    return 0;
  }
  const uint64_t SEC = 1000000000ull;
  uint64_t t0 = now_ns();
  int fd = tk_open(dir, "f", __WASI_OFLAGS_CREAT, TK_RW, 0);
  __wasi_filestat_t st = fstat_fd(fd);
  CHECK("new.size", st.size == 0, "size=%llu", (unsigned long long)st.size);
  CHECK("new.nlink", st.nlink == 1, "nlink=%llu", (unsigned long long)st.nlink);
  CHECK("new.type", st.filetype == __WASI_FILETYPE_REGULAR_FILE, "type=%d", st.filetype);
  CHECK("new.mtim-recent", near(st.mtim, t0, 60 * SEC), "mtim=%llu now=%llu",
        (unsigned long long)st.mtim, (unsigned long long)t0);
  CHECK("new.ctim-recent", near(st.ctim, t0, 60 * SEC), "ctim=%llu", (unsigned long long)st.ctim);
  CHECK("new.atim-recent", near(st.atim, t0, 60 * SEC), "atim=%llu", (unsigned long long)st.atim);

  int fd2 = tk_open(dir, "g", __WASI_OFLAGS_CREAT, TK_RW, 0);
  __wasi_filestat_t st2 = fstat_fd(fd2);
  CHECK("dev.same-dir-same-dev", st.dev == st2.dev, "dev %llu vs %llu",
        (unsigned long long)st.dev, (unsigned long long)st2.dev);
  CHECK("ino.distinct", st.ino != st2.ino, "both ino %llu", (unsigned long long)st.ino);
  __wasi_filestat_t pst = stat_path("f", 0);
  CHECK("path-vs-fd.ino", pst.ino == st.ino && pst.dev == st.dev, "path ino %llu fd ino %llu",
        (unsigned long long)pst.ino, (unsigned long long)st.ino);

  tk_write_all(fd, "0123456789", 10);
  CHECK("write.size", fstat_fd(fd).size == 10, "size=%llu", (unsigned long long)fstat_fd(fd).size);
  EXPECT_OK("set_size.grow", __wasi_fd_filestat_set_size(fd, 100));
  CHECK("set_size.grown", fstat_fd(fd).size == 100, "size=%llu",
        (unsigned long long)fstat_fd(fd).size);
  CHECK("set_size.path-agrees", stat_path("f", 0).size == 100, "size=%llu",
        (unsigned long long)stat_path("f", 0).size);
  EXPECT_OK("set_size.shrink", __wasi_fd_filestat_set_size(fd, 4));
  CHECK("set_size.shrunk", fstat_fd(fd).size == 4, "size=%llu",
        (unsigned long long)fstat_fd(fd).size);

  // Exact nanosecond timestamps; only flagged fields change.
  st = fstat_fd(fd);
  uint64_t new_m = st.mtim - 100;
  EXPECT_OK("set_times.mtim", __wasi_fd_filestat_set_times(fd, 0, new_m, __WASI_FSTFLAGS_MTIM));
  __wasi_filestat_t after = fstat_fd(fd);
  CHECK("set_times.mtim-exact", after.mtim == new_m, "mtim=%llu want %llu",
        (unsigned long long)after.mtim, (unsigned long long)new_m);
  CHECK("set_times.atim-untouched", after.atim == st.atim, "atim %llu -> %llu",
        (unsigned long long)st.atim, (unsigned long long)after.atim);
  const uint64_t odd = 1234567891ull * SEC + 987654321ull;
  EXPECT_OK("set_times.atim", __wasi_fd_filestat_set_times(fd, odd, 0, __WASI_FSTFLAGS_ATIM));
  after = fstat_fd(fd);
  CHECK("set_times.atim-exact", after.atim == odd, "atim=%llu", (unsigned long long)after.atim);
  CHECK("set_times.mtim-kept", after.mtim == new_m, "mtim=%llu", (unsigned long long)after.mtim);
  EXPECT_ERR("set_times.mtim-and-now",
             __wasi_fd_filestat_set_times(fd, 0, 5, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW),
             __WASI_ERRNO_INVAL);
  EXPECT_ERR("set_times.atim-and-now",
             __wasi_fd_filestat_set_times(fd, 5, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW),
             __WASI_ERRNO_INVAL);
  after = fstat_fd(fd);
  CHECK("set_times.invalid-changes-nothing", after.mtim == new_m && after.atim == odd,
        "times changed by a failed call");
  EXPECT_ERR("set_times.unknown-flag", __wasi_fd_filestat_set_times(fd, 0, 0, 16),
             __WASI_ERRNO_INVAL);
  uint64_t t1 = now_ns();
  EXPECT_OK("set_times.now", __wasi_fd_filestat_set_times(
                                 fd, 0, 0, __WASI_FSTFLAGS_ATIM_NOW | __WASI_FSTFLAGS_MTIM_NOW));
  after = fstat_fd(fd);
  CHECK("set_times.now-values", near(after.mtim, t1, 5 * SEC) && near(after.atim, t1, 5 * SEC),
        "mtim=%llu atim=%llu now=%llu", (unsigned long long)after.mtim,
        (unsigned long long)after.atim, (unsigned long long)t1);
  EXPECT_OK("set_times.none", __wasi_fd_filestat_set_times(fd, 1, 1, 0));
  CHECK("set_times.none-changes-nothing", fstat_fd(fd).mtim == after.mtim, "mtim changed");

  // A write moves mtim forward again.
  (void)__wasi_fd_filestat_set_times(fd, 0, 1 * SEC, __WASI_FSTFLAGS_MTIM);
  tk_write_all(fd, "x", 1);
  CHECK("write.updates-mtim", fstat_fd(fd).mtim > 1 * SEC, "mtim=%llu",
        (unsigned long long)fstat_fd(fd).mtim);

  // path_filestat_set_times, and symlinks: no-follow sets the link's own times.
  uint64_t pm = 1600000000ull * SEC + 1;
  EXPECT_OK("path_set_times", __wasi_path_filestat_set_times(dir, 0, "g", 0, pm,
                                                             __WASI_FSTFLAGS_MTIM));
  CHECK("path_set_times.exact", stat_path("g", 0).mtim == pm, "mtim=%llu",
        (unsigned long long)stat_path("g", 0).mtim);
  EXPECT_ERR("path_set_times.mtim-and-now",
             __wasi_path_filestat_set_times(dir, 0, "g", 0, pm,
                                            __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW),
             __WASI_ERRNO_INVAL);
  EXPECT_ERR("path_set_times.missing",
             __wasi_path_filestat_set_times(dir, 0, "missing", 0, pm, __WASI_FSTFLAGS_MTIM),
             __WASI_ERRNO_NOENT);
  (void)__wasi_path_symlink("g", dir, "glink");
  uint64_t lm = 1500000000ull * SEC + 7;
  EXPECT_OK("symlink.set_times-nofollow",
            __wasi_path_filestat_set_times(dir, 0, "glink", 0, lm, __WASI_FSTFLAGS_MTIM));
  CHECK("symlink.own-mtim", stat_path("glink", 0).mtim == lm, "link mtim=%llu",
        (unsigned long long)stat_path("glink", 0).mtim);
  CHECK("symlink.target-untouched", stat_path("g", 0).mtim == pm, "target mtim=%llu",
        (unsigned long long)stat_path("g", 0).mtim);
  CHECK("symlink.follow-reads-target", stat_path("glink", 1).mtim == pm, "mtim=%llu",
        (unsigned long long)stat_path("glink", 1).mtim);
  EXPECT_OK("symlink.set_times-follow",
            __wasi_path_filestat_set_times(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "glink", 0,
                                           lm + 1, __WASI_FSTFLAGS_MTIM));
  CHECK("symlink.follow-sets-target", stat_path("g", 0).mtim == lm + 1, "mtim=%llu",
        (unsigned long long)stat_path("g", 0).mtim);
  CHECK("symlink.size", stat_path("glink", 0).size == 1, "size of a link to 'g' = %llu",
        (unsigned long long)stat_path("glink", 0).size);

  // Directories.
  (void)__wasi_path_create_directory(dir, "sub");
  CHECK("dir.type", stat_path("sub", 0).filetype == __WASI_FILETYPE_DIRECTORY, "type=%d",
        stat_path("sub", 0).filetype);
  CHECK("preopen.type", fstat_fd(dir).filetype == __WASI_FILETYPE_DIRECTORY, "type=%d",
        fstat_fd(dir).filetype);
  EXPECT_ERR("filestat.bad-fd", __wasi_fd_filestat_get(999, &st), __WASI_ERRNO_BADF);
  __wasi_fd_close(fd);
  __wasi_fd_close(fd2);
  return tk_done();
}
