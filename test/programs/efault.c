// efault: out-of-bounds pointers and lengths must fail the call with EFAULT
// and leave the process running (tabkernel, DESIGN.md §2). wasmtime traps
// instead; the wasi-testsuite does not test this.
// Usage: efault.wasm [PREOPEN-NAME]   (stdin should be empty; a preopen adds path_* cases)
#include "tk_raw.h"
#include "tk_test.h"

#define FAULT __WASI_ERRNO_FAULT

int main(int argc, char **argv) {
  const uint32_t end = (uint32_t)__builtin_wasm_memory_size(0) * 65536u;
  const int32_t edge = (int32_t)(end - 4);  // 4 bytes left: too short for most structs
  const int32_t far = (int32_t)0xfffffff0u;
  static int32_t n;
  static uint8_t okbuf[64];
  static __wasi_ciovec_t iov = {(const uint8_t *)"x", 1};
  static __wasi_ciovec_t bad_iov_far;
  static __wasi_ciovec_t bad_iov_edge;
  bad_iov_far.buf = (const uint8_t *)(uintptr_t)(uint32_t)far;
  bad_iov_far.buf_len = 8;
  bad_iov_edge.buf = (const uint8_t *)(uintptr_t)(end - 2);
  bad_iov_edge.buf_len = 8;

  EXPECT_ERR("fd_write.iovs-far", raw_fd_write(1, far, 1, PTR(&n)), FAULT);
  EXPECT_ERR("fd_write.iovs-edge", raw_fd_write(1, edge, 1, PTR(&n)), FAULT);
  EXPECT_ERR("fd_write.iovs-len-huge", raw_fd_write(1, PTR(&iov), 0x10000000, PTR(&n)), FAULT);
  EXPECT_ERR("fd_write.buf-far", raw_fd_write(1, PTR(&bad_iov_far), 1, PTR(&n)), FAULT);
  EXPECT_ERR("fd_write.buf-edge", raw_fd_write(1, PTR(&bad_iov_edge), 1, PTR(&n)), FAULT);
  EXPECT_ERR("fd_write.out-far", raw_fd_write(2, PTR(&iov), 0, far), FAULT);
  EXPECT_ERR("fd_read.iovs-far", raw_fd_read(0, far, 1, PTR(&n)), FAULT);
  EXPECT_ERR("fd_read.buf-far", raw_fd_read(0, PTR(&bad_iov_far), 1, PTR(&n)), FAULT);
  EXPECT_ERR("args_sizes_get.far", raw_args_sizes_get(far, PTR(&n)), FAULT);
  EXPECT_ERR("args_sizes_get.edge", raw_args_sizes_get(PTR(&n), (int32_t)end), FAULT);
  EXPECT_ERR("args_get.argv-far", raw_args_get(far, PTR(okbuf)), FAULT);
  EXPECT_ERR("args_get.buf-far", raw_args_get(PTR(okbuf), far), FAULT);
  EXPECT_ERR("environ_sizes_get.far", raw_environ_sizes_get(far, far), FAULT);
  EXPECT_ERR("clock_time_get.out-far", raw_clock_time_get(0, 1, far), FAULT);
  EXPECT_ERR("clock_time_get.out-edge", raw_clock_time_get(1, 1, edge), FAULT);
  EXPECT_ERR("clock_res_get.out-far", raw_clock_res_get(0, far), FAULT);
  EXPECT_ERR("random_get.buf-far", raw_random_get(far, 100), FAULT);
  EXPECT_ERR("random_get.len-huge", raw_random_get(PTR(okbuf), 0x7fffffff), FAULT);
  EXPECT_ERR("fd_fdstat_get.out-far", raw_fd_fdstat_get(1, far), FAULT);
  EXPECT_ERR("fd_filestat_get.out-edge", raw_fd_filestat_get(1, edge), FAULT);
  EXPECT_ERR("poll_oneoff.in-far", raw_poll_oneoff(far, PTR(okbuf), 1, PTR(&n)), FAULT);
  static __wasi_subscription_t sub;
  sub.u.tag = __WASI_EVENTTYPE_CLOCK;
  sub.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  EXPECT_ERR("poll_oneoff.out-far", raw_poll_oneoff(PTR(&sub), far, 1, PTR(&n)), FAULT);
  EXPECT_ERR("poll_oneoff.n-huge", raw_poll_oneoff(PTR(&sub), PTR(okbuf), 0x10000000, PTR(&n)),
             FAULT);

  int dir = tk_find_preopen(argc > 1 ? argv[1] : NULL);
  if (dir >= 0) {
    EXPECT_ERR("path_open.path-far", raw_path_open(dir, 0, far, 10, 0, 0, 0, 0, PTR(&n)), FAULT);
    EXPECT_ERR("path_open.path-len-past-end",
               raw_path_open(dir, 0, PTR(okbuf), 0x7fffffff, 0, 0, 0, 0, PTR(&n)), FAULT);
    EXPECT_ERR("path_create_directory.far", raw_path_create_directory(dir, far, 4), FAULT);
    EXPECT_ERR("path_filestat_get.out-far", raw_path_filestat_get(dir, 0, PTR("."), 1, far),
               FAULT);
    EXPECT_ERR("path_symlink.far", raw_path_symlink(far, 3, dir, PTR("s"), 1), FAULT);
    EXPECT_ERR("path_unlink_file.far", raw_path_unlink_file(dir, far, 3), FAULT);
    EXPECT_ERR("path_rename.far", raw_path_rename(dir, far, 3, dir, PTR("b"), 1), FAULT);
    EXPECT_ERR("fd_readdir.buf-far", raw_fd_readdir(dir, far, 64, 0, PTR(&n)), FAULT);
    EXPECT_ERR("fd_prestat_dir_name.far", raw_fd_prestat_dir_name(dir, far, 64), FAULT);
    EXPECT_ERR("fd_prestat_get.far", raw_fd_prestat_get(dir, far), FAULT);
  }
  // Still alive, memory intact, and ordinary calls still work.
  CHECK("alive", tk_write_all(1, "", 0) == 0, "fd_write failed after the faults");
  return tk_done();
}
