/*
 * statvfs and fstatvfs: the kernel's statvfs call (syscall/statfs.ts) for a
 * path, resolved against wasi-libc's preopens as every path call is, or for
 * an fd.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <wasi/libc-find-relpath.h>
#include <tabkernel.h>

static int fill(int32_t e, const struct tk_statvfs *in, struct statvfs *out) {
  if (e) {
    errno = e;
    return -1;
  }
  memset(out, 0, sizeof *out);
  out->f_bsize = (unsigned long)in->bsize;
  out->f_frsize = (unsigned long)in->frsize;
  out->f_blocks = in->blocks;
  out->f_bfree = in->bfree;
  out->f_bavail = in->bavail;
  out->f_files = in->files;
  out->f_ffree = in->ffree;
  out->f_favail = in->favail;
  out->f_fsid = (unsigned long)in->fsid;
  out->f_flag = (unsigned long)in->flag;
  out->f_namemax = (unsigned long)in->namemax;
  return 0;
}

int statvfs(const char *restrict path, struct statvfs *restrict buf) {
  const char *abs;
  char *rel = NULL;
  size_t rlen = 0;
  int dirfd = __wasilibc_find_relpath_alloc(path, &abs, &rel, &rlen, 1);
  if (dirfd < 0) return -1;
  struct tk_statvfs st;
  /* An empty remainder names the preopened directory itself. */
  const char *name = rel && *rel ? rel : ".";
  int32_t e = tk_statvfs(dirfd, name, strlen(name), 1, &st);
  free(rel);
  return fill(e, &st, buf);
}

int fstatvfs(int fd, struct statvfs *buf) {
  struct tk_statvfs st;
  return fill(tk_statvfs(fd, "", 0, 1, &st), &st, buf);
}
