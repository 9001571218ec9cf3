// path_ops: path_open (create/excl/trunc/directory), mkdir/rmdir/unlink,
// rename, link, symlink/readlink, symlink following and loops, trailing
// slashes, and sandbox escapes. Errnos follow wasmtime + wasi-testsuite
// (docs/WASI-CONFORMANCE.md §2.3-2.4).
// Usage: path_ops.wasm [PREOPEN-NAME]   (needs a writable, empty preopen)
#include "tk_raw.h"
#include "tk_test.h"

static int dir;
static uint8_t okstat[64];

static int open_at(int d, __wasi_lookupflags_t lf, const char *path, __wasi_oflags_t of,
                   __wasi_rights_t rights) {
  __wasi_fd_t fd;
  int e = __wasi_path_open(d, lf, path, of, rights, rights, 0, &fd);
  if (e == 0) __wasi_fd_close(fd);
  return e;
}

static int open_keep(int d, const char *path, __wasi_oflags_t of, __wasi_rights_t rights) {
  __wasi_fd_t fd;
  int e = __wasi_path_open(d, 0, path, of, rights, rights, 0, &fd);
  return e ? -e : (int)fd;
}

static void create(const char *path, const char *content) {
  int fd = open_keep(dir, path, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, TK_RW);
  if (fd < 0) {
    tk_line("FAIL setup: create %s: %s", path, tk_errname(-fd));
    tk_failures++;
    return;
  }
  if (content) tk_write_all(fd, content, strlen(content));
  __wasi_fd_close(fd);
}

static __wasi_filestat_t stat_at(const char *path, int follow) {
  __wasi_filestat_t st;
  memset(&st, 0, sizeof st);
  if (__wasi_path_filestat_get(dir, follow ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0, path, &st))
    st.filetype = 255;
  return st;
}

static void test_open(void) {
  EXPECT_OK("mkdir", __wasi_path_create_directory(dir, "d"));
  EXPECT_ERR("mkdir.exists", __wasi_path_create_directory(dir, "d"), __WASI_ERRNO_EXIST);
  EXPECT_OK("mkdir.nested", __wasi_path_create_directory(dir, "d/nested"));
  EXPECT_ERR("mkdir.missing-parent", __wasi_path_create_directory(dir, "nope/x"),
             __WASI_ERRNO_NOENT);
  create("d/nested/file", "contents");

  EXPECT_ERR("open.missing", open_at(dir, 0, "missing", 0, 0), __WASI_ERRNO_NOENT);
  EXPECT_OK("open.create", open_at(dir, 0, "new", __WASI_OFLAGS_CREAT, TK_RW));
  EXPECT_ERR("open.excl-existing",
             open_at(dir, 0, "new", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, TK_RW),
             __WASI_ERRNO_EXIST);
  EXPECT_OK("open.excl-new",
            open_at(dir, 0, "new2", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, TK_RW));
  create("trunc", "0123456789");
  EXPECT_OK("open.trunc", open_at(dir, 0, "trunc", __WASI_OFLAGS_TRUNC, TK_RW));
  CHECK("open.trunc-size", stat_at("trunc", 0).size == 0, "size=%llu",
        (unsigned long long)stat_at("trunc", 0).size);
  EXPECT_ERR("open.directory-on-file",
             open_at(dir, 0, "trunc", __WASI_OFLAGS_DIRECTORY, 0), __WASI_ERRNO_NOTDIR);
  EXPECT_OK("open.dir-without-O_DIRECTORY", open_at(dir, 0, "d", 0, 0));
  EXPECT_OK("open.dir-read-right", open_at(dir, 0, ".", __WASI_OFLAGS_DIRECTORY,
                                           __WASI_RIGHTS_FD_READ));
  EXPECT_ERR("open.dir-read-write", open_at(dir, 0, ".", __WASI_OFLAGS_DIRECTORY,
                                            __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE),
             __WASI_ERRNO_ISDIR);
  EXPECT_ERR("open.creat-on-dir", open_at(dir, 0, "d", __WASI_OFLAGS_CREAT, TK_RW),
             __WASI_ERRNO_ISDIR);
  // wasmtime: O_DIRECTORY with CREAT, EXCL or TRUNC is EINVAL before any lookup;
  // truncating or write-opening a directory is EISDIR (from the OS).
  EXPECT_ERR("open.directory-creat",
             open_at(dir, 0, "newdir", __WASI_OFLAGS_DIRECTORY | __WASI_OFLAGS_CREAT, 0),
             __WASI_ERRNO_INVAL);
  EXPECT_ERR("open.directory-excl",
             open_at(dir, 0, "d", __WASI_OFLAGS_DIRECTORY | __WASI_OFLAGS_EXCL, 0),
             __WASI_ERRNO_INVAL);
  EXPECT_ERR("open.directory-trunc",
             open_at(dir, 0, "d", __WASI_OFLAGS_DIRECTORY | __WASI_OFLAGS_TRUNC, 0),
             __WASI_ERRNO_INVAL);
  EXPECT_ERR("open.trunc-dir", open_at(dir, 0, "d", __WASI_OFLAGS_TRUNC, 0), __WASI_ERRNO_ISDIR);
  EXPECT_ERR("open.dir-write-right", open_at(dir, 0, "d", 0, __WASI_RIGHTS_FD_WRITE),
             __WASI_ERRNO_ISDIR);
  CHECK("open.directory-creat-made-nothing", stat_at("newdir", 0).filetype == 255,
        "O_DIRECTORY|O_CREAT created something");

  // Paths: absolute, "..", dots and slashes, trailing slashes, NUL.
  EXPECT_ERR("open.absolute", open_at(dir, 0, "/d/nested/file", 0, 0), __WASI_ERRNO_PERM);
  EXPECT_ERR("open.dotdot-escape", open_at(dir, 0, "d/nested/../../../x/d", 0, 0),
             __WASI_ERRNO_PERM);
  EXPECT_ERR("open.dotdot-only", open_at(dir, 0, "..", 0, 0), __WASI_ERRNO_PERM);
  EXPECT_OK("open.dots-inside", open_at(dir, 0, "d/.//nested/../../d/nested/../nested///./file",
                                        0, 0));
  EXPECT_ERR2("open.file-trailing-slash", open_at(dir, 0, "d/nested/file/", 0, 0),
              __WASI_ERRNO_NOTDIR, __WASI_ERRNO_NOENT);
  EXPECT_ERR2("open.file-trailing-slashes", open_at(dir, 0, "d/nested/file///", 0, 0),
              __WASI_ERRNO_NOTDIR, __WASI_ERRNO_NOENT);
  EXPECT_OK("open.dir-trailing-slash", open_at(dir, 0, "d/nested/", 0, 0));
  EXPECT_OK("open.dir-trailing-slashes", open_at(dir, 0, "d/nested///", 0, 0));
  static const char nulpath[] = "d/nested/file\0";
  int32_t out;
  EXPECT_ERR2("open.embedded-nul",
              raw_path_open(dir, 0, PTR(nulpath), sizeof nulpath - 1, 0, 0, 0, 0, PTR(&out)),
              __WASI_ERRNO_INVAL, __WASI_ERRNO_ILSEQ);
  EXPECT_ERR2("open.empty-path", raw_path_open(dir, 0, PTR(nulpath), 0, 0, 0, 0, 0, PTR(&out)),
              __WASI_ERRNO_NOENT, __WASI_ERRNO_INVAL);

  // ".." may not leave the directory fd used, even when the target is still
  // inside the preopen (interesting_paths opens below a sub-directory fd).
  int sub = open_keep(dir, "d", __WASI_OFLAGS_DIRECTORY, TK_DIR_RIGHTS);
  EXPECT_ERR("dirfd.dotdot-sibling", open_at(sub, 0, "../trunc", 0, 0), __WASI_ERRNO_PERM);
  EXPECT_ERR("dirfd.dotdot", open_at(sub, 0, "..", __WASI_OFLAGS_DIRECTORY, 0), __WASI_ERRNO_PERM);
  EXPECT_ERR("dirfd.dotdot-stat", raw_path_filestat_get(sub, 0, PTR("../trunc"), 8, PTR(okstat)),
             __WASI_ERRNO_PERM);
  EXPECT_ERR("dirfd.dotdot-mkdir", __wasi_path_create_directory(sub, "../made"),
             __WASI_ERRNO_PERM);
  EXPECT_ERR("dirfd.dotdot-unlink", __wasi_path_unlink_file(sub, "../trunc"), __WASI_ERRNO_PERM);
  EXPECT_OK("dirfd.symlink-up", __wasi_path_symlink("../trunc", sub, "up"));
  EXPECT_ERR("dirfd.follow-up", open_at(sub, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "up", 0, 0),
             __WASI_ERRNO_PERM);
  EXPECT_OK("dirfd.inside", open_at(sub, 0, "nested/../nested/file", 0, 0));
  (void)__wasi_path_unlink_file(sub, "up");
  __wasi_fd_close(sub);

  // The directory fd itself.
  int file = open_keep(dir, "trunc", 0, TK_RW);
  EXPECT_ERR("open.dirfd-is-file", open_at(file, 0, "x", __WASI_OFLAGS_CREAT, 0),
             __WASI_ERRNO_NOTDIR);
  __wasi_fd_close(file);
  EXPECT_ERR("open.dirfd-bad", open_at(1234, 0, "x", 0, 0), __WASI_ERRNO_BADF);
  EXPECT_ERR("mkdir.dirfd-bad", __wasi_path_create_directory(1234, "x"), __WASI_ERRNO_BADF);

  // Open, unlink, re-create: the open file survives.
  int fd = open_keep(dir, "dangling", __WASI_OFLAGS_CREAT, TK_RW);
  tk_write_all(fd, "abc", 3);
  EXPECT_OK("unlink.open-file", __wasi_path_unlink_file(dir, "dangling"));
  EXPECT_OK("recreate.after-unlink", open_at(dir, 0, "dangling", __WASI_OFLAGS_CREAT, TK_RW));
  char b[4] = {0};
  __wasi_iovec_t iov = {(uint8_t *)b, 3};
  __wasi_size_t n;
  EXPECT_OK("unlinked.still-readable", __wasi_fd_pread(fd, &iov, 1, 0, &n));
  CHECK("unlinked.data", n == 3 && memcmp(b, "abc", 3) == 0, "got '%.3s'", b);
  __wasi_fd_close(fd);
}

static void test_remove(void) {
  EXPECT_ERR("rmdir.nonempty", __wasi_path_remove_directory(dir, "d"), __WASI_ERRNO_NOTEMPTY);
  EXPECT_ERR("rmdir.file", __wasi_path_remove_directory(dir, "trunc"), __WASI_ERRNO_NOTDIR);
  EXPECT_ERR2("rmdir.file-slash", __wasi_path_remove_directory(dir, "trunc/"),
              __WASI_ERRNO_NOTDIR, __WASI_ERRNO_NOENT);
  EXPECT_ERR("rmdir.missing", __wasi_path_remove_directory(dir, "missing"), __WASI_ERRNO_NOENT);
  __wasi_path_create_directory(dir, "empty");
  EXPECT_OK("rmdir.trailing-slash", __wasi_path_remove_directory(dir, "empty/"));
  EXPECT_ERR("unlink.dir", __wasi_path_unlink_file(dir, "d"), __WASI_ERRNO_ISDIR);
  EXPECT_ERR("unlink.dir-slash", __wasi_path_unlink_file(dir, "d/"), __WASI_ERRNO_ISDIR);
  EXPECT_ERR2("unlink.file-slash", __wasi_path_unlink_file(dir, "trunc/"),
              __WASI_ERRNO_NOTDIR, __WASI_ERRNO_NOENT);
  EXPECT_OK("unlink.file", __wasi_path_unlink_file(dir, "new2"));
  EXPECT_ERR("unlink.missing", __wasi_path_unlink_file(dir, "new2"), __WASI_ERRNO_NOENT);
}

static void test_rename(void) {
  create("r1", "one");
  EXPECT_OK("rename.file-new", __wasi_path_rename(dir, "r1", dir, "r2"));
  CHECK("rename.source-gone", stat_at("r1", 0).filetype == 255, "r1 still exists");
  create("r3", "three");
  EXPECT_OK("rename.file-over-file", __wasi_path_rename(dir, "r2", dir, "r3"));
  CHECK("rename.replaced", stat_at("r3", 0).size == 3, "size=%llu",
        (unsigned long long)stat_at("r3", 0).size);
  __wasi_path_create_directory(dir, "src");
  __wasi_path_create_directory(dir, "dst");
  EXPECT_OK("rename.dir-over-empty-dir", __wasi_path_rename(dir, "src", dir, "dst"));
  __wasi_path_create_directory(dir, "src");
  EXPECT_ERR("rename.dir-over-nonempty", __wasi_path_rename(dir, "src", dir, "d"),
             __WASI_ERRNO_NOTEMPTY);
  EXPECT_ERR("rename.dir-over-file", __wasi_path_rename(dir, "src", dir, "r3"),
             __WASI_ERRNO_NOTDIR);
  EXPECT_ERR("rename.file-over-dir", __wasi_path_rename(dir, "r3", dir, "dst"),
             __WASI_ERRNO_ISDIR);
  EXPECT_OK("rename.dir-slash-src", __wasi_path_rename(dir, "src/", dir, "tgt"));
  EXPECT_OK("rename.dir-slash-dst", __wasi_path_rename(dir, "tgt", dir, "src/"));
  EXPECT_OK("rename.dir-slash-both", __wasi_path_rename(dir, "src/", dir, "tgt/"));
  EXPECT_ERR("rename.missing", __wasi_path_rename(dir, "missing", dir, "x"), __WASI_ERRNO_NOENT);
  EXPECT_ERR("rename.escape", __wasi_path_rename(dir, "r3", dir, "../r3"), __WASI_ERRNO_PERM);
  EXPECT_ERR("rename.into-own-subdir", __wasi_path_rename(dir, "d", dir, "d/nested/d"),
             __WASI_ERRNO_INVAL);
  // Across two directory fds.
  int sub = open_keep(dir, "dst", __WASI_OFLAGS_DIRECTORY, 0);
  EXPECT_OK("rename.across-fds", __wasi_path_rename(dir, "r3", sub, "moved"));
  CHECK("rename.across-fds-landed", stat_at("dst/moved", 0).filetype ==
                                        __WASI_FILETYPE_REGULAR_FILE, "dst/moved missing");
  __wasi_fd_close(sub);
}

static void test_link(void) {
  create("lsrc", "x");
  EXPECT_OK("link", __wasi_path_link(dir, 0, "lsrc", dir, "ldst"));
  __wasi_filestat_t a = stat_at("lsrc", 0), b = stat_at("ldst", 0);
  CHECK("link.same-inode", a.ino == b.ino && a.dev == b.dev, "ino %llu vs %llu",
        (unsigned long long)a.ino, (unsigned long long)b.ino);
  CHECK("link.nlink", a.nlink == 2 && b.nlink == 2, "nlink %llu/%llu",
        (unsigned long long)a.nlink, (unsigned long long)b.nlink);
  EXPECT_ERR("link.target-exists", __wasi_path_link(dir, 0, "lsrc", dir, "ldst"),
             __WASI_ERRNO_EXIST);
  EXPECT_ERR("link.to-itself", __wasi_path_link(dir, 0, "lsrc", dir, "lsrc"),
             __WASI_ERRNO_EXIST);
  EXPECT_ERR("link.target-is-dir", __wasi_path_link(dir, 0, "lsrc", dir, "d"),
             __WASI_ERRNO_EXIST);
  EXPECT_ERR2("link.source-is-dir", __wasi_path_link(dir, 0, "d", dir, "ldir"),
              __WASI_ERRNO_PERM, __WASI_ERRNO_ACCES);
  EXPECT_ERR("link.target-trailing-slash", __wasi_path_link(dir, 0, "lsrc", dir, "l2/"),
             __WASI_ERRNO_NOENT);
  EXPECT_ERR("link.missing-source", __wasi_path_link(dir, 0, "missing", dir, "l3"),
             __WASI_ERRNO_NOENT);
  __wasi_path_unlink_file(dir, "ldst");
  CHECK("link.nlink-after-unlink", stat_at("lsrc", 0).nlink == 1, "nlink=%llu",
        (unsigned long long)stat_at("lsrc", 0).nlink);
  EXPECT_OK("symlink.dangling", __wasi_path_symlink("nowhere", dir, "dangle"));
  EXPECT_OK("link.to-dangling-symlink", __wasi_path_link(dir, 0, "dangle", dir, "dangle2"));
  CHECK("link.copies-symlink", stat_at("dangle2", 0).filetype == __WASI_FILETYPE_SYMBOLIC_LINK,
        "type=%d", stat_at("dangle2", 0).filetype);
  EXPECT_ERR2("link.symlink-follow",
              __wasi_path_link(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "dangle", dir, "l4"),
              __WASI_ERRNO_INVAL, __WASI_ERRNO_NOENT);
  EXPECT_ERR("link.target-dangling-symlink", __wasi_path_link(dir, 0, "lsrc", dir, "dangle"),
             __WASI_ERRNO_EXIST);
}

static void test_symlink(void) {
  create("target", "abcdef");
  EXPECT_OK("symlink.create", __wasi_path_symlink("target", dir, "sym"));
  uint8_t buf[10];
  memset(buf, 0, sizeof buf);
  __wasi_size_t used = 0;
  EXPECT_OK("readlink", __wasi_path_readlink(dir, "sym", buf, sizeof buf, &used));
  CHECK("readlink.length", used == 6 && memcmp(buf, "target", 6) == 0, "used=%u", used);
  CHECK("readlink.no-nul", buf[6] == 0 && buf[9] == 0 && memcmp(buf + 6, "\0\0\0\0", 4) == 0,
        "bytes after the link were touched");
  memset(buf, 0xAA, sizeof buf);
  EXPECT_OK("readlink.truncates", __wasi_path_readlink(dir, "sym", buf, 4, &used));
  CHECK("readlink.truncated", used == 4 && memcmp(buf, "targ", 4) == 0 && buf[4] == 0xAA,
        "used=%u", used);
  EXPECT_ERR("readlink.not-a-link", __wasi_path_readlink(dir, "target", buf, 10, &used),
             __WASI_ERRNO_INVAL);
  EXPECT_ERR("readlink.missing", __wasi_path_readlink(dir, "missing", buf, 10, &used),
             __WASI_ERRNO_NOENT);
  CHECK("filestat.nofollow-is-link", stat_at("sym", 0).filetype == __WASI_FILETYPE_SYMBOLIC_LINK,
        "type=%d", stat_at("sym", 0).filetype);
  CHECK("filestat.follow-is-file", stat_at("sym", 1).filetype == __WASI_FILETYPE_REGULAR_FILE,
        "type=%d", stat_at("sym", 1).filetype);
  CHECK("filestat.follow-size", stat_at("sym", 1).size == 6, "size=%llu",
        (unsigned long long)stat_at("sym", 1).size);

  EXPECT_ERR("symlink.exists-file", __wasi_path_symlink("x", dir, "target"), __WASI_ERRNO_EXIST);
  EXPECT_ERR("symlink.exists-dir", __wasi_path_symlink("x", dir, "d"), __WASI_ERRNO_EXIST);
  EXPECT_ERR("symlink.exists-dir-slash", __wasi_path_symlink("x", dir, "d/"), __WASI_ERRNO_EXIST);
  EXPECT_ERR("symlink.new-trailing-slash", __wasi_path_symlink("x", dir, "nolink/"),
             __WASI_ERRNO_NOENT);
  EXPECT_ERR2("symlink.file-trailing-slash", __wasi_path_symlink("x", dir, "target/"),
              __WASI_ERRNO_NOTDIR, __WASI_ERRNO_EXIST);
  int e = __wasi_path_symlink("/", dir, "abs");
  CHECK("symlink.absolute-target-refused", e != 0, "an absolute symlink was created");
  CHECK("symlink.absolute-target-perm", e == __WASI_ERRNO_PERM, "got %s", tk_errname(e));

  // Following rules: dirflags govern only the last component.
  EXPECT_ERR("open.nofollow-file-link", open_at(dir, 0, "sym", 0, 0), __WASI_ERRNO_LOOP);
  EXPECT_OK("open.follow-file-link",
            open_at(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "sym", 0, __WASI_RIGHTS_FD_READ));
  EXPECT_ERR("open.follow-file-link-as-dir",
             open_at(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "sym", __WASI_OFLAGS_DIRECTORY, 0),
             __WASI_ERRNO_NOTDIR);
  EXPECT_OK("symlink.to-dir", __wasi_path_symlink("d", dir, "dlink"));
  EXPECT_ERR2("open.nofollow-dir-link", open_at(dir, 0, "dlink", __WASI_OFLAGS_DIRECTORY, 0),
              __WASI_ERRNO_LOOP, __WASI_ERRNO_NOTDIR);
  EXPECT_OK("open.follow-dir-link",
            open_at(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "dlink", __WASI_OFLAGS_DIRECTORY, 0));
  EXPECT_OK("open.link-in-middle", open_at(dir, 0, "dlink/nested/file", 0, 0));
  EXPECT_ERR("open.nofollow-dangling", open_at(dir, 0, "dangle", 0, 0), __WASI_ERRNO_LOOP);
  EXPECT_ERR("open.follow-dangling",
             open_at(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "dangle", 0, 0), __WASI_ERRNO_NOENT);
  EXPECT_OK("open.creat-through-dangling",
            open_at(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "dangle", __WASI_OFLAGS_CREAT, TK_RW));
  CHECK("open.creat-through-dangling-made-target",
        stat_at("nowhere", 0).filetype == __WASI_FILETYPE_REGULAR_FILE, "'nowhere' missing");

  EXPECT_OK("symlink.loop", __wasi_path_symlink("loop", dir, "loop"));
  EXPECT_ERR("open.loop-nofollow", open_at(dir, 0, "loop", 0, 0), __WASI_ERRNO_LOOP);
  EXPECT_ERR("open.loop-follow", open_at(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "loop", 0, 0),
             __WASI_ERRNO_LOOP);
  EXPECT_ERR("open.loop-in-middle", open_at(dir, 0, "loop/x", 0, 0), __WASI_ERRNO_LOOP);
  EXPECT_OK("symlink.escape", __wasi_path_symlink("../..", dir, "esc"));
  EXPECT_ERR("open.escape-through-link",
             open_at(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "esc", __WASI_OFLAGS_DIRECTORY, 0),
             __WASI_ERRNO_PERM);
  EXPECT_OK("unlink.symlink", __wasi_path_unlink_file(dir, "dlink"));
  CHECK("unlink.symlink-keeps-target", stat_at("d", 0).filetype == __WASI_FILETYPE_DIRECTORY,
        "d is gone");
  EXPECT_ERR2("rmdir.symlink-to-dir", __wasi_path_remove_directory(dir, "esc"),
              __WASI_ERRNO_NOTDIR, __WASI_ERRNO_NOENT);
}

int main(int argc, char **argv) {
  dir = tk_find_preopen(argc > 1 ? argv[1] : NULL);
  if (dir < 0) {
    tk_line("FAIL setup: no preopened directory");
    return 2;
  }
  test_open();
  test_remove();
  test_rename();
  test_link();
  test_symlink();
  return tk_done();
}
