// edges: boundary cases a kernel that copies through a fixed-size syscall
// window, caches views of guest memory, or decodes paths as text could get
// wrong: I/O larger than any window, buffers above a memory.grow, invalid
// UTF-8 in paths, long names in fd_readdir, long symlink chains.
// Usage: edges.wasm [PREOPEN-NAME]   (needs a writable, empty preopen)
#include "tk_raw.h"
#include "tk_test.h"

static int dir;

static void big_io(void) {
  // 6 MiB in one fd_write and one fd_pread (looping on short counts).
  const size_t N = 6u << 20;
  uint8_t *a = malloc(N), *b = malloc(N);
  if (!a || !b) { CHECK("big.malloc", 0, "malloc failed"); return; }
  for (size_t i = 0; i < N; i++) a[i] = (uint8_t)(i * 131 + (i >> 12));
  int fd = tk_open(dir, "big", __WASI_OFLAGS_CREAT, TK_RW, 0);
  size_t done = 0;
  int calls = 0;
  while (done < N && calls < 10000) {
    __wasi_ciovec_t v = {a + done, N - done};
    __wasi_size_t n = 0;
    if (__wasi_fd_write(fd, &v, 1, &n) != 0 || n == 0) break;
    done += n;
    calls++;
  }
  CHECK("big.write", done == N, "wrote %zu of %zu", done, N);
  memset(b, 0, N);
  done = 0;
  calls = 0;
  while (done < N && calls < 10000) {
    __wasi_iovec_t v = {b + done, N - done};
    __wasi_size_t n = 0;
    if (__wasi_fd_pread(fd, &v, 1, done, &n) != 0 || n == 0) break;
    done += n;
    calls++;
  }
  CHECK("big.pread", done == N && memcmp(a, b, N) == 0, "read %zu, data %s", done,
        memcmp(a, b, N) ? "differs" : "same");
  __wasi_filestat_t st;
  (void)__wasi_fd_filestat_get(fd, &st);
  CHECK("big.size", st.size == N, "size=%llu", (unsigned long long)st.size);
  (void)__wasi_fd_close(fd);
  free(a);
  free(b);
}

static void after_memory_grow(void) {
  // Grow memory by 64 MiB, then do I/O with buffers in the new pages.
  size_t before = __builtin_wasm_memory_size(0);
  if (__builtin_wasm_memory_grow(0, 1024) == (size_t)-1) {
    CHECK("grow.memory", 0, "memory.grow failed");
    return;
  }
  uint8_t *high = (uint8_t *)(uintptr_t)((before + 1000) * 65536u);
  memcpy(high, "grown-memory", 12);
  int fd = tk_open(dir, "grow", __WASI_OFLAGS_CREAT, TK_RW, 0);
  CHECK("grow.write-from-new-pages", tk_write_all(fd, high, 12) == 12, "write failed");
  uint8_t *high2 = high + 40000 * 16;
  __wasi_iovec_t v = {high2, 12};
  __wasi_size_t n = 0;
  EXPECT_OK("grow.pread-into-new-pages", __wasi_fd_pread(fd, &v, 1, 0, &n));
  CHECK("grow.data", n == 12 && memcmp(high2, "grown-memory", 12) == 0, "n=%u", n);
  __wasi_timestamp_t *t = (__wasi_timestamp_t *)(high + 8192);
  EXPECT_OK("grow.clock-into-new-pages", __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, t));
  (void)__wasi_fd_close(fd);
  uint32_t end = (uint32_t)__builtin_wasm_memory_size(0) * 65536u;
  EXPECT_ERR("grow.still-bounded", raw_clock_time_get(0, 1, (int32_t)(end - 4)),
             __WASI_ERRNO_FAULT);
}

static void bad_utf8(void) {
  static const char bad[] = "bad\xff\xfe";
  int32_t fd;
  int e = raw_path_open(dir, 0, PTR(bad), sizeof bad - 1, __WASI_OFLAGS_CREAT, 0, 0, 0, PTR(&fd));
  CHECK("utf8.invalid-path", e == __WASI_ERRNO_ILSEQ, "got %s (wasmtime: ILSEQ)", tk_errname(e));
  static const char good[] = "n\xc3\xa4me-\xe2\x82\xac";  // "näme-€"
  e = raw_path_open(dir, 0, PTR(good), sizeof good - 1, __WASI_OFLAGS_CREAT, 0, 0, 0, PTR(&fd));
  CHECK("utf8.valid-path", e == 0, "got %s", tk_errname(e));
  __wasi_filestat_t st;
  CHECK("utf8.stat", __wasi_path_filestat_get(dir, 0, good, &st) == 0, "cannot stat it back");
}

static void long_names(void) {
  char name[201];
  memset(name, 'n', 200);
  name[200] = 0;
  (void)__wasi_path_create_directory(dir, "ln");
  __wasi_fd_t d;
  (void)__wasi_path_open(dir, 0, "ln", __WASI_OFLAGS_DIRECTORY, TK_DIR_RIGHTS, TK_DIR_RIGHTS | TK_RW,
                         0, &d);
  int f = tk_open(d, name, __WASI_OFLAGS_CREAT, 0, 0);
  CHECK("longname.create", f > 2, "got %d", f);
  (void)__wasi_fd_close(f);
  // "." (25) + ".." (26) + 24 + 200: a 100-byte buffer cuts the long entry.
  uint8_t buf[512];
  __wasi_size_t used = 0;
  EXPECT_OK("longname.readdir-small", __wasi_fd_readdir(d, buf, 100, 0, &used));
  CHECK("longname.small-full", used == 100, "used=%u", used);
  EXPECT_OK("longname.readdir-big", __wasi_fd_readdir(d, buf, sizeof buf, 2, &used));
  __wasi_dirent_t de;
  memcpy(&de, buf, sizeof de);
  CHECK("longname.entry", used == 24 + 200 && de.d_namlen == 200 && memcmp(buf + 24, name, 200) == 0,
        "used=%u namlen=%u", used, de.d_namlen);
  char path[260];
  snprintf(path, sizeof path, "ln/%s", name);
  __wasi_filestat_t st;
  EXPECT_OK("longname.stat", __wasi_path_filestat_get(dir, 0, path, &st));
  (void)__wasi_fd_close(d);
}

static void symlink_chains(void) {
  // c0 -> file, c1 -> c0, ...: 30 links resolve; a 60-link chain is ELOOP.
  int f = tk_open(dir, "chain-target", __WASI_OFLAGS_CREAT, 0, 0);
  (void)__wasi_fd_close(f);
  char from[32], to[32];
  (void)__wasi_path_symlink("chain-target", dir, "c0");
  for (int i = 1; i < 60; i++) {
    snprintf(to, sizeof to, "c%d", i - 1);
    snprintf(from, sizeof from, "c%d", i);
    (void)__wasi_path_symlink(to, dir, from);
  }
  __wasi_fd_t fd;
  int e = __wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "c29", 0, 0, 0, 0, &fd);
  CHECK("chain.30-links-resolve", e == 0, "got %s", tk_errname(e));
  if (!e) (void)__wasi_fd_close(fd);
  e = __wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "c59", 0, 0, 0, 0, &fd);
  CHECK("chain.60-links-eloop", e == __WASI_ERRNO_LOOP, "got %s", tk_errname(e));
  // A link to a directory in the middle of a path, then "..": lexical or
  // physical? Both stay inside; just require success and no escape.
  (void)__wasi_path_create_directory(dir, "real");
  (void)__wasi_path_create_directory(dir, "real/inner");
  (void)__wasi_path_symlink("real/inner", dir, "toinner");
  e = __wasi_path_open(dir, 0, "toinner/..", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd);
  CHECK("chain.dotdot-after-link", e == 0, "got %s", tk_errname(e));
  if (!e) {
    __wasi_filestat_t a, b;
    (void)__wasi_fd_filestat_get(fd, &a);
    (void)__wasi_path_filestat_get(dir, 0, "real", &b);
    CHECK("chain.dotdot-is-physical", a.ino == b.ino, "'toinner/..' is not 'real'");
    (void)__wasi_fd_close(fd);
  }
}

int main(int argc, char **argv) {
  dir = tk_find_preopen(argc > 1 ? argv[1] : NULL);
  if (dir < 0) {
    tk_line("FAIL setup: no preopened directory");
    return 2;
  }
  big_io();
  after_memory_grow();
  bad_utf8();
  long_names();
  symlink_chains();
  return tk_done();
}
