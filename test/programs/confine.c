// confine: a host directory mounted with --dir must hold a plain WASI program
// in, whatever it does with renames and symlinks. The corpus: a directory fd
// kept across a rename and a symlink put in its place (the stale-fd escape),
// `..` chains, absolute and relative symlinks out, symlink loops, a symlink made
// and then followed, links and renames across mounts, NUL bytes, over-long
// paths, `//`, `.`, and trailing slashes on files. Errnos follow wasmtime
// (escapes are EPERM: docs/WASI-CONFORMANCE.md).
//
// Usage: confine.wasm                 the corpus (mounts: /data, /other; /data
//                                     holds only hostabs and hostabs-dir, absolute
//                                     symlinks to outside/secret.txt and outside,
//                                     a directory beside /data's)
//        confine.wasm race N          N rounds of opening /data/r/secret.txt and
//                                     secret.txt beneath a held fd of /data/r
//                                     while the host swaps /data/r for a symlink
//                                     out; prints "leaked K" for what got out
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tk_raw.h"
#include "tk_test.h"

// 0 on success, else errno.
static int e_of(int r) { return r < 0 ? errno : 0; }

static int try_open(const char *path, int flags) {
  int fd = open(path, flags, 0644);
  if (fd < 0) return errno;
  close(fd);
  return 0;
}

// open(path, flags) must give `want` (0: success).
static void expect_open(const char *name, const char *path, int flags, int want) {
  int e = try_open(path, flags);
  CHECK(name, e == want, "open(%.60s): %s", path, strerror(e));
}

static int try_openat(int dir, const char *path, int flags) {
  int fd = openat(dir, path, flags, 0644);
  if (fd < 0) return errno;
  close(fd);
  return 0;
}

// Reads up to 63 bytes of `fd` into buf (NUL-terminated).
static void read_into(int fd, char *buf) {
  ssize_t n = read(fd, buf, 63);
  buf[n > 0 ? n : 0] = 0;
}

static int host_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

// Whether the directory fd lists `name`.
static int lists(int dirfd, const char *name) {
  int copy = openat(dirfd, ".", O_RDONLY | O_DIRECTORY);
  DIR *d = fdopendir(copy);
  if (!d) return 0;
  rewinddir(d);
  int found = 0;
  for (struct dirent *e; (e = readdir(d));) found |= strcmp(e->d_name, name) == 0;
  closedir(d);
  return found;
}

// The escape: a stale directory fd, its name moved and a symlink out put there.
static void stale_fd(const char *label, const char *out) {
  char name[64], moved[64], path[96], n[64];
#define SN(s) (snprintf(n, sizeof n, "stale.%s.%s", label, s), n)
  snprintf(name, sizeof name, "/data/%s", label);
  snprintf(moved, sizeof moved, "/data/%s.moved", label);
  CHECK(SN("mkdir"), mkdir(name, 0755) == 0, "%s", strerror(errno));
  int d = open(name, O_RDONLY | O_DIRECTORY);
  CHECK(SN("open-dir"), d >= 0, "%s", strerror(errno));
  CHECK(SN("rename"), rename(name, moved) == 0, "%s", strerror(errno));
  CHECK(SN("symlink-out"), symlink(out, name) == 0, "%s", strerror(errno));

  int e = try_openat(d, "etc/passwd", O_RDONLY);
  CHECK(SN("read-host-file"), e == ENOENT, "openat(d, etc/passwd): %s", strerror(e));
  e = try_openat(d, "secret.txt", O_RDONLY);
  CHECK(SN("read-outside"), e == ENOENT, "openat(d, secret.txt): %s", strerror(e));
  e = try_openat(d, "outside/secret.txt", O_RDONLY);
  CHECK(SN("read-outside-2"), e == ENOENT, "openat(d, outside/secret.txt): %s", strerror(e));

  // What the fd names now is the moved directory: a new file lands there.
  int f = openat(d, "new.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  CHECK(SN("create"), f >= 0, "%s", strerror(errno));
  if (f >= 0) close(f);
  snprintf(path, sizeof path, "%s/new.txt", moved);
  CHECK(SN("create-lands-in-moved"), host_exists(path), "%s missing", path);
  CHECK(SN("mkdirat"), mkdirat(d, "sub", 0755) == 0, "%s", strerror(errno));
  snprintf(path, sizeof path, "%s/sub", moved);
  CHECK(SN("mkdirat-lands-in-moved"), host_exists(path), "%s missing", path);
  CHECK(SN("readdir-is-moved"), lists(d, "new.txt") && lists(d, "sub") && !lists(d, "secret.txt"),
        "readdir of the fd does not list the moved directory's entries");
  // The parent through the fd is still refused.
  e = try_openat(d, "../outside/secret.txt", O_RDONLY);
  CHECK(SN("dotdot"), e == EPERM, "openat(d, ../outside/secret.txt): %s", strerror(e));
  // Following the new symlink by name is refused too.
  snprintf(path, sizeof path, "%s/secret.txt", name);
  e = try_open(path, O_RDONLY);
  CHECK(SN("by-name"), e == EPERM, "open(%s): %s", path, strerror(e));
  close(d);
#undef SN
}

static void dotdot(void) {
  expect_open("dotdot.abs", "/data/../outside/secret.txt", O_RDONLY, EPERM);
  mkdir("/data/a", 0755);
  mkdir("/data/a/b", 0755);
  expect_open("dotdot.chain", "/data/a/b/../../../outside/secret.txt", O_RDONLY, EPERM);
  expect_open("dotdot.long-chain", "/data/a/b/../../a/b/../../../../../../etc/passwd", O_RDONLY, EPERM);
  expect_open("dotdot.inside", "/data/a/b/../../x.txt", O_WRONLY | O_CREAT, 0);
}

static void symlinks(void) {
  // wasmtime refuses to make an absolute symlink; one the host made is refused when followed.
  CHECK("symlink.abs-make", e_of(symlink("/etc/passwd", "/data/abs")) == EPERM, "%s", strerror(errno));
  expect_open("symlink.abs", "/data/hostabs", O_RDONLY, EPERM);
  expect_open("symlink.abs-dir", "/data/hostabs-dir/secret.txt", O_RDONLY, EPERM);
  symlink("../outside/secret.txt", "/data/rel");
  expect_open("symlink.rel-file", "/data/rel", O_RDONLY, EPERM);
  symlink("../outside", "/data/reldir");
  expect_open("symlink.rel-dir", "/data/reldir/secret.txt", O_RDONLY, EPERM);
  expect_open("symlink.rel-dir-create", "/data/reldir/new.txt", O_WRONLY | O_CREAT, EPERM);
  CHECK("symlink.rel-dir-mkdir", e_of(mkdir("/data/reldir/x", 0755)) == EPERM, "%s", strerror(errno));
  symlink("a/b/../../../outside", "/data/sneaky");
  expect_open("symlink.sneaky", "/data/sneaky/secret.txt", O_RDONLY, EPERM);
  // A symlink to the root of the host directory is inside.
  symlink(".", "/data/self");
  expect_open("symlink.self", "/data/self/self/self/x.txt", O_RDONLY, 0);

  symlink("loop2", "/data/loop1");
  symlink("loop1", "/data/loop2");
  expect_open("symlink.loop", "/data/loop1", O_RDONLY, ELOOP);
  symlink("selfloop", "/data/selfloop");
  expect_open("symlink.self-loop", "/data/selfloop/x", O_RDONLY, ELOOP);

  // Made by the guest, then followed: inside, so it works.
  int f = open("/data/target.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  write(f, "inside", 6);
  close(f);
  CHECK("symlink.made-then-followed.make", symlink("target.txt", "/data/in") == 0, "%s", strerror(errno));
  char buf[64] = "";
  f = open("/data/in", O_RDONLY);
  if (f >= 0) {
    read_into(f, buf);
    close(f);
  }
  CHECK("symlink.made-then-followed", strcmp(buf, "inside") == 0, "read '%s'", buf);
  // O_NOFOLLOW on a symlink: ELOOP.
  expect_open("symlink.nofollow", "/data/in", O_RDONLY | O_NOFOLLOW, ELOOP);
}

static void across_mounts(void) {
  int f = open("/data/f", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  close(f);
  CHECK("xdev.link", e_of(link("/data/f", "/other/f")) == EXDEV, "%s", strerror(errno));
  CHECK("xdev.rename", e_of(rename("/data/f", "/other/f")) == EXDEV, "%s", strerror(errno));
  mkdir("/data/dir", 0755);
  CHECK("xdev.rename-dir", e_of(rename("/data/dir", "/other/dir")) == EXDEV, "%s", strerror(errno));
  CHECK("xdev.not-moved", host_exists("/data/f") && !host_exists("/other/f"), "the file moved");
  // A symlink within one mount to the other is an escape from the first.
  symlink("../other", "/data/to-other");
  expect_open("xdev.symlink-to-other", "/data/to-other/f", O_WRONLY | O_CREAT, EPERM);
}

static void names(void) {
  int data = tk_find_preopen("/data");
  __wasi_fd_t fd;
  static const char nul[] = "f\0/../../outside/secret.txt";
  int e = raw_path_open(data, 0, (int32_t)(uintptr_t)nul, sizeof nul - 1, 0, TK_RW, TK_RW, 0,
                        (int32_t)(uintptr_t)&fd);
  CHECK("name.nul", e == __WASI_ERRNO_INVAL || e == __WASI_ERRNO_ILSEQ, "got %s", tk_errname(e));

  static char longpath[5000];
  memcpy(longpath, "/data/", 6);
  for (int i = 6; i < 4200; i += 2) memcpy(longpath + i, "./", 2);
  longpath[4200] = 'f';
  longpath[4201] = 0;
  expect_open("name.path-max", longpath, O_RDONLY, ENAMETOOLONG);
  char longname[300] = "/data/";
  memset(longname + 6, 'n', 260);
  longname[266] = 0;
  expect_open("name.name-max", longname, O_RDONLY | O_CREAT, ENAMETOOLONG);

  expect_open("name.double-slash", "/data//f", O_RDONLY, 0);
  expect_open("name.dot", "/data/./f", O_RDONLY, 0);
  expect_open("name.trailing-slash-file", "/data/f/", O_RDONLY, ENOTDIR);
  expect_open("name.file-dot", "/data/f/.", O_RDONLY, ENOTDIR);
  expect_open("name.file-as-dir", "/data/f/x", O_RDONLY | O_CREAT, ENOTDIR);
  CHECK("name.mkdir-trailing", e_of(mkdir("/data/newdir/", 0755)) == 0, "%s", strerror(errno));
}

static int race(int rounds) {
  int leaked = 0, opened = 0;
  int r = open("/data/r", O_RDONLY | O_DIRECTORY);
  for (int i = 0; i < rounds; i++) {
    char buf[64];
    int f = open("/data/r/secret.txt", O_RDONLY);
    if (f >= 0) {
      read_into(f, buf);
      close(f);
      opened++;
      if (strstr(buf, "SECRET")) leaked++;
    }
    if (r >= 0) {
      f = openat(r, "secret.txt", O_RDONLY);
      if (f >= 0) {
        read_into(f, buf);
        close(f);
        opened++;
        if (strstr(buf, "SECRET")) leaked++;
      }
      DIR *d = fdopendir(openat(r, ".", O_RDONLY | O_DIRECTORY));
      if (d) {
        // A listing of a held directory never shows the outside's.
        for (struct dirent *e; (e = readdir(d));) leaked += strcmp(e->d_name, "secret-outside-only") == 0;
        closedir(d);
      }
    }
    f = open("/data/r/planted.txt", O_WRONLY | O_CREAT, 0644);
    if (f >= 0) close(f);
  }
  printf("opened %d leaked %d\n", opened, leaked);
  return leaked ? 1 : 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "race") == 0) return race(atoi(argv[2]));
  stale_fd("d", "../../../../../../../../");
  stale_fd("d2", "../outside");
  dotdot();
  symlinks();
  across_mounts();
  names();
  return tk_done();
}
