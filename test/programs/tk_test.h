// Tiny test harness shared by the C test programs in test/programs/.
// Each check prints one line to stdout: "ok NAME" or "FAIL NAME: why";
// tk_done() returns the exit status (0 only if nothing failed), so a vitest
// test only needs the exit status and the output. Lines are flushed one by
// one, so output survives a later trap or proc_exit.
//
// Errno values: wasi-libc's errno numbers are WASI's (EBADF == 8 ==
// __WASI_ERRNO_BADF), so both the raw __wasi_* calls and libc calls can be
// checked against the same constants.
//
// Expected values follow wasmtime and the wasi-testsuite
// (docs/WASI-CONFORMANCE.md), not Node's built-in WASI.
#ifndef TK_TEST_H
#define TK_TEST_H

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

static int tk_failures;
static int tk_checks;

static inline const char *tk_errname(int e) {
  switch (e) {
  case 0: return "SUCCESS";
  case __WASI_ERRNO_2BIG: return "2BIG";
  case __WASI_ERRNO_ACCES: return "ACCES";
  case __WASI_ERRNO_AGAIN: return "AGAIN";
  case __WASI_ERRNO_BADF: return "BADF";
  case __WASI_ERRNO_EXIST: return "EXIST";
  case __WASI_ERRNO_FAULT: return "FAULT";
  case __WASI_ERRNO_FBIG: return "FBIG";
  case __WASI_ERRNO_ILSEQ: return "ILSEQ";
  case __WASI_ERRNO_INVAL: return "INVAL";
  case __WASI_ERRNO_IO: return "IO";
  case __WASI_ERRNO_ISDIR: return "ISDIR";
  case __WASI_ERRNO_LOOP: return "LOOP";
  case __WASI_ERRNO_NAMETOOLONG: return "NAMETOOLONG";
  case __WASI_ERRNO_NOENT: return "NOENT";
  case __WASI_ERRNO_NOSYS: return "NOSYS";
  case __WASI_ERRNO_NOTDIR: return "NOTDIR";
  case __WASI_ERRNO_NOTEMPTY: return "NOTEMPTY";
  case __WASI_ERRNO_NOTSOCK: return "NOTSOCK";
  case __WASI_ERRNO_NOTSUP: return "NOTSUP";
  case __WASI_ERRNO_OVERFLOW: return "OVERFLOW";
  case __WASI_ERRNO_PERM: return "PERM";
  case __WASI_ERRNO_PIPE: return "PIPE";
  case __WASI_ERRNO_RANGE: return "RANGE";
  case __WASI_ERRNO_SPIPE: return "SPIPE";
  case __WASI_ERRNO_XDEV: return "XDEV";
  case __WASI_ERRNO_ADDRINUSE: return "ADDRINUSE";
  case __WASI_ERRNO_ADDRNOTAVAIL: return "ADDRNOTAVAIL";
  case __WASI_ERRNO_AFNOSUPPORT: return "AFNOSUPPORT";
  case __WASI_ERRNO_ALREADY: return "ALREADY";
  case __WASI_ERRNO_CONNREFUSED: return "CONNREFUSED";
  case __WASI_ERRNO_CONNRESET: return "CONNRESET";
  case __WASI_ERRNO_DESTADDRREQ: return "DESTADDRREQ";
  case __WASI_ERRNO_INPROGRESS: return "INPROGRESS";
  case __WASI_ERRNO_ISCONN: return "ISCONN";
  case __WASI_ERRNO_MSGSIZE: return "MSGSIZE";
  case __WASI_ERRNO_NETUNREACH: return "NETUNREACH";
  case __WASI_ERRNO_NOPROTOOPT: return "NOPROTOOPT";
  case __WASI_ERRNO_NOTCONN: return "NOTCONN";
  case __WASI_ERRNO_PROTOTYPE: return "PROTOTYPE";
  case __WASI_ERRNO_INTR: return "INTR";
  case __WASI_ERRNO_NOTCAPABLE: return "NOTCAPABLE";
  default: return "?";
  }
}

static inline void tk_line(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  fputc('\n', stdout);
  fflush(stdout);
}

// CHECK(name, condition, printf-format, args...): the format explains a failure.
#define CHECK(name, cond, ...)                                 \
  do {                                                         \
    tk_checks++;                                               \
    if (cond) {                                                \
      tk_line("ok %s", name);                                  \
    } else {                                                   \
      tk_failures++;                                           \
      printf("FAIL %s: ", name);                               \
      tk_line(__VA_ARGS__);                                    \
    }                                                          \
  } while (0)

// EXPECT_OK(name, wasi_call): the call must return __WASI_ERRNO_SUCCESS.
#define EXPECT_OK(name, call)                                               \
  do {                                                                      \
    int tk_e_ = (int)(call);                                                \
    CHECK(name, tk_e_ == 0, "expected SUCCESS, got %s (%d)",                \
          tk_errname(tk_e_), tk_e_);                                        \
  } while (0)

// EXPECT_ERR(name, wasi_call, errno): the call must fail with exactly errno.
#define EXPECT_ERR(name, call, want)                                        \
  do {                                                                      \
    int tk_e_ = (int)(call);                                                \
    CHECK(name, tk_e_ == (int)(want), "expected %s (%d), got %s (%d)",      \
          tk_errname(want), (int)(want), tk_errname(tk_e_), tk_e_);         \
  } while (0)

// EXPECT_ERR2(name, call, a, b): either errno is acceptable (the suite's
// permissive alternatives); the first is the preferred one.
#define EXPECT_ERR2(name, call, a, b)                                       \
  do {                                                                      \
    int tk_e_ = (int)(call);                                                \
    CHECK(name, tk_e_ == (int)(a) || tk_e_ == (int)(b),                     \
          "expected %s or %s, got %s (%d)", tk_errname(a), tk_errname(b),   \
          tk_errname(tk_e_), tk_e_);                                        \
  } while (0)

static inline int tk_done(void) {
  tk_line("%s: %d checks, %d failed", tk_failures ? "FAILED" : "PASSED",
          tk_checks, tk_failures);
  return tk_failures ? 1 : 0;
}

// The scratch directory: the preopen whose name equals `want`, or the first
// directory preopen when want is NULL. Returns the preopen's fd or -1.
static inline int tk_find_preopen(const char *want) {
  for (__wasi_fd_t fd = 3;; fd++) {
    __wasi_prestat_t ps;
    if (__wasi_fd_prestat_get(fd, &ps) != 0) return -1;
    if (ps.tag != __WASI_PREOPENTYPE_DIR) continue;
    if (!want) return (int)fd;
    size_t len = ps.u.dir.pr_name_len;
    char name[256];
    if (len >= sizeof name) continue;
    if (__wasi_fd_prestat_dir_name(fd, (uint8_t *)name, len) != 0) continue;
    name[len] = 0;
    if (strcmp(name, want) == 0) return (int)fd;
  }
}

// Opens a file relative to dir with the given rights; returns fd or -errno.
static inline int tk_open(int dir, const char *path, __wasi_oflags_t oflags,
                   __wasi_rights_t rights, __wasi_fdflags_t fdflags) {
  __wasi_fd_t fd;
  int e = __wasi_path_open((__wasi_fd_t)dir, 0, path, oflags, rights, rights,
                           fdflags, &fd);
  return e ? -e : (int)fd;
}

static inline int tk_write_all(int fd, const void *buf, size_t len) {
  __wasi_ciovec_t iov = {(const uint8_t *)buf, len};
  __wasi_size_t n = 0;
  int e = __wasi_fd_write((__wasi_fd_t)fd, &iov, 1, &n);
  return e ? -e : (int)n;
}

static inline int tk_read(int fd, void *buf, size_t len) {
  __wasi_iovec_t iov = {(uint8_t *)buf, len};
  __wasi_size_t n = 0;
  int e = __wasi_fd_read((__wasi_fd_t)fd, &iov, 1, &n);
  return e ? -e : (int)n;
}

#define TK_RW (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | \
               __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL |  \
               __WASI_RIGHTS_FD_FILESTAT_GET |                  \
               __WASI_RIGHTS_FD_FILESTAT_SET_SIZE |             \
               __WASI_RIGHTS_FD_FILESTAT_SET_TIMES |            \
               __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS |              \
               __WASI_RIGHTS_FD_ADVISE | __WASI_RIGHTS_FD_ALLOCATE | \
               __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_FD_SYNC | \
               __WASI_RIGHTS_FD_DATASYNC)

// The rights wasmtime gives a preopened directory (docs/WASI-CONFORMANCE.md §2.2).
#define TK_DIR_RIGHTS                                                         \
  (__WASI_RIGHTS_PATH_CREATE_DIRECTORY | __WASI_RIGHTS_PATH_CREATE_FILE |      \
   __WASI_RIGHTS_PATH_LINK_SOURCE | __WASI_RIGHTS_PATH_LINK_TARGET |           \
   __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_FD_READDIR |                        \
   __WASI_RIGHTS_PATH_READLINK | __WASI_RIGHTS_PATH_RENAME_SOURCE |            \
   __WASI_RIGHTS_PATH_RENAME_TARGET | __WASI_RIGHTS_PATH_SYMLINK |             \
   __WASI_RIGHTS_PATH_REMOVE_DIRECTORY | __WASI_RIGHTS_PATH_UNLINK_FILE |      \
   __WASI_RIGHTS_PATH_FILESTAT_GET | __WASI_RIGHTS_PATH_FILESTAT_SET_TIMES |   \
   __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES)

#endif
