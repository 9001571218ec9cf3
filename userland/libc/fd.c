/*
 * Descriptors beyond WASI: pipe, dup, dup2, fcntl with F_DUPFD, a real
 * FD_CLOEXEC and record locks (F_GETLK, F_SETLK, F_SETLKW), flock and lockf.
 * This fcntl replaces wasi-libc's (its object is then never linked; wasm-ld
 * 14's --wrap produces invalid modules, so no wrapping). The kernel side is
 * kernel/syscall/fdops.ts and, for locks, kernel/syscall/locks.ts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/file.h>
#include <unistd.h>
#include <wasi/api.h>
#include <tabkernel.h>

static int fail(int e) {
  errno = e;
  return -1;
}

_Static_assert(O_CLOEXEC == TK_O_CLOEXEC, "fcntl.h's O_CLOEXEC is the kernel's");

int pipe2(int fds[2], int flags) {
  int32_t f[2];
  int32_t tf = ((flags & O_CLOEXEC) ? TK_PIPE_CLOEXEC : 0) | ((flags & O_NONBLOCK) ? TK_PIPE_NONBLOCK : 0);
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
  int r = tk_dup2(fd, newfd, (flags & O_CLOEXEC) ? 1 : 0);
  return r ? fail(r) : newfd;
}

/* F_GETLK, F_SETLK, F_SETLKW. */
static int record_lock(int fd, int cmd, struct flock *fl) {
  struct tk_lock out;
  int r = tk_fcntl_lock(fd, cmd, fl->l_type, fl->l_whence, fl->l_start, fl->l_len, cmd == F_GETLK ? &out : NULL);
  if (r) return fail(r);
  if (cmd == F_GETLK) {
    /* No lock in the way: only l_type changes (as on Linux). */
    fl->l_type = (short)out.type;
    if (out.type != F_UNLCK) {
      fl->l_whence = SEEK_SET;
      fl->l_start = out.start;
      fl->l_len = out.len;
      fl->l_pid = out.pid;
    }
  }
  return 0;
}

int fcntl(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  if (cmd == F_GETLK || cmd == F_SETLK || cmd == F_SETLKW) {
    struct flock *fl = va_arg(ap, struct flock *);
    va_end(ap);
    return record_lock(fd, cmd, fl);
  }
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


int flock(int fd, int op) {
  int r = tk_flock(fd, op);
  return r ? fail(r) : 0;
}

/* lockf: a write lock on len bytes from the offset (len 0: to the end, < 0: before it). */
int lockf(int fd, int cmd, off_t len) {
  struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_CUR, .l_start = 0, .l_len = len};
  switch (cmd) {
    case F_ULOCK:
      fl.l_type = F_UNLCK;
      return record_lock(fd, F_SETLK, &fl);
    case F_LOCK:
      return record_lock(fd, F_SETLKW, &fl);
    case F_TLOCK:
      return record_lock(fd, F_SETLK, &fl);
    case F_TEST:
      if (record_lock(fd, F_GETLK, &fl) < 0) return -1;
      if (fl.l_type == F_UNLCK || fl.l_pid == getpid()) return 0;
      return fail(EACCES);
    default:
      return fail(EINVAL);
  }
}
