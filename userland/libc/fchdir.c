/*
 * fchdir(2): the kernel moves the working directory to the path the
 * directory fd was opened by (it finds it again, and refuses one since
 * removed), then wasi-libc's own string follows (userland/libc/cwd.c). A file
 * of its own so that only programs calling it link it.
 */
#include <errno.h>
#include <unistd.h>
#include <tabkernel.h>

int fchdir(int fd) {
  int32_t e = tk_fchdir(fd);
  if (e == 0) {
    char buf[4096];
    size_t used = 0;
    if ((e = tk_getcwd(buf, sizeof buf, &used)) == 0) return chdir(buf);
  }
  errno = e;
  return -1;
}
