/*
 * WASI preopens versus POSIX descriptors. wasi-libc resolves every path
 * through a preopened directory descriptor — fd 3 for "/" under tabkernel —
 * but to a shell fd 3 is the user's: `exec 3>file` would cut the shell off
 * from the file system. So at startup each preopen is duplicated above the
 * user's range (close-on-exec) and registered again under the same prefix;
 * wasi-libc prefers the latest registration of equally long prefixes, so the
 * shell's own lookups no longer depend on fd 3. (What a *child* finds at fd 3
 * is still the kernel's and libc's business; see docs/SHELL.md.)
 * Nothing to do in a native build.
 */
#include <stdlib.h>

#include "sh.h"

#ifdef __wasi__
#include <fcntl.h>
#include <wasi/api.h>
#include <wasi/libc.h>

void preopens_protect(void) {
  for (int fd = 3; fd < 32; fd++) {
    __wasi_prestat_t ps;
    if (__wasi_fd_prestat_get((__wasi_fd_t)fd, &ps) != 0) break;
    if (ps.tag != __WASI_PREOPENTYPE_DIR) continue;
    size_t len = ps.u.dir.pr_name_len;
    char *name = xmalloc(len + 1);
    if (__wasi_fd_prestat_dir_name((__wasi_fd_t)fd, (uint8_t *)name, len) == 0) {
      name[len] = 0;
      int high = fcntl(fd, F_DUPFD, 100);
      if (high >= 0) {
        fcntl(high, F_SETFD, FD_CLOEXEC);
        __wasilibc_register_preopened_fd(high, name);
      }
    }
    free(name);
  }
}
#else
void preopens_protect(void) {}
#endif
