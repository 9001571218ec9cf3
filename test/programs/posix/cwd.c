// The working directory and the paths of open files, as Linux has them:
// chdir and getcwd, fchdir to a directory fd (ENOTDIR for a file, EBADF for
// no fd, ENOENT once the directory is gone), and /proc/self/fd/N reading the
// path a file or directory was opened by (pipes as pipe:[ino]).
// Run as `tabkernel run cwd.wasm` (a program of tabkernel's libc: it sees the
// whole tree).
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../tk_test.h"

static const char *link_of(int fd) {
  static char buf[PATH_MAX];
  char name[64];
  snprintf(name, sizeof name, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(name, buf, sizeof buf - 1);
  if (n < 0) return strerror(errno);
  buf[n] = 0;
  return buf;
}

static const char *cwd(void) {
  static char buf[PATH_MAX];
  return getcwd(buf, sizeof buf) ? buf : strerror(errno);
}

int main(void) {
  mkdir("/tmp/cwd", 0755);
  mkdir("/tmp/cwd/a", 0755);
  mkdir("/tmp/cwd/a/b", 0755);
  int f = open("/tmp/cwd/a/file", O_CREAT | O_WRONLY, 0644);
  CHECK("proc-fd.absolute", f >= 0 && strcmp(link_of(f), "/tmp/cwd/a/file") == 0, "%s", link_of(f));

  CHECK("chdir", chdir("/tmp/cwd/a") == 0 && strcmp(cwd(), "/tmp/cwd/a") == 0, "%s", cwd());
  int g = open("b/../file", O_RDONLY);
  CHECK("proc-fd.relative", g >= 0 && strcmp(link_of(g), "/tmp/cwd/a/file") == 0, "%s", link_of(g));
  int d = open("b", O_RDONLY | O_DIRECTORY);
  CHECK("proc-fd.dir", d >= 0 && strcmp(link_of(d), "/tmp/cwd/a/b") == 0, "%s", link_of(d));
  int dup_d = dup(d);
  CHECK("proc-fd.dup", strcmp(link_of(dup_d), "/tmp/cwd/a/b") == 0, "%s", link_of(dup_d));

  int p[2];
  CHECK("proc-fd.pipe", pipe(p) == 0 && strncmp(link_of(p[0]), "pipe:[", 6) == 0, "%s", link_of(p[0]));

  CHECK("fchdir", fchdir(d) == 0 && strcmp(cwd(), "/tmp/cwd/a/b") == 0, "%s", cwd());
  // Relative paths now start there, in the kernel (spawned children) and in the libc.
  int h = open("../file", O_RDONLY);
  CHECK("fchdir.relative-open", h >= 0, "%s", strerror(errno));
  struct stat st;
  CHECK("fchdir.stat-dot", stat(".", &st) == 0 && S_ISDIR(st.st_mode), "%s", strerror(errno));

  int root = open("/", O_RDONLY | O_DIRECTORY);
  CHECK("fchdir.root", fchdir(root) == 0 && strcmp(cwd(), "/") == 0, "%s", cwd());

  errno = 0;
  CHECK("fchdir.file", fchdir(f) == -1 && errno == ENOTDIR, "%s", strerror(errno));
  errno = 0;
  CHECK("fchdir.badf", fchdir(987) == -1 && errno == EBADF, "%s", strerror(errno));
  close(h);
  errno = 0;
  CHECK("fchdir.closed", fchdir(h) == -1 && errno == EBADF, "%s", strerror(errno));

  // A directory removed while open: fchdir finds it gone.
  mkdir("/tmp/cwd/gone", 0755);
  int gone = open("/tmp/cwd/gone", O_RDONLY | O_DIRECTORY);
  rmdir("/tmp/cwd/gone");
  errno = 0;
  CHECK("fchdir.removed", fchdir(gone) == -1 && errno == ENOENT, "%s", strerror(errno));
  CHECK("fchdir.cwd-kept", strcmp(cwd(), "/") == 0, "%s", cwd());

  // A child started after fchdir starts there (the kernel's record moved too).
  CHECK("fchdir.back", fchdir(d) == 0, "%s", strerror(errno));
  FILE *child = popen("pwd", "r");
  char line[PATH_MAX] = "";
  if (child) {
    if (!fgets(line, sizeof line, child)) line[0] = 0;
    pclose(child);
  }
  CHECK("fchdir.child", strcmp(line, "/tmp/cwd/a/b\n") == 0, "%s", line);
  return tk_done();
}
