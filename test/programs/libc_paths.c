// libc_paths: ordinary POSIX file calls through wasi-libc, resolving relative
// paths against the preopens the way the conformance suite's C tests do:
// "legacy" style (preopen named fs-tests.dir, paths "fs-tests.dir/...") or
// "root" style (preopen named "/", plain relative paths from cwd "/").
// Fixture (created by the test): lseek.txt = "01234567", file = "", pread.txt
// = "abcd-t-xyz", fopendir.dir/{file-0,file-1}, writeable/ (empty dir).
// Usage: libc_paths.wasm PREFIX      PREFIX is "" (root style) or "fs-tests.dir/"
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tk_test.h"

static const char *prefix;
static char *p(const char *rel) {
  static char bufs[4][256];
  static int i;
  char *b = bufs[i++ & 3];
  snprintf(b, 256, "%s%s", prefix, rel);
  return b;
}

static void seeking_stdio(void) {
  FILE *f = fopen(p("lseek.txt"), "r");
  CHECK("fopen.relative", f != NULL, "fopen(%s): errno %d", p("lseek.txt"), errno);
  if (!f) return;
  int fd = fileno(f);
  char buf[8];
  CHECK("fread.4", fread(buf, 1, 4, f) == 4, "short fread");
  fflush(f);
  CHECK("lseek.cur-after-fread", lseek(fd, 0, SEEK_CUR) == 4, "pos=%lld",
        (long long)lseek(fd, 0, SEEK_CUR));
  CHECK("fread.1", fread(buf, 1, 1, f) == 1 && buf[0] == '4', "got %c", buf[0]);
  CHECK("lseek.set", lseek(fd, 0, SEEK_SET) == 0, "lseek set");
  CHECK("lseek.end", lseek(fd, 0, SEEK_END) == 8, "end=%lld", (long long)lseek(fd, 0, SEEK_END));
  fclose(f);
}

static void stat_identity(void) {
  int a = open(p("file"), O_RDONLY), b = open(p("lseek.txt"), O_RDONLY);
  struct stat sa, sb;
  CHECK("open.two", a >= 0 && b >= 0, "open errno %d", errno);
  CHECK("fstat.two", fstat(a, &sa) == 0 && fstat(b, &sb) == 0, "fstat errno %d", errno);
  CHECK("stat.same-dev-distinct-ino", sa.st_dev == sb.st_dev && sa.st_ino != sb.st_ino,
        "dev %llu/%llu ino %llu/%llu", (unsigned long long)sa.st_dev,
        (unsigned long long)sb.st_dev, (unsigned long long)sa.st_ino,
        (unsigned long long)sb.st_ino);
  close(a);
  close(b);
  struct stat s;
  CHECK("stat.missing", stat(p("no-such-file"), &s) == -1 && errno == ENOENT, "errno %d", errno);
  CHECK("access.missing", access(p("writeable/nothing.cleanup"), F_OK) != 0, "exists?");
}

static void pread_pwrite(void) {
  int fd = open(p("pread.txt"), O_RDONLY);
  char buf[16] = {0};
  CHECK("pread.offset", fd >= 0 && pread(fd, buf, 3, 4) == 3 && memcmp(buf, "-t-", 3) == 0,
        "got '%s'", buf);
  close(fd);
  const char *path = p("writeable/pw.txt.cleanup");
  fd = open(path, O_WRONLY | O_CREAT, 0644);
  CHECK("pwrite.create", fd >= 0, "errno %d", errno);
  CHECK("pwrite.full", pwrite(fd, "very long text", 14, 0) == 14, "short pwrite");
  CHECK("pwrite.middle", pwrite(fd, "test", 4, 3) == 4, "short pwrite");
  close(fd);
  fd = open(path, O_RDONLY);
  memset(buf, 0, sizeof buf);
  CHECK("pwrite.readback", read(fd, buf, sizeof buf) == 14 && memcmp(buf, "vertestng text", 14) == 0,
        "got '%s'", buf);
  close(fd);
  CHECK("remove", remove(path) == 0, "errno %d", errno);

  path = p("writeable/append.cleanup");
  fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_APPEND, 0644);
  CHECK("append.write", write(fd, "ab", 2) == 2, "write");
  lseek(fd, 0, SEEK_SET);
  CHECK("append.write-after-seek", write(fd, "cd", 2) == 2, "write");
  CHECK("append.offset", lseek(fd, 0, SEEK_CUR) == 4, "pos=%lld",
        (long long)lseek(fd, 0, SEEK_CUR));
  CHECK("append.pwrite", pwrite(fd, "xyz", 3, 0) == 3, "pwrite");
  CHECK("append.pwrite-offset", lseek(fd, 0, SEEK_CUR) == 4, "pos moved");
  off_t end = lseek(fd, 0, SEEK_END);
  CHECK("append.pwrite-end", end == 4 || end == 7, "end=%lld", (long long)end);
  close(fd);
  remove(path);
}

static void directories(void) {
  int dfd = open(p("fopendir.dir"), O_RDONLY | O_DIRECTORY);
  CHECK("open.O_DIRECTORY", dfd >= 0, "errno %d", errno);
  DIR *d = fdopendir(dfd);
  CHECK("fdopendir", d != NULL, "errno %d", errno);
  if (!d) return;
  int seen = 0, ino_ok = 1, dots = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) { dots++; continue; }
    if (strcmp(e->d_name, "file-0") == 0) seen |= 1;
    else if (strcmp(e->d_name, "file-1") == 0) seen |= 2;
    else seen |= 4;
    struct stat s;
    if (fstatat(dfd, e->d_name, &s, AT_SYMLINK_NOFOLLOW) != 0 || s.st_ino != e->d_ino) ino_ok = 0;
  }
  closedir(d);
  CHECK("readdir.entries", seen == 3, "seen mask %d", seen);
  CHECK("readdir.dots", dots == 2, "dots=%d", dots);
  CHECK("readdir.d_ino-matches-fstatat", ino_ok, "d_ino != st_ino");
  CHECK("mkdir", mkdir(p("writeable/sub.cleanup"), 0755) == 0, "errno %d", errno);
  CHECK("mkdir.exists", mkdir(p("writeable/sub.cleanup"), 0755) == -1 && errno == EEXIST,
        "errno %d", errno);
  CHECK("rmdir", rmdir(p("writeable/sub.cleanup")) == 0, "errno %d", errno);
  CHECK("open.outside-preopens", open("/elsewhere/x", O_RDONLY) == -1, "opened a path no preopen covers");
}

int main(int argc, char **argv) {
  prefix = argc > 1 ? argv[1] : "";
  seeking_stdio();
  stat_identity();
  pread_pwrite();
  directories();
  return tk_done();
}
