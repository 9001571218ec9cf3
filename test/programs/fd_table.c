// fd_table: preopens (numbering from 3, names, prestat edge cases, rights),
// fd_renumber and fd_close rules, including on preopens and stdio
// (wasi-testsuite close_preopen, overwrite_preopen, renumber, stdio,
// dir_fd_op_failures, path_open_preopen).
// Usage: fd_table.wasm NAME1 [NAME2]   preopens NAME1 (fd 3) [and NAME2 (fd 4)], writable
#include "tk_test.h"

#define BASE_NEEDED TK_DIR_RIGHTS
#define INH_NEEDED                                                                     \
  (TK_DIR_RIGHTS | __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_READ |                  \
   __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | __WASI_RIGHTS_FD_SYNC |   \
   __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_ADVISE |           \
   __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE |                     \
   __WASI_RIGHTS_POLL_FD_READWRITE)

static void check_preopen(int fd, const char *want, const char *tag) {
  char name[96];
  __wasi_prestat_t ps;
  snprintf(name, sizeof name, "prestat.%s", tag);
  EXPECT_OK(name, __wasi_fd_prestat_get(fd, &ps));
  size_t len = strlen(want);
  snprintf(name, sizeof name, "prestat.%s.dir-len", tag);
  CHECK(name, ps.tag == __WASI_PREOPENTYPE_DIR && ps.u.dir.pr_name_len == len,
        "tag=%d len=%zu want %zu", ps.tag, (size_t)ps.u.dir.pr_name_len, len);
  uint8_t buf[128];
  memset(buf, '#', sizeof buf);
  snprintf(name, sizeof name, "prestat_dir_name.%s", tag);
  EXPECT_OK(name, __wasi_fd_prestat_dir_name(fd, buf, len + 1));
  snprintf(name, sizeof name, "prestat_dir_name.%s.exact-no-nul", tag);
  CHECK(name, memcmp(buf, want, len) == 0 && buf[len] == '#', "name='%.*s' next=%d", (int)len,
        buf, buf[len]);
  snprintf(name, sizeof name, "prestat_dir_name.%s.too-small", tag);
  EXPECT_ERR2(name, __wasi_fd_prestat_dir_name(fd, buf, len - 1), __WASI_ERRNO_NAMETOOLONG,
              __WASI_ERRNO_INVAL);
  snprintf(name, sizeof name, "prestat_dir_name.%s.zero", tag);
  EXPECT_ERR2(name, __wasi_fd_prestat_dir_name(fd, buf, 0), __WASI_ERRNO_NAMETOOLONG,
              __WASI_ERRNO_INVAL);
  __wasi_fdstat_t st;
  (void)__wasi_fd_fdstat_get(fd, &st);
  snprintf(name, sizeof name, "preopen.%s.filetype", tag);
  CHECK(name, st.fs_filetype == __WASI_FILETYPE_DIRECTORY && st.fs_flags == 0, "type=%d flags=%d",
        st.fs_filetype, st.fs_flags);
  snprintf(name, sizeof name, "preopen.%s.base-rights", tag);
  CHECK(name, (st.fs_rights_base & BASE_NEEDED) == BASE_NEEDED, "missing %llx",
        (unsigned long long)(BASE_NEEDED & ~st.fs_rights_base));
  snprintf(name, sizeof name, "preopen.%s.inheriting-rights", tag);
  CHECK(name, (st.fs_rights_inheriting & INH_NEEDED) == INH_NEEDED, "missing %llx",
        (unsigned long long)(INH_NEEDED & ~st.fs_rights_inheriting));
  snprintf(name, sizeof name, "preopen.%s.no-seek", tag);
  CHECK(name, !(st.fs_rights_base & (__WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE)),
        "base=%llx", (unsigned long long)st.fs_rights_base);
}

static __wasi_filestat_t fst(int fd) {
  __wasi_filestat_t s;
  memset(&s, 0, sizeof s);
  (void)__wasi_fd_filestat_get(fd, &s);
  return s;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    tk_line("FAIL usage: fd_table.wasm NAME1 [NAME2]");
    return 2;
  }
  int npre = argc > 2 ? 2 : 1;
  check_preopen(3, argv[1], "first");
  if (npre == 2) check_preopen(4, argv[2], "second");
  __wasi_prestat_t ps;
  EXPECT_ERR("prestat.after-last", __wasi_fd_prestat_get(3 + npre, &ps), __WASI_ERRNO_BADF);
  CHECK("find-by-name", tk_find_preopen(argv[1]) == 3, "preopen scan did not find %s", argv[1]);

  // Reopening "." like the Rust tests' open_scratch_directory.
  __wasi_fdstat_t pst;
  (void)__wasi_fd_fdstat_get(3, &pst);
  __wasi_fd_t d;
  EXPECT_OK("reopen.same-rights", __wasi_path_open(3, 0, ".", __WASI_OFLAGS_DIRECTORY,
                                                   pst.fs_rights_base, pst.fs_rights_inheriting,
                                                   0, &d));
  CHECK("reopen.fd-after-preopens", (int)d >= 3 + npre, "fd=%u", d);
  CHECK("reopen.same-inode", fst(d).ino == fst(3).ino, "different inode");
  EXPECT_ERR("prestat.not-preopen", __wasi_fd_prestat_get(d, &ps), __WASI_ERRNO_BADF);
  __wasi_fd_t tmp;
  EXPECT_OK("reopen.no-rights", __wasi_path_open(3, 0, ".", 0, 0, 0, 0, &tmp));
  (void)__wasi_fd_close(tmp);

  // fd_renumber between files.
  int a = tk_open(d, "a", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE |
                                                   __WASI_RIGHTS_FD_FILESTAT_GET,
                  __WASI_FDFLAGS_APPEND);
  int b = tk_open(d, "b", __WASI_OFLAGS_CREAT, TK_RW, 0);
  CHECK("open.fds-above-stdio", a > 2 && b > 2 && a != b, "a=%d b=%d", a, b);
  __wasi_fdstat_t sa, sb;
  (void)__wasi_fd_fdstat_get(a, &sa);
  __wasi_filestat_t fa = fst(a);
  EXPECT_OK("renumber", __wasi_fd_renumber(a, b));
  (void)__wasi_fd_fdstat_get(b, &sb);
  CHECK("renumber.moves-description", sb.fs_flags == sa.fs_flags &&
                                          sb.fs_rights_base == sa.fs_rights_base &&
                                          sb.fs_rights_inheriting == sa.fs_rights_inheriting &&
                                          fst(b).ino == fa.ino,
        "fd %d does not look like old fd %d", b, a);
  EXPECT_ERR("renumber.source-closed", __wasi_fd_close(a), __WASI_ERRNO_BADF);
  EXPECT_ERR("renumber.to-closed-fd", __wasi_fd_renumber(b, a), __WASI_ERRNO_BADF);
  EXPECT_ERR("renumber.from-closed-fd", __wasi_fd_renumber(a, b), __WASI_ERRNO_BADF);
  EXPECT_OK("renumber.self", __wasi_fd_renumber(b, b));
  EXPECT_OK("renumber.self-keeps-open", __wasi_fd_fdstat_get(b, &sb));
  EXPECT_OK("renumber.0-0", __wasi_fd_renumber(0, 0));

  // Renumber stdin and stderr onto files: the stdio fd is closed afterwards.
  int f0 = tk_open(d, "f0", __WASI_OFLAGS_CREAT, TK_RW, 0);
  EXPECT_OK("renumber.stdin-onto-file", __wasi_fd_renumber(0, f0));
  EXPECT_OK("renumber.stdin-target-open", __wasi_fd_fdstat_get(f0, &sb));
  EXPECT_ERR("renumber.stdin-closed", __wasi_fd_fdstat_get(0, &sb), __WASI_ERRNO_BADF);
  int f2 = tk_open(d, "f2", __WASI_OFLAGS_CREAT, TK_RW, 0);
  EXPECT_OK("renumber.stderr-onto-file", __wasi_fd_renumber(2, f2));
  EXPECT_ERR("renumber.stderr-closed", __wasi_fd_fdstat_get(2, &sb), __WASI_ERRNO_BADF);

  // Renumber a directory over the first preopen (overwrite_preopen).
  (void)__wasi_path_create_directory(d, "sub");
  __wasi_fd_t sub;
  (void)__wasi_path_open(d, 0, "sub", __WASI_OFLAGS_DIRECTORY, TK_DIR_RIGHTS, TK_DIR_RIGHTS, 0,
                         &sub);
  __wasi_filestat_t subst = fst(sub);
  EXPECT_OK("renumber.over-preopen", __wasi_fd_renumber(sub, 3));
  CHECK("renumber.over-preopen-is-sub", fst(3).ino == subst.ino, "fd 3 is not 'sub'");
  EXPECT_ERR("renumber.over-preopen-source-closed", __wasi_fd_fdstat_get(sub, &sb),
             __WASI_ERRNO_BADF);
  EXPECT_ERR("prestat.renumbered-over", __wasi_fd_prestat_get(3, &ps), __WASI_ERRNO_BADF);

  // Closing a preopen (close_preopen).
  int last = npre == 2 ? 4 : 3;
  EXPECT_OK("close.preopen", __wasi_fd_close(last));
  EXPECT_ERR("close.preopen-gone", __wasi_fd_fdstat_get(last, &sb), __WASI_ERRNO_BADF);
  EXPECT_OK("close.others-unaffected", __wasi_fd_fdstat_get(d, &sb));
  EXPECT_ERR("fdstat.bad-fd", __wasi_fd_fdstat_get(0x7fffffff, &sb), __WASI_ERRNO_BADF);
  EXPECT_ERR("close.bad-fd", __wasi_fd_close(0xffffffffu), __WASI_ERRNO_BADF);
  int c = tk_open(d, "c", __WASI_OFLAGS_CREAT, TK_RW, 0);
  CHECK("open.after-closes", c >= 0, "open failed: %d", c);
  return tk_done();
}
