/*
 * Descriptors beyond WASI: pipe, dup, dup2, and fcntl with F_DUPFD and a real
 * FD_CLOEXEC. This fcntl replaces wasi-libc's (its object is then never linked;
 * wasm-ld 14's --wrap produces invalid modules, so no wrapping).
 * The kernel side is kernel/syscall/fdops.ts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <unistd.h>
#include <wasi/api.h>
#include <tabkernel.h>

static int fail(int e) {
  errno = e;
  return -1;
}

/* pipe2/dup3 flag for close-on-exec (wasi-libc's O_CLOEXEC is 0, so it can't be that). */
#define TK_O_CLOEXEC 0x40000000

int pipe2(int fds[2], int flags) {
  int32_t f[2];
  int32_t tf = ((flags & TK_O_CLOEXEC) ? TK_PIPE_CLOEXEC : 0) | ((flags & O_NONBLOCK) ? TK_PIPE_NONBLOCK : 0);
  int r = tk_pipe(f, tf);
  if (r) return fail(r);
  fds[0] = f[0];
  fds[1] = f[1];
  return 0;
}

int pipe(int fds[2]) {
  return pipe2(fds, 0);
}

int dup(int fd) {
  int32_t n;
  int r = tk_dup(fd, 0, 0, &n);
  return r ? fail(r) : n;
}

int dup2(int fd, int newfd) {
  int r = tk_dup2(fd, newfd, 0);
  return r ? fail(r) : newfd;
}

int dup3(int fd, int newfd, int flags) {
  if (fd == newfd) return fail(EINVAL);
  int r = tk_dup2(fd, newfd, (flags & TK_O_CLOEXEC) ? 1 : 0);
  return r ? fail(r) : newfd;
}

int fcntl(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  int arg = va_arg(ap, int);
  va_end(ap);
  int32_t out = 0;
  int r;
  switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
      r = tk_dup(fd, arg, cmd == F_DUPFD_CLOEXEC, &out);
      return r ? fail(r) : out;
    case F_GETFD:
      r = tk_fd_cloexec(fd, -1, &out);
      return r ? fail(r) : (out ? FD_CLOEXEC : 0);
    case F_SETFD:
      r = tk_fd_cloexec(fd, (arg & FD_CLOEXEC) ? 1 : 0, &out);
      return r ? fail(r) : 0;
    case F_GETFL: {
      __wasi_fdstat_t st;
      r = __wasi_fd_fdstat_get(fd, &st);
      if (r) return fail(r);
      int fl = st.fs_flags;
      if (st.fs_rights_base & __WASI_RIGHTS_FD_READ) fl |= O_RDONLY;
      if (st.fs_rights_base & __WASI_RIGHTS_FD_WRITE) fl |= O_WRONLY;
      return fl;
    }
    case F_SETFL:
      r = __wasi_fd_fdstat_set_flags(fd, (__wasi_fdflags_t)(arg & (O_APPEND | O_NONBLOCK)));
      return r ? fail(r) : 0;
    default:
      return fail(EINVAL);
  }
}

