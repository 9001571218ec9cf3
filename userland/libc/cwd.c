/*
 * The working directory lives in two places: wasi-libc's own string (which it
 * resolves relative paths against; chdir and getcwd are wasi-libc's) and the
 * kernel's record (which spawn and exec resolve against and a child
 * inherits). A constructor takes the kernel's value at startup; spawn and exec
 * hand the current one back to the kernel (userland/libc/process.c).
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/libc.h>
#include <tabkernel.h>

__attribute__((constructor)) static void tk_cwd_init(void) {
  // The root as a preopen far from the low fds, so it survives `exec 3>file` in a parent.
  int32_t rootfd;
  if (tk_openroot(200, &rootfd) == 0) __wasilibc_register_preopened_fd(rootfd, "/");
  char buf[4096];
  size_t used = 0;
  if (tk_getcwd(buf, sizeof buf, &used) == 0 && strcmp(buf, "/") != 0) chdir(buf);
}

/* Tell the kernel where we are (before spawn and exec). */
void __tk_sync_cwd(void) {
  char buf[4096];
  if (getcwd(buf, sizeof buf)) tk_chdir(buf, strlen(buf));
}

mode_t umask(mode_t mask) {
  uint32_t old = 0;
  tk_umask(mask, &old);
  return (mode_t)old;
}
