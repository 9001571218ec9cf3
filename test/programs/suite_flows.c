// suite_flows: the call sequences of the wasi-testsuite Rust tests, with the
// exact (often minimal or odd) rights sets those tests pass, re-expressed in
// C. They catch a kernel that enforces rights more strictly than wasmtime
// does: the suite seeks, truncates and sets flags on fds opened with only
// FD_READ|FD_WRITE (docs/WASI-CONFORMANCE.md §2.2).
// Usage: suite_flows.wasm [PREOPEN-NAME]   (needs a writable, empty preopen)
#include <unistd.h>
#include "tk_test.h"

#define R(x) __WASI_RIGHTS_##x

static int pre;

// open_scratch_directory: reopen the preopen with its own rights.
static int scratch_dir(void) {
  __wasi_fdstat_t st;
  (void)__wasi_fd_fdstat_get(pre, &st);
  __wasi_fd_t fd;
  int e = __wasi_path_open(pre, 0, ".", __WASI_OFLAGS_DIRECTORY, st.fs_rights_base,
                           st.fs_rights_inheriting, 0, &fd);
  CHECK("scratch.reopen", e == 0 && fd > 3, "e=%s fd=%u", tk_errname(e), fd);
  return e ? -1 : (int)fd;
}

static int tmp_dir(int base, const char *name, __wasi_rights_t b, __wasi_rights_t i) {
  __wasi_fd_t fd;
  int e = __wasi_path_create_directory(base, name);
  if (!e) e = __wasi_path_open(base, 0, name, __WASI_OFLAGS_DIRECTORY, b, i, 0, &fd);
  char n[64];
  snprintf(n, sizeof n, "tmpdir.%s", name);
  CHECK(n, e == 0, "%s", tk_errname(e));
  return e ? -1 : (int)fd;
}

static int open_r(int d, const char *path, __wasi_oflags_t of, __wasi_rights_t b,
                  __wasi_rights_t i, __wasi_fdflags_t ff) {
  __wasi_fd_t fd;
  int e = __wasi_path_open(d, 0, path, of, b, i, ff, &fd);
  return e ? -e : (int)fd;
}

static __wasi_filesize_t size_of(int fd) {
  __wasi_filestat_t s;
  memset(&s, 0, sizeof s);
  (void)__wasi_fd_filestat_get(fd, &s);
  return s.size;
}

static void interesting_paths(int base) {
  int d = tmp_dir(base, "interesting.cleanup",
                  R(FD_FILESTAT_GET) | R(FD_READDIR) | R(PATH_CREATE_FILE) |
                      R(PATH_CREATE_DIRECTORY) | R(PATH_REMOVE_DIRECTORY) | R(PATH_OPEN) |
                      R(PATH_UNLINK_FILE),
                  R(FD_READ) | R(FD_WRITE) | R(FD_READDIR) | R(FD_FILESTAT_GET) | R(FD_SEEK));
  EXPECT_OK("interesting.mkdir", __wasi_path_create_directory(d, "dir"));
  EXPECT_OK("interesting.mkdir-nested", __wasi_path_create_directory(d, "dir/nested"));
  int f = open_r(d, "dir/nested/file", __WASI_OFLAGS_CREAT, 0, 0, 0);
  CHECK("interesting.create", f > 2, "got %d", f);
  (void)__wasi_fd_close(f);
  f = open_r(d, "dir/.//nested/../../dir/nested/../nested///./file", 0, 0, 0, 0);
  CHECK("interesting.dots", f > 2, "got %d", f);
  (void)__wasi_fd_close(f);
  EXPECT_OK("interesting.unlink", __wasi_path_unlink_file(d, "dir/nested/file"));
  EXPECT_OK("interesting.rmdir", __wasi_path_remove_directory(d, "dir/nested"));
  EXPECT_OK("interesting.rmdir2", __wasi_path_remove_directory(d, "dir"));
  (void)__wasi_fd_close(d);
  EXPECT_OK("interesting.cleanup", __wasi_path_remove_directory(base, "interesting.cleanup"));
}

static void minimal_rights_files(int d) {
  // fd_filestat_set / file_seek_tell / fd_flags_set / file_pread_pwrite all
  // open with FD_READ|FD_WRITE only and then seek, tell, truncate, pread,
  // set times and set flags.
  const __wasi_rights_t rw = R(FD_READ) | R(FD_WRITE);
  int f = open_r(d, "file", __WASI_OFLAGS_CREAT, rw, 0, 0);
  CHECK("minimal.open", f > 2, "got %d", f);
  EXPECT_OK("minimal.set_size", __wasi_fd_filestat_set_size(f, 100));
  CHECK("minimal.size", size_of(f) == 100, "size=%llu", (unsigned long long)size_of(f));
  __wasi_filestat_t st;
  (void)__wasi_fd_filestat_get(f, &st);
  EXPECT_OK("minimal.set_times", __wasi_fd_filestat_set_times(f, st.mtim - 100, st.mtim - 100,
                                                              __WASI_FSTFLAGS_MTIM));
  __wasi_filesize_t pos;
  EXPECT_OK("minimal.tell", __wasi_fd_tell(f, &pos));
  EXPECT_OK("minimal.seek", __wasi_fd_seek(f, -50, __WASI_WHENCE_END, &pos));
  CHECK("minimal.seek-pos", pos == 50, "pos=%llu", (unsigned long long)pos);
  __wasi_ciovec_t c = {(const uint8_t *)"ab", 2};
  __wasi_size_t n;
  EXPECT_OK("minimal.pwrite", __wasi_fd_pwrite(f, &c, 1, 0, &n));
  uint8_t b[2];
  __wasi_iovec_t v = {b, 2};
  EXPECT_OK("minimal.pread", __wasi_fd_pread(f, &v, 1, 0, &n));
  EXPECT_OK("minimal.set_flags", __wasi_fd_fdstat_set_flags(f, __WASI_FDFLAGS_APPEND));
  EXPECT_OK("minimal.sync", __wasi_fd_sync(f));
  CHECK("minimal.isatty", isatty(f) == 0, "a regular file is a tty");
  (void)__wasi_fd_close(f);

  // file_truncation: write-only create, then CREAT|TRUNC read+write.
  f = open_r(d, "t.txt", __WASI_OFLAGS_CREAT, R(FD_WRITE), 0, 0);
  CHECK("truncation.write", tk_write_all(f, "this will go", 12) == 12, "write");
  (void)__wasi_fd_close(f);
  f = open_r(d, "t.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, rw, 0, 0);
  char buf[16];
  CHECK("truncation.empty", tk_read(f, buf, sizeof buf) == 0, "file not truncated");
  (void)__wasi_fd_close(f);

  // file_unbuffered_write: a write through one fd is at once visible through
  // another fd of the same file.
  int fr = open_r(d, "ub", __WASI_OFLAGS_CREAT, R(FD_READ), 0, 0);
  int fw = open_r(d, "ub", 0, R(FD_WRITE), 0, 0);
  CHECK("unbuffered.write", tk_write_all(fw, "\x01", 1) == 1, "write");
  buf[0] = 0;
  CHECK("unbuffered.read", tk_read(fr, buf, 1) == 1 && buf[0] == 1, "read saw %d", buf[0]);
  (void)__wasi_fd_close(fw);
  (void)__wasi_fd_close(fr);

  // A file opened with rights 0 (create_file) is neither readable nor writable.
  f = open_r(d, "zero", __WASI_OFLAGS_CREAT, 0, 0, 0);
  __wasi_fdstat_t fs;
  (void)__wasi_fd_fdstat_get(f, &fs);
  CHECK("zero-rights.no-read", !(fs.fs_rights_base & R(FD_READ)), "base=%llx",
        (unsigned long long)fs.fs_rights_base);
  CHECK("zero-rights.read-badf", tk_read(f, buf, 1) == -__WASI_ERRNO_BADF, "read allowed");
  (void)__wasi_fd_close(f);
}

static void readdir_flow(int base) {
  int d = tmp_dir(base, "readdir.cleanup",
                  R(FD_FILESTAT_GET) | R(FD_READDIR) | R(PATH_CREATE_FILE) | R(PATH_OPEN) |
                      R(PATH_UNLINK_FILE),
                  R(FD_READ) | R(FD_WRITE) | R(FD_READDIR) | R(FD_FILESTAT_GET) | R(FD_SEEK));
  int f = open_r(d, "file", __WASI_OFLAGS_CREAT,
                 R(FD_READ) | R(FD_WRITE) | R(FD_READDIR) | R(FD_FILESTAT_GET), 0, 0);
  CHECK("readdir-flow.create", f > 2, "got %d", f);
  (void)__wasi_fd_close(f);
  uint8_t b[256];
  __wasi_size_t used;
  EXPECT_OK("readdir-flow.readdir", __wasi_fd_readdir(d, b, sizeof b, 0, &used));
  EXPECT_OK("readdir-flow.unlink", __wasi_path_unlink_file(d, "file"));
  (void)__wasi_fd_close(d);
  EXPECT_OK("readdir-flow.cleanup", __wasi_path_remove_directory(base, "readdir.cleanup"));
}

static void link_flow(int d) {
  const __wasi_rights_t T = R(FD_READ) | R(PATH_LINK_SOURCE) | R(PATH_LINK_TARGET) |
                            R(FD_FILESTAT_GET) | R(PATH_OPEN) | R(PATH_UNLINK_FILE);
  int f = open_r(d, "lfile", __WASI_OFLAGS_CREAT, T, T, 0);
  EXPECT_OK("link-flow.link", __wasi_path_link(d, 0, "lfile", d, "llink"));
  int l = open_r(d, "llink", 0, T, T, 0);
  __wasi_fdstat_t a, b;
  (void)__wasi_fd_fdstat_get(f, &a);
  (void)__wasi_fd_fdstat_get(l, &b);
  CHECK("link-flow.same-fdstat", a.fs_flags == b.fs_flags && a.fs_filetype == b.fs_filetype &&
                                     a.fs_rights_base == b.fs_rights_base &&
                                     a.fs_rights_inheriting == b.fs_rights_inheriting,
        "fdstats differ");
  __wasi_filestat_t x, y;
  (void)__wasi_fd_filestat_get(f, &x);
  (void)__wasi_fd_filestat_get(l, &y);
  CHECK("link-flow.same-filestat", x.dev == y.dev && x.ino == y.ino && x.atim == y.atim &&
                                       x.mtim == y.mtim && x.ctim == y.ctim && x.size == y.size &&
                                       x.nlink == 2 && y.nlink == 2 && x.filetype == y.filetype,
        "filestats differ (nlink %llu/%llu)", (unsigned long long)x.nlink,
        (unsigned long long)y.nlink);
  (void)__wasi_fd_close(l);
  (void)__wasi_path_create_directory(d, "lsub");
  int sub = open_r(d, "lsub", __WASI_OFLAGS_DIRECTORY, T, T, 0);
  CHECK("link-flow.subdir-open", sub > 2, "got %d", sub);
  EXPECT_OK("link-flow.link-into-subdir", __wasi_path_link(d, 0, "lfile", sub, "link"));
  l = open_r(sub, "link", 0, T, T, 0);
  CHECK("link-flow.open-in-subdir", l > 2, "got %d", l);
  (void)__wasi_fd_close(l);
  (void)__wasi_fd_close(f);
}

static void rights_flows(int base) {
  // directory_seek: asking for FD_SEEK on a directory is not an error, but
  // the right is not granted and seeking fails with BADF.
  (void)__wasi_path_create_directory(base, "seekdir");
  int d = open_r(base, "seekdir", __WASI_OFLAGS_DIRECTORY, R(FD_SEEK), 0, 0);
  CHECK("directory_seek.open", d > 2, "got %d", d);
  __wasi_filesize_t pos;
  EXPECT_ERR("directory_seek.seek", __wasi_fd_seek(d, 0, __WASI_WHENCE_CUR, &pos),
             __WASI_ERRNO_BADF);
  __wasi_fdstat_t st;
  (void)__wasi_fd_fdstat_get(d, &st);
  CHECK("directory_seek.no-right", !(st.fs_rights_base & R(FD_SEEK)), "base=%llx",
        (unsigned long long)st.fs_rights_base);
  (void)__wasi_fd_close(d);

  // path_filestat: a file never carries PATH_* rights; SYNC is either
  // accepted and reported, or refused with NOTSUP.
  int f = open_r(base, "pf", __WASI_OFLAGS_CREAT, R(FD_READ) | R(FD_WRITE) | R(PATH_FILESTAT_GET),
                 0, __WASI_FDFLAGS_APPEND | __WASI_FDFLAGS_SYNC);
  if (f == -__WASI_ERRNO_NOTSUP) {
    f = open_r(base, "pf", __WASI_OFLAGS_CREAT, R(FD_READ) | R(FD_WRITE) | R(PATH_FILESTAT_GET), 0,
               __WASI_FDFLAGS_APPEND);
    CHECK("path_filestat.sync-notsup", f > 2, "got %d", f);
  } else {
    CHECK("path_filestat.sync-accepted", f > 2, "got %d", f);
    (void)__wasi_fd_fdstat_get(f, &st);
    CHECK("path_filestat.sync-reported", st.fs_flags & __WASI_FDFLAGS_SYNC, "flags=%d",
          st.fs_flags);
  }
  (void)__wasi_fd_fdstat_get(f, &st);
  CHECK("path_filestat.append-reported", st.fs_flags & __WASI_FDFLAGS_APPEND, "flags=%d",
        st.fs_flags);
  CHECK("path_filestat.no-path-rights",
        !(st.fs_rights_base & R(PATH_FILESTAT_GET)) && !(st.fs_rights_inheriting & R(PATH_FILESTAT_GET)),
        "base=%llx inh=%llx", (unsigned long long)st.fs_rights_base,
        (unsigned long long)st.fs_rights_inheriting);
  (void)__wasi_fd_close(f);

  // path_open_read_without_rights: drop FD_READ from a directory, then files
  // opened through it cannot be read.
  int rd = tmp_dir(base, "noread", TK_DIR_RIGHTS, TK_DIR_RIGHTS | TK_RW);
  f = open_r(rd, "file", __WASI_OFLAGS_CREAT, 0, 0, 0);
  (void)__wasi_fd_close(f);
  (void)__wasi_fd_fdstat_get(rd, &st);
  EXPECT_OK("read_without_rights.drop", __wasi_fd_fdstat_set_rights(
                                            rd, st.fs_rights_base & ~R(FD_READ),
                                            st.fs_rights_inheriting & ~R(FD_READ)));
  (void)__wasi_fd_fdstat_get(rd, &st);
  CHECK("read_without_rights.dropped",
        !(st.fs_rights_base & R(FD_READ)) && !(st.fs_rights_inheriting & R(FD_READ)), "still there");
  f = open_r(rd, "file", 0, 0, 0, 0);
  (void)__wasi_fd_fdstat_get(f, &st);
  CHECK("read_without_rights.file", !(st.fs_rights_base & R(FD_READ)) &&
                                        !(st.fs_rights_inheriting & R(FD_READ)),
        "base=%llx", (unsigned long long)st.fs_rights_base);
  char c;
  CHECK("read_without_rights.read-badf", tk_read(f, &c, 1) == -__WASI_ERRNO_BADF, "read allowed");
  (void)__wasi_fd_close(f);

  // truncation_rights: only meaningful if directories report PATH_FILESTAT_SET_SIZE.
  (void)__wasi_fd_fdstat_get(base, &st);
  CHECK("truncation_rights.dir-no-fd-set-size", !(st.fs_rights_base & R(FD_FILESTAT_SET_SIZE)),
        "base=%llx", (unsigned long long)st.fs_rights_base);
  if (st.fs_rights_base & R(PATH_FILESTAT_SET_SIZE)) {
    int td = tmp_dir(base, "trunc", st.fs_rights_base, st.fs_rights_inheriting);
    f = open_r(td, "file", __WASI_OFLAGS_CREAT, 0, 0, 0);
    (void)__wasi_fd_close(f);
    __wasi_fdstat_t ts;
    (void)__wasi_fd_fdstat_get(td, &ts);
    (void)__wasi_fd_fdstat_set_rights(td, ts.fs_rights_base,
                                      ts.fs_rights_inheriting & ~R(FD_FILESTAT_SET_SIZE));
    f = open_r(td, "file", __WASI_OFLAGS_TRUNC, 0, 0, 0);
    CHECK("truncation_rights.trunc-without-fd-right", f > 2, "got %d", f);
    (void)__wasi_fd_close(f);
    (void)__wasi_fd_fdstat_set_rights(td, ts.fs_rights_base & ~R(PATH_FILESTAT_SET_SIZE),
                                      ts.fs_rights_inheriting & ~R(FD_FILESTAT_SET_SIZE));
    CHECK("truncation_rights.trunc-without-path-right",
          open_r(td, "file", __WASI_OFLAGS_TRUNC, 0, 0, 0) == -__WASI_ERRNO_PERM, "not EPERM");
  }

  // dangling_fd: remove a directory that is still open, then re-create it.
  (void)__wasi_path_create_directory(base, "dang");
  d = open_r(base, "dang", __WASI_OFLAGS_DIRECTORY, 0, 0, 0);
  EXPECT_OK("dangling_fd.rmdir-open-dir", __wasi_path_remove_directory(base, "dang"));
  EXPECT_OK("dangling_fd.mkdir-again", __wasi_path_create_directory(base, "dang"));
  (void)__wasi_fd_close(d);

  // path_open_preopen: the preopen itself, reopened with odd rights.
  (void)__wasi_fd_fdstat_get(pre, &st);
  CHECK("preopen.same-rights", open_r(pre, ".", 0, st.fs_rights_base, st.fs_rights_inheriting,
                                      0) > 2, "failed");
  CHECK("preopen.no-rights", open_r(pre, ".", 0, 0, 0, 0) > 2, "failed");
  CHECK("preopen.dir-no-rights", open_r(pre, ".", __WASI_OFLAGS_DIRECTORY, 0, 0, 0) > 2, "failed");
  CHECK("preopen.dir-read", open_r(pre, ".", __WASI_OFLAGS_DIRECTORY, R(FD_READ), 0, 0) > 2,
        "failed");
  CHECK("preopen.dir-read-write", open_r(pre, ".", __WASI_OFLAGS_DIRECTORY,
                                         R(FD_READ) | R(FD_WRITE), 0, 0) == -__WASI_ERRNO_ISDIR,
        "not EISDIR");
  CHECK("path_open_nonblock", open_r(pre, ".", 0, 0, 0, __WASI_FDFLAGS_NONBLOCK) > 2, "failed");
}

int main(int argc, char **argv) {
  pre = tk_find_preopen(argc > 1 ? argv[1] : NULL);
  if (pre < 0) {
    tk_line("FAIL setup: no preopened directory");
    return 2;
  }
  int base = scratch_dir();
  interesting_paths(base);
  minimal_rights_files(base);
  readdir_flow(base);
  link_flow(base);
  rights_flows(base);
  return tk_done();
}
