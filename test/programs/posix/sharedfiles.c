// Open regular files whose state processes use without the kernel (the open
// file table in shared memory: kernel/fs/filetable.ts, kernel/runtime/files.ts):
// lseek, fstat, fcntl(F_GETFL/F_SETFL) and the offset that dup and fork share,
// checked against what POSIX says, with the kernel's own reads, writes and
// truncates mixed in. Run as `tabkernel run sharedfiles.wasm` (files in /tmp).
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../tk_test.h"

static off_t here(int fd) { return lseek(fd, 0, SEEK_CUR); }

static int make(const char *path, const char *text) {
  int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0640);
  if (fd >= 0 && text) write(fd, text, strlen(text));
  return fd;
}

static void test_seek(void) {
  int fd = make("/tmp/sf-seek", "hello world");
  CHECK("seek.after-write", here(fd) == 11, "offset %lld", (long long)here(fd));
  CHECK("seek.end", lseek(fd, -5, SEEK_END) == 6, "");
  char b[8] = {0};
  CHECK("seek.read-there", read(fd, b, 5) == 5 && strcmp(b, "world") == 0, "read '%s'", b);
  CHECK("seek.set", lseek(fd, 3, SEEK_SET) == 3, "");
  CHECK("seek.cur", lseek(fd, 2, SEEK_CUR) == 5, "");
  errno = 0;
  CHECK("seek.negative-is-einval", lseek(fd, -6, SEEK_CUR) == -1 && errno == EINVAL, "errno %d", errno);
  CHECK("seek.unchanged-after-einval", here(fd) == 5, "offset %lld", (long long)here(fd));
  errno = 0;
  CHECK("seek.bad-whence-is-einval", lseek(fd, 0, 7) == -1 && errno == EINVAL, "errno %d", errno);
  CHECK("seek.past-end", lseek(fd, 100, SEEK_SET) == 100, "");
  CHECK("seek.write-past-end-grows", write(fd, "!", 1) == 1, "");
  struct stat st;
  CHECK("seek.fstat-sees-size", fstat(fd, &st) == 0 && st.st_size == 101, "size %lld", (long long)st.st_size);
  close(fd);
}

static void test_fstat(void) {
  int fd = make("/tmp/sf-stat", "abc");
  struct stat a, b;
  CHECK("fstat.ok", fstat(fd, &a) == 0, "");
  CHECK("fstat.agrees-with-stat", stat("/tmp/sf-stat", &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev &&
        a.st_size == 3 && b.st_size == 3 && a.st_nlink == 1 && S_ISREG(a.st_mode), "ino %llu/%llu", (unsigned long long)a.st_ino, (unsigned long long)b.st_ino);
  CHECK("fstat.mode", (a.st_mode & 07777) == 0640, "mode %o", a.st_mode & 07777);
  CHECK("fstat.chmod-seen", fchmod(fd, 0600) == 0 && fstat(fd, &a) == 0 && (a.st_mode & 07777) == 0600, "mode %o", a.st_mode & 07777);
  CHECK("fstat.link-seen", link("/tmp/sf-stat", "/tmp/sf-stat2") == 0 && fstat(fd, &a) == 0 && a.st_nlink == 2, "nlink %llu", (unsigned long long)a.st_nlink);
  CHECK("fstat.unlink-seen", unlink("/tmp/sf-stat") == 0 && unlink("/tmp/sf-stat2") == 0 && fstat(fd, &a) == 0 && a.st_nlink == 0, "nlink %llu", (unsigned long long)a.st_nlink);
  CHECK("fstat.truncate-seen", ftruncate(fd, 10) == 0 && fstat(fd, &a) == 0 && a.st_size == 10, "size %lld", (long long)a.st_size);
  struct timespec ts[2] = {{1000, 0}, {2000, 5}};
  CHECK("fstat.times-seen", futimens(fd, ts) == 0 && fstat(fd, &a) == 0 && a.st_mtim.tv_sec == 2000 && a.st_mtim.tv_nsec == 5, "mtime %lld", (long long)a.st_mtim.tv_sec);
  close(fd);
}

static void test_dup_and_flags(void) {
  int fd = make("/tmp/sf-dup", "0123456789");
  int d = dup(fd);
  CHECK("dup.shares-offset", lseek(d, 4, SEEK_SET) == 4 && here(fd) == 4, "offset %lld", (long long)here(fd));
  char c = 0;
  CHECK("dup.kernel-read-moves-both", read(fd, &c, 1) == 1 && c == '4' && here(d) == 5, "c=%c offset %lld", c, (long long)here(d));
  CHECK("flags.no-append", (fcntl(fd, F_GETFL) & O_APPEND) == 0, "");
  CHECK("flags.set-append", fcntl(fd, F_SETFL, O_APPEND) == 0, "");
  CHECK("flags.dup-sees-append", (fcntl(d, F_GETFL) & O_APPEND) != 0, "");
  CHECK("flags.append-writes-at-end", lseek(d, 0, SEEK_SET) == 0 && write(d, "x", 1) == 1 && here(d) == 11, "offset %lld", (long long)here(d));
  errno = 0;
  CHECK("flags.others-einval", fcntl(fd, F_SETFL, O_APPEND | 0x40000000) == -1 || (fcntl(fd, F_GETFL) & O_APPEND), "errno %d", errno);
  CHECK("flags.clear-append", fcntl(d, F_SETFL, 0) == 0 && (fcntl(fd, F_GETFL) & O_APPEND) == 0, "");
  close(fd);
  CHECK("dup.survives-close", lseek(d, 1, SEEK_SET) == 1 && read(d, &c, 1) == 1 && c == '1', "c=%c", c);
  close(d);
  /* A new file reusing the fd numbers: nothing of the old description shows. */
  int again = make("/tmp/sf-dup2", "zz");
  CHECK("reuse.fresh-offset", here(again) == 2 && lseek(again, 0, SEEK_END) == 2, "offset %lld", (long long)here(again));
  close(again);
}

static void test_fork_shares_offset(void) {
  int fd = make("/tmp/sf-fork", "abcdefghij");
  lseek(fd, 0, SEEK_SET);
  pid_t pid = fork();
  if (pid == 0) {
    /* The child moves the shared offset by seeking and by reading. */
    char c;
    int ok = lseek(fd, 3, SEEK_SET) == 3 && read(fd, &c, 1) == 1 && c == 'd';
    ok = ok && fcntl(fd, F_SETFL, O_APPEND) == 0;
    _exit(ok ? 0 : 1);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  CHECK("fork.child-ok", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
  CHECK("fork.parent-sees-child-offset", here(fd) == 4, "offset %lld", (long long)here(fd));
  CHECK("fork.parent-sees-child-flags", (fcntl(fd, F_GETFL) & O_APPEND) != 0, "");
  /* Children seeking at once: every lseek lands whole. */
  fcntl(fd, F_SETFL, 0);
  for (int i = 0; i < 3; i++) {
    if (fork() == 0) {
      for (int k = 0; k < 2000; k++) lseek(fd, 1, SEEK_CUR);
      _exit(0);
    }
  }
  for (int k = 0; k < 2000; k++) lseek(fd, 1, SEEK_CUR);
  for (int i = 0; i < 3; i++) wait(&st);
  CHECK("fork.concurrent-seeks-all-count", here(fd) == 4 + 4 * 2000, "offset %lld", (long long)here(fd));
  close(fd);
}

static void test_other_process_changes(void) {
  int fd = make("/tmp/sf-other", "12345");
  pid_t pid = fork();
  if (pid == 0) {
    /* Another description of the same file, in another process. */
    int o = open("/tmp/sf-other", O_WRONLY | O_APPEND);
    int ok = o >= 0 && write(o, "6789", 4) == 4 && close(o) == 0;
    _exit(ok ? 0 : 1);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  struct stat s;
  CHECK("other.size-seen", fstat(fd, &s) == 0 && s.st_size == 9, "size %lld", (long long)s.st_size);
  CHECK("other.seek-end-seen", lseek(fd, 0, SEEK_END) == 9, "");
  CHECK("other.truncate-seen", truncate("/tmp/sf-other", 2) == 0 && fstat(fd, &s) == 0 && s.st_size == 2 && lseek(fd, 0, SEEK_END) == 2, "size %lld", (long long)s.st_size);
  close(fd);
}

int main(void) {
  test_seek();
  test_fstat();
  test_dup_and_flags();
  test_fork_shares_offset();
  test_other_process_changes();
  return tk_done();
}
