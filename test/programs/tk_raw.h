// Raw WASI preview1 imports with every pointer and length as a plain i32, for
// tests that must pass values wasi-libc's typed wrappers cannot express
// (paths with embedded NULs, out-of-bounds pointers, bogus lengths).
#ifndef TK_RAW_H
#define TK_RAW_H
#include <stdint.h>

#define TK_IMPORT(name) \
  __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))

TK_IMPORT(args_get) int32_t raw_args_get(int32_t argv, int32_t buf);
TK_IMPORT(args_sizes_get) int32_t raw_args_sizes_get(int32_t argc, int32_t size);
TK_IMPORT(environ_get) int32_t raw_environ_get(int32_t env, int32_t buf);
TK_IMPORT(environ_sizes_get) int32_t raw_environ_sizes_get(int32_t n, int32_t size);
TK_IMPORT(clock_res_get) int32_t raw_clock_res_get(int32_t id, int32_t out);
TK_IMPORT(clock_time_get) int32_t raw_clock_time_get(int32_t id, int64_t prec, int32_t out);
TK_IMPORT(fd_fdstat_get) int32_t raw_fd_fdstat_get(int32_t fd, int32_t out);
TK_IMPORT(fd_filestat_get) int32_t raw_fd_filestat_get(int32_t fd, int32_t out);
TK_IMPORT(fd_prestat_get) int32_t raw_fd_prestat_get(int32_t fd, int32_t out);
TK_IMPORT(fd_prestat_dir_name) int32_t raw_fd_prestat_dir_name(int32_t fd, int32_t buf, int32_t len);
TK_IMPORT(fd_read) int32_t raw_fd_read(int32_t fd, int32_t iovs, int32_t n, int32_t out);
TK_IMPORT(fd_write) int32_t raw_fd_write(int32_t fd, int32_t iovs, int32_t n, int32_t out);
TK_IMPORT(fd_pread) int32_t raw_fd_pread(int32_t fd, int32_t iovs, int32_t n, int64_t off, int32_t out);
TK_IMPORT(fd_pwrite) int32_t raw_fd_pwrite(int32_t fd, int32_t iovs, int32_t n, int64_t off, int32_t out);
TK_IMPORT(fd_seek) int32_t raw_fd_seek(int32_t fd, int64_t off, int32_t whence, int32_t out);
TK_IMPORT(fd_tell) int32_t raw_fd_tell(int32_t fd, int32_t out);
TK_IMPORT(fd_readdir) int32_t raw_fd_readdir(int32_t fd, int32_t buf, int32_t len, int64_t cookie, int32_t out);
TK_IMPORT(path_open) int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t path_len,
                                           int32_t oflags, int64_t base, int64_t inh, int32_t fdflags, int32_t out);
TK_IMPORT(path_create_directory) int32_t raw_path_create_directory(int32_t fd, int32_t path, int32_t len);
TK_IMPORT(path_filestat_get) int32_t raw_path_filestat_get(int32_t fd, int32_t flags, int32_t path, int32_t len, int32_t out);
TK_IMPORT(path_readlink) int32_t raw_path_readlink(int32_t fd, int32_t path, int32_t len, int32_t buf, int32_t buf_len, int32_t out);
TK_IMPORT(path_symlink) int32_t raw_path_symlink(int32_t old, int32_t old_len, int32_t fd, int32_t new_, int32_t new_len);
TK_IMPORT(path_unlink_file) int32_t raw_path_unlink_file(int32_t fd, int32_t path, int32_t len);
TK_IMPORT(path_rename) int32_t raw_path_rename(int32_t fd, int32_t old, int32_t old_len, int32_t fd2, int32_t new_, int32_t new_len);
TK_IMPORT(poll_oneoff) int32_t raw_poll_oneoff(int32_t in, int32_t out, int32_t n, int32_t nevents);
TK_IMPORT(random_get) int32_t raw_random_get(int32_t buf, int32_t len);
TK_IMPORT(proc_raise) int32_t raw_proc_raise(int32_t sig);

#define PTR(p) ((int32_t)(uintptr_t)(p))

#endif
