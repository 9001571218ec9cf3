// stdio: what fds 0, 1 and 2 look like when they are pipes (as under a test
// runner), which calls they refuse, and a byte-exact copy of stdin to stdout.
// Usage: stdio.wasm checks    stdio are pipes; stdin holds "input-line\n"
//        stdio.wasm cat       copies stdin to stdout unchanged (binary-safe)
//        stdio.wasm stderr    writes "to-stderr\n" on fd 2 only
//        stdio.wasm tty       stdio is a terminal: character devices, isatty() true
#include <unistd.h>
#include "tk_test.h"

static void checks(void) {
  for (int fd = 0; fd <= 2; fd++) {
    char name[64];
    __wasi_fdstat_t st;
    snprintf(name, sizeof name, "fdstat.%d", fd);
    EXPECT_OK(name, __wasi_fd_fdstat_get(fd, &st));
    snprintf(name, sizeof name, "pipe-not-chardev.%d", fd);
    CHECK(name, st.fs_filetype != __WASI_FILETYPE_CHARACTER_DEVICE, "filetype=%d",
          st.fs_filetype);
    snprintf(name, sizeof name, "isatty.%d", fd);
    CHECK(name, isatty(fd) == 0, "isatty(%d) is true on a pipe", fd);
    snprintf(name, sizeof name, "rights.%d", fd);
    __wasi_rights_t need = fd == 0 ? __WASI_RIGHTS_FD_READ : __WASI_RIGHTS_FD_WRITE;
    CHECK(name, (st.fs_rights_base & need) == need, "base=%llx",
          (unsigned long long)st.fs_rights_base);
    __wasi_filesize_t pos;
    snprintf(name, sizeof name, "seek.%d", fd);
    EXPECT_ERR(name, __wasi_fd_seek(fd, 0, __WASI_WHENCE_CUR, &pos), __WASI_ERRNO_SPIPE);
    snprintf(name, sizeof name, "tell.%d", fd);
    EXPECT_ERR(name, __wasi_fd_tell(fd, &pos), __WASI_ERRNO_SPIPE);
    __wasi_filestat_t fs;
    snprintf(name, sizeof name, "filestat.%d", fd);
    EXPECT_OK(name, __wasi_fd_filestat_get(fd, &fs));
  }
  uint8_t b[4];
  __wasi_iovec_t iov = {b, sizeof b};
  __wasi_ciovec_t ciov = {(const uint8_t *)"x", 1};
  __wasi_size_t n;
  EXPECT_ERR("pread.stdin", __wasi_fd_pread(0, &iov, 1, 0, &n), __WASI_ERRNO_SPIPE);
  EXPECT_ERR("pwrite.stdout", __wasi_fd_pwrite(1, &ciov, 1, 0, &n), __WASI_ERRNO_SPIPE);
  EXPECT_ERR("prestat.stdout", __wasi_fd_prestat_get(1, &(__wasi_prestat_t){0}),
             __WASI_ERRNO_BADF);
  EXPECT_ERR("sock_shutdown.not-socket", __wasi_sock_shutdown(1, __WASI_SDFLAGS_RD),
             __WASI_ERRNO_NOTSOCK);
  EXPECT_ERR("sock_shutdown.bad-fd", __wasi_sock_shutdown(99, __WASI_SDFLAGS_RD),
             __WASI_ERRNO_BADF);

  char line[64] = {0};
  int got = tk_read(0, line, 11);
  CHECK("stdin.read", got == 11 && memcmp(line, "input-line\n", 11) == 0, "got %d '%s'", got,
        line);
  CHECK("stdin.eof", tk_read(0, line, sizeof line) == 0, "more than expected on stdin");
  CHECK("stdin.eof-again", tk_read(0, line, sizeof line) == 0, "EOF is not sticky");
  CHECK("stderr.write", tk_write_all(2, "to-stderr\n", 10) == 10, "write to stderr failed");
  EXPECT_OK("close.stdin", __wasi_fd_close(0));
  CHECK("stdin.closed", tk_read(0, line, 1) == -__WASI_ERRNO_BADF, "read after close");
  EXPECT_ERR("fdstat.closed-stdin", __wasi_fd_fdstat_get(0, &(__wasi_fdstat_t){0}),
             __WASI_ERRNO_BADF);
}

static void tty_checks(void) {
  for (int fd = 0; fd <= 2; fd++) {
    char name[64];
    __wasi_fdstat_t st;
    (void)__wasi_fd_fdstat_get(fd, &st);
    snprintf(name, sizeof name, "tty.chardev.%d", fd);
    CHECK(name, st.fs_filetype == __WASI_FILETYPE_CHARACTER_DEVICE, "filetype=%d", st.fs_filetype);
    snprintf(name, sizeof name, "tty.isatty.%d", fd);
    CHECK(name, isatty(fd) == 1, "isatty(%d) is false on a terminal", fd);
    snprintf(name, sizeof name, "tty.no-seek-rights.%d", fd);
    CHECK(name, !(st.fs_rights_base & (__WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL)),
          "base=%llx", (unsigned long long)st.fs_rights_base);
    __wasi_filesize_t pos;
    snprintf(name, sizeof name, "tty.seek.%d", fd);
    EXPECT_ERR(name, __wasi_fd_seek(fd, 0, __WASI_WHENCE_CUR, &pos), __WASI_ERRNO_SPIPE);
  }
}

static int copy(void) {
  static char buf[65536];
  for (;;) {
    int n = tk_read(0, buf, sizeof buf);
    if (n < 0) return 10;
    if (n == 0) return 0;
    for (int off = 0; off < n;) {
      int w = tk_write_all(1, buf + off, (size_t)(n - off));
      if (w <= 0) return 11;
      off += w;
    }
  }
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "checks";
  if (strcmp(mode, "cat") == 0) return copy();
  if (strcmp(mode, "stderr") == 0) return tk_write_all(2, "to-stderr\n", 10) == 10 ? 0 : 1;
  if (strcmp(mode, "tty") == 0) {
    tty_checks();
    return tk_done();
  }
  checks();
  return tk_done();
}
