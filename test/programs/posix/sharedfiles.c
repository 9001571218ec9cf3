// Open regular files whose state processes use without the kernel (the open
// file table in shared memory: kernel/fs/filetable.ts, kernel/runtime/files.ts):
// lseek, fstat, fcntl(F_GETFL/F_SETFL) and the offset that dup and fork share,
// checked against what POSIX says, with the kernel's own reads, writes and
// truncates mixed in. Run as `tabkernel run sharedfiles.wasm` (files in /tmp).
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <stdio.h>
#include <unistd.h>
#include "../tk_test.h"

static off_t here(int fd) { return lseek(fd, 0, SEEK_CUR); }

static int make(const char *path, const char *text) {
  int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0640);
  if (fd >= 0 && text) write(fd, text, strlen(text));
  return fd;
}

/*
 * A child that acts when told, while this process makes no kernel call in
 * between: both learn the pipes' fds first (a read and a write each way), so
 * that telling it and waiting for its answer are ring copies in the process.
 */
struct helper {
  pid_t pid;
  int go[2], said[2];
};

static void helper_start(struct helper *h, char (*act)(void)) {
  pipe(h->go);
  pipe(h->said);
  h->pid = fork();
  if (h->pid == 0) {
    char x;
    write(h->said[1], "s", 1);
    read(h->go[0], &x, 1);
    read(h->go[0], &x, 1);
    x = act();
    write(h->said[1], &x, 1);
    _exit(0);
  }
  char hello;
  read(h->said[0], &hello, 1);
  write(h->go[1], "1", 1);
}

/* Let the child act; its answer. */
static char helper_run(struct helper *h) {
  char answer = 0;
  write(h->go[1], "g", 1);
  read(h->said[0], &answer, 1);
  return answer;
}

static void helper_end(struct helper *h) {
  int st;
  waitpid(h->pid, &st, 0);
  close(h->go[0]); close(h->go[1]); close(h->said[0]); close(h->said[1]);
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
  CHECK("fstat.chmod-unlinked", fchmod(fd, 0640) == 0 && fstat(fd, &a) == 0 && (a.st_mode & 07777) == 0640, "mode %o errno %d", a.st_mode & 07777, errno);
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

/* Reads and writes copied in the processes (the data arena). */
static void test_data(void) {
  int fd = make("/tmp/sf-data", NULL);
  static char big[200000], back[200000];
  for (size_t k = 0; k < sizeof big; k++) big[k] = (char)(k * 7 + 3);
  CHECK("data.big-write", write(fd, big, sizeof big) == (ssize_t)sizeof big, "");
  CHECK("data.big-read", pread(fd, back, sizeof back, 0) == (ssize_t)sizeof back && memcmp(big, back, sizeof big) == 0, "");
  /* Small writes within the pages, then reads across page boundaries. */
  lseek(fd, 65530, SEEK_SET);
  CHECK("data.write-across-pages", write(fd, "ABCDEFGHIJKL", 12) == 12, "");
  char r[13] = {0};
  CHECK("data.read-across-pages", pread(fd, r, 12, 65530) == 12 && memcmp(r, "ABCDEFGHIJKL", 12) == 0, "'%s'", r);
  /* A hole: zeros, then the bytes past it. */
  CHECK("data.write-past-hole", pwrite(fd, "Z", 1, 1 << 20) == 1, "");
  char z[4] = {1, 1, 1, 1};
  CHECK("data.hole-reads-zeros", pread(fd, z, 4, 500000) == 4 && z[0] == 0 && z[3] == 0, "");
  CHECK("data.after-hole", pread(fd, z, 4, 1 << 20) == 1 && z[0] == 'Z', "");
  struct stat st;
  CHECK("data.size", fstat(fd, &st) == 0 && st.st_size == (1 << 20) + 1, "size %lld", (long long)st.st_size);
  /* Another process reads what this one wrote, and the other way round. */
  pwrite(fd, "parent", 6, 10);
  pid_t pid = fork();
  if (pid == 0) {
    int o = open("/tmp/sf-data", O_RDWR);
    char b[7] = {0};
    int ok = o >= 0 && pread(o, b, 6, 10) == 6 && strcmp(b, "parent") == 0 && pwrite(o, "child!", 6, 20) == 6;
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  char b[7] = {0};
  CHECK("data.child-read-parent-wrote", WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
  CHECK("data.parent-reads-child-wrote", pread(fd, b, 6, 20) == 6 && strcmp(b, "child!") == 0, "'%s'", b);
  /* ftruncate by another process: reads end there, and a read past it gets nothing. */
  if (fork() == 0) _exit(truncate("/tmp/sf-data", 100) == 0 ? 0 : 1);
  wait(&status);
  CHECK("data.truncated-elsewhere", fstat(fd, &st) == 0 && st.st_size == 100 && pread(fd, b, 6, 100) == 0 && pread(fd, b, 6, 97) == 3, "size %lld", (long long)st.st_size);
  CHECK("data.truncated-tail-zero-on-growth", ftruncate(fd, 200) == 0 && pread(fd, z, 4, 150) == 4 && z[0] == 0 && z[3] == 0, "");
  close(fd);
}

/* Two processes appending through descriptions of their own: every record lands whole, none over another. */
static void test_appends(void) {
  int fd = make("/tmp/sf-append", NULL);
  close(fd);
  enum { N = 400, LEN = 16 };
  for (int c = 0; c < 2; c++) {
    if (fork() == 0) {
      int a = open("/tmp/sf-append", O_WRONLY | O_APPEND);
      char rec[LEN + 1];
      for (int k = 0; k < N; k++) {
        snprintf(rec, sizeof rec, "%c%014d\n", 'a' + c, k);
        if (write(a, rec, LEN) != LEN) _exit(1);
      }
      _exit(0);
    }
  }
  int st, ok = 1;
  for (int c = 0; c < 2; c++) ok &= wait(&st) > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
  CHECK("append.children-ok", ok, "");
  static char all[2 * N * LEN + 1];
  fd = open("/tmp/sf-append", O_RDONLY);
  ssize_t n = read(fd, all, sizeof all);
  CHECK("append.size", n == 2 * N * LEN, "read %zd", n);
  int seen[2] = {0, 0}, whole = 1;
  for (ssize_t at = 0; at + LEN <= n; at += LEN) {
    int c = all[at] - 'a';
    if ((c != 0 && c != 1) || all[at + LEN - 1] != '\n' || atoi(all + at + 1) != seen[c]) { whole = 0; break; }
    seen[c]++;
  }
  CHECK("append.records-whole-in-order", whole && seen[0] == N && seen[1] == N, "seen %d %d", seen[0], seen[1]);
  close(fd);
}

/* A writer killed while it writes: the file stays usable, by the kernel and by the others. */
static void test_killed_writer(void) {
  int fd = make("/tmp/sf-killed", NULL);
  static char buf[60000];
  memset(buf, 'k', sizeof buf);
  write(fd, buf, sizeof buf);
  pid_t pid = fork();
  if (pid == 0) {
    for (;;) pwrite(fd, buf, sizeof buf, 0);
  }
  for (int k = 0; k < 50; k++) { char c; pread(fd, &c, 1, 0); }
  kill(pid, SIGKILL);
  int st;
  waitpid(pid, &st, 0);
  CHECK("killed.child-killed", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status %#x", st);
  CHECK("killed.write-after", pwrite(fd, "after", 5, 0) == 5, "");
  char b[6] = {0};
  CHECK("killed.read-after", pread(fd, b, 5, 0) == 5 && strcmp(b, "after") == 0, "'%s'", b);
  int other = open("/tmp/sf-killed", O_RDWR);
  CHECK("killed.kernel-write-after", ftruncate(other, 10) == 0 && lseek(other, 0, SEEK_END) == 10, "");
  close(other);
  close(fd);
}

/* RLIMIT_FSIZE holds for writes copied in the process too. */
static void test_fsize(void) {
  int fd = make("/tmp/sf-fsize", "0123456789");
  pid_t pid = fork();
  if (pid == 0) {
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit rl = {12, 12};
    if (setrlimit(RLIMIT_FSIZE, &rl) != 0) _exit(2);
    lseek(fd, 0, SEEK_END);
    ssize_t a = write(fd, "abcd", 4);  /* cut to 2 */
    errno = 0;
    ssize_t b = write(fd, "x", 1);      /* EFBIG */
    _exit(a == 2 && b == -1 && errno == EFBIG ? 0 : 1);
  }
  int st;
  waitpid(pid, &st, 0);
  struct stat s;
  CHECK("fsize.child-cut-short", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
  CHECK("fsize.size", fstat(fd, &s) == 0 && s.st_size == 12, "size %lld", (long long)s.st_size);
  /* A limit the parent sets on the child (prlimit of its pid) holds for the child's next write. */
  int go[2], ready[2];
  pipe(go);
  pipe(ready);
  pid = fork();
  if (pid == 0) {
    signal(SIGXFSZ, SIG_IGN);
    close(go[1]);
    close(ready[0]);
    ftruncate(fd, 0);
    ssize_t a = pwrite(fd, "abcdef", 6, 0); /* learnt, written in the process */
    write(ready[1], "r", 1);
    char c;
    read(go[0], &c, 1);                      /* the parent has set the limit */
    errno = 0;
    ssize_t b = pwrite(fd, "ghij", 4, 6);    /* past 8: cut to 2 */
    ssize_t d = pwrite(fd, "k", 1, 8);       /* at 8: EFBIG */
    _exit(a == 6 && b == 2 && d == -1 && errno == EFBIG ? 0 : 1);
  }
  close(go[0]);
  close(ready[1]);
  char r;
  read(ready[0], &r, 1);
  close(ready[0]);
  struct rlimit rl = {8, 8};
  CHECK("fsize.prlimit-child", prlimit(pid, RLIMIT_FSIZE, &rl, NULL) == 0, "errno %d", errno);
  write(go[1], "g", 1);
  close(go[1]);
  waitpid(pid, &st, 0);
  CHECK("fsize.child-sees-parent-limit", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
  close(fd);
}

/* stat of a path, remembered by the process until anything changes (runtime/dentries.ts). */
static void test_stat_cache(void) {
  int fd = make("/tmp/sf-cache", "12345");
  struct stat a, b;
  for (int k = 0; k < 100; k++) stat("/tmp/sf-cache", &a);
  CHECK("cache.stat", a.st_size == 5 && (a.st_mode & 0777) == 0640, "size %lld mode %o", (long long)a.st_size, a.st_mode & 0777);
  /* This process's own in-process write. */
  write(fd, "678", 3);
  CHECK("cache.own-write-seen", stat("/tmp/sf-cache", &a) == 0 && a.st_size == 8, "size %lld", (long long)a.st_size);
  /* Another process: chmod, then grows it, then renames another file over it, then removes it. */
  if (fork() == 0) _exit(chmod("/tmp/sf-cache", 0600) == 0 ? 0 : 1);
  int st;
  wait(&st);
  CHECK("cache.other-chmod-seen", stat("/tmp/sf-cache", &a) == 0 && (a.st_mode & 0777) == 0600, "mode %o", a.st_mode & 0777);
  if (fork() == 0) {
    int o = open("/tmp/sf-cache", O_WRONLY | O_APPEND);
    _exit(o >= 0 && write(o, "9", 1) == 1 ? 0 : 1);
  }
  wait(&st);
  CHECK("cache.other-write-seen", stat("/tmp/sf-cache", &a) == 0 && a.st_size == 9, "size %lld", (long long)a.st_size);
  int other = make("/tmp/sf-cache2", "x");
  close(other);
  stat("/tmp/sf-cache2", &b);
  if (fork() == 0) _exit(rename("/tmp/sf-cache2", "/tmp/sf-cache") == 0 ? 0 : 1);
  wait(&st);
  CHECK("cache.rename-seen", stat("/tmp/sf-cache", &a) == 0 && a.st_size == 1 && a.st_ino == b.st_ino, "size %lld", (long long)a.st_size);
  errno = 0;
  CHECK("cache.rename-source-gone", stat("/tmp/sf-cache2", &b) == -1 && errno == ENOENT, "errno %d", errno);
  if (fork() == 0) _exit(unlink("/tmp/sf-cache") == 0 ? 0 : 1);
  wait(&st);
  errno = 0;
  CHECK("cache.unlink-seen", stat("/tmp/sf-cache", &a) == -1 && errno == ENOENT, "errno %d", errno);
  /* A symlink retargeted: stat follows the new target, lstat sees the new link. */
  make("/tmp/sf-t1", "a");
  make("/tmp/sf-t2", "bbbb");
  symlink("/tmp/sf-t1", "/tmp/sf-link");
  stat("/tmp/sf-link", &a);
  lstat("/tmp/sf-link", &b);
  if (fork() == 0) _exit(unlink("/tmp/sf-link") == 0 && symlink("/tmp/sf-t2", "/tmp/sf-link") == 0 ? 0 : 1);
  wait(&st);
  CHECK("cache.symlink-retarget-seen", stat("/tmp/sf-link", &a) == 0 && a.st_size == 4, "size %lld", (long long)a.st_size);
  CHECK("cache.lstat-new-link", lstat("/tmp/sf-link", &b) == 0 && S_ISLNK(b.st_mode) && b.st_size == 10, "size %lld", (long long)b.st_size);
  close(fd);
}

/*
 * close(2) of a regular file that the runtime puts off until the process's
 * next call (abi/page.ts Slot.CLOSES): nothing may tell it from a close done
 * at once — the lowest fd comes back, a second close is EBADF, /proc/self/fd
 * no longer lists it, and a record lock goes with it at once.
 */
static char try_lock(void) {
  int fd = open("/tmp/sf-close-lock", O_RDWR);
  struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
  return fcntl(fd, F_SETLK, &fl) == 0 ? 'y' : 'n';
}

static void test_closes(void) {
  int a = make("/tmp/sf-close-a", "a");
  close(a);
  int b = open("/tmp/sf-close-a", O_RDONLY);
  CHECK("close.lowest-fd-again", b == a, "fd %d then %d", a, b);
  CHECK("close.then-close-again", close(b) == 0, "");
  errno = 0;
  CHECK("close.twice-is-ebadf", close(b) == -1 && errno == EBADF, "errno %d", errno);
  errno = 0;
  char c;
  CHECK("close.read-after-is-ebadf", read(b, &c, 1) == -1 && errno == EBADF, "errno %d", errno);

  /* More closes in a row than the runtime keeps. */
  int fds[20];
  for (int i = 0; i < 20; i++) fds[i] = open("/tmp/sf-close-a", O_RDONLY);
  for (int i = 19; i >= 0; i--) close(fds[i]);
  int bad = 0;
  for (int i = 0; i < 20; i++) bad += fcntl(fds[i], F_GETFD) != -1;
  CHECK("close.twenty-all-closed", bad == 0, "%d still open", bad);
  int again = open("/tmp/sf-close-a", O_RDONLY);
  CHECK("close.twenty-lowest-again", again == fds[0], "fd %d, first was %d", again, fds[0]);

  /* A closed fd is gone from /proc/PID/fd for the process itself. */
  char link[64], target[256];
  snprintf(link, sizeof link, "/proc/%d/fd/%d", (int)getpid(), again);
  CHECK("close.proc-lists-open", readlink(link, target, sizeof target) > 0, "errno %d", errno);
  close(again);
  errno = 0;
  CHECK("close.proc-forgets-closed", readlink(link, target, sizeof target) == -1 && errno == ENOENT, "errno %d", errno);

  /* A dup keeps the description: its reads go on after the other fd's close. */
  int d1 = make("/tmp/sf-close-b", "xyz");
  int d2 = dup(d1);
  lseek(d1, 0, SEEK_SET);
  close(d1);
  char got[4] = {0};
  CHECK("close.dup-reads-on", read(d2, got, 3) == 3 && strcmp(got, "xyz") == 0, "'%s'", got);
  close(d2);

  /*
   * Closing any fd of a file lets go of the process's record locks on it at
   * once (POSIX): the parent locks, closes a second fd of the file and tells
   * its child through a pipe (no call reaches the kernel between the two);
   * the child must then get the lock.
   */
  int lk = make("/tmp/sf-close-lock", "lock");
  struct helper h;
  helper_start(&h, try_lock);
  struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
  CHECK("close.lock-taken", fcntl(lk, F_SETLK, &fl) == 0, "errno %d", errno);
  int second = open("/tmp/sf-close-lock", O_RDONLY);
  close(second);
  char answer = helper_run(&h);
  CHECK("close.lets-go-of-locks-at-once", answer == 'y', "child said '%c'", answer);
  helper_end(&h);
  close(lk);
}

/*
 * An open of the file just closed may be taken back by the runtime
 * (kernel/runtime/reopen.ts): it must be what a new open is — the offset at
 * 0, the status flags as opened, the lowest free fd, a description of its
 * own, the file the path names now, O_TRUNC done.
 */
static char rename_over(void) {
  return rename("/tmp/sf-reopen-new", "/tmp/sf-reopen") == 0 ? 'y' : 'n';
}

static void test_reopen(void) {
  close(make("/tmp/sf-reopen", "0123456789"));
  close(make("/tmp/sf-reopen-b", "bbb"));
  close(make("/tmp/sf-reopen-new", "new"));
  int fd = open("/tmp/sf-reopen", O_RDONLY);
  char b[8] = {0};
  read(fd, b, 3);
  close(fd);
  int again = open("/tmp/sf-reopen", O_RDONLY);
  memset(b, 0, sizeof b);
  CHECK("reopen.same-fd", again == fd, "fd %d, was %d", again, fd);
  CHECK("reopen.offset-zero", here(again) == 0 && read(again, b, 3) == 3 && strcmp(b, "012") == 0, "'%s'", b);
  CHECK("reopen.set-append", fcntl(again, F_SETFL, O_APPEND) == 0, "");
  close(again);
  again = open("/tmp/sf-reopen", O_RDONLY);
  CHECK("reopen.flags-as-opened", (fcntl(again, F_GETFL) & O_APPEND) == 0, "");
  int bad = 0;
  for (int i = 0; i < 20; i++) {
    char c = 0;
    lseek(again, 5, SEEK_SET);
    close(again);
    again = open("/tmp/sf-reopen", O_RDONLY);
    bad += again != fd || read(again, &c, 1) != 1 || c != '0';
  }
  CHECK("reopen.twenty-from-the-start", bad == 0, "%d wrong", bad);
  close(again);

  /* Two closes put off: the next open gets the lower fd, whichever file it opens. */
  int a = open("/tmp/sf-reopen", O_RDONLY);
  int bfd = open("/tmp/sf-reopen-b", O_RDONLY);
  close(a);
  close(bfd);
  int low = open("/tmp/sf-reopen-b", O_RDONLY);
  memset(b, 0, sizeof b);
  CHECK("reopen.lowest-fd", low == a && read(low, b, 3) == 3 && strcmp(b, "bbb") == 0, "fd %d (a %d, b %d) '%s'", low, a, bfd, b);
  close(low);

  /* A dup'ed description is not taken back: the new open's offset is its own. */
  fd = open("/tmp/sf-reopen", O_RDONLY);
  read(fd, b, 2);
  int d = dup(fd);
  close(fd);
  again = open("/tmp/sf-reopen", O_RDONLY);
  char c1 = 0, c2 = 0;
  CHECK("reopen.dup-keeps-its-offset", read(again, &c1, 1) == 1 && c1 == '0' && read(d, &c2, 1) == 1 && c2 == '2', "new '%c' dup '%c'", c1, c2);
  close(again);
  close(d);

  /* O_TRUNC truncates every time. */
  fd = open("/tmp/sf-reopen-b", O_RDWR | O_TRUNC);
  write(fd, "xyz", 3);
  close(fd);
  fd = open("/tmp/sf-reopen-b", O_RDWR | O_TRUNC);
  struct stat st;
  CHECK("reopen.trunc-truncates", fstat(fd, &st) == 0 && st.st_size == 0, "size %lld", (long long)st.st_size);
  close(fd);

  /*
   * Another process renames a file over the path between the close and the
   * open, while this one makes no call (it waits on a pipe, in the process):
   * the open must find the new file.
   */
  struct helper h;
  helper_start(&h, rename_over);
  fd = open("/tmp/sf-reopen", O_RDONLY);
  memset(b, 0, sizeof b);
  read(fd, b, 3);
  close(fd);
  helper_run(&h);
  fd = open("/tmp/sf-reopen", O_RDONLY);
  memset(b, 0, sizeof b);
  CHECK("reopen.renamed-over-seen", read(fd, b, 3) == 3 && strcmp(b, "new") == 0, "'%s'", b);
  close(fd);
  helper_end(&h);
  unlink("/tmp/sf-reopen");
  unlink("/tmp/sf-reopen-b");
}

/*
 * The runtime remembers the fdstat of fds the kernel serves (a directory's:
 * every open asks it): another process that shares the description and
 * changes its status flags must be seen at once, with no call in between.
 */
static int dfd = -1;
static char set_dir_nonblock(void) {
  return fcntl(dfd, F_SETFL, O_NONBLOCK) == 0 ? 'y' : 'n';
}

static void test_fdstat_memory(void) {
  dfd = open("/tmp", O_RDONLY | O_DIRECTORY);
  CHECK("fdstat.dir-opened", dfd >= 0 && (fcntl(dfd, F_GETFL) & O_NONBLOCK) == 0, "errno %d", errno);
  struct helper h;
  helper_start(&h, set_dir_nonblock);
  int before = fcntl(dfd, F_GETFL);
  helper_run(&h);
  int after = fcntl(dfd, F_GETFL);
  CHECK("fdstat.other-process-flags-seen", (before & O_NONBLOCK) == 0 && (after & O_NONBLOCK) != 0, "before %#x after %#x", before, after);
  CHECK("fdstat.own-flags-seen", fcntl(dfd, F_SETFL, 0) == 0 && (fcntl(dfd, F_GETFL) & O_NONBLOCK) == 0, "");
  helper_end(&h);
  close(dfd);
}

int main(int argc, char **argv) {
  test_seek();
  test_fstat();
  test_dup_and_flags();
  test_fork_shares_offset();
  test_other_process_changes();
  test_data();
  test_appends();
  test_killed_writer();
  test_fsize();
  /* --host: /tmp is a host directory, whose lookups are never remembered (the cache is for in-memory files). */
  if (!(argc > 1 && strcmp(argv[1], "--host") == 0)) test_stat_cache();
  test_closes();
  test_reopen();
  test_fdstat_memory();
  return tk_done();
}
