// readdir: fd_readdir's "." and "..", entry types and inodes, cookies
// (resume after any entry), buffers that cut an entry, and paging through a
// large directory (wasi-testsuite fd_readdir; docs/WASI-CONFORMANCE.md §2.6).
// Usage: readdir.wasm [PREOPEN-NAME]   (needs a writable preopen)
#include "tk_test.h"

#define DIRENT_SIZE 24
#define MAX_ENTRIES 400

struct entry {
  __wasi_dirent_t d;
  char name[64];
};

static int dir;

// Parses buf[0..used) into entries; returns how many complete entries.
static int parse(const uint8_t *buf, size_t used, struct entry *out, int max) {
  int n = 0;
  size_t off = 0;
  while (off + DIRENT_SIZE <= used && n < max) {
    memcpy(&out[n].d, buf + off, DIRENT_SIZE);
    size_t nl = out[n].d.d_namlen;
    if (off + DIRENT_SIZE + nl > used || nl >= sizeof out[n].name) break;
    memcpy(out[n].name, buf + off + DIRENT_SIZE, nl);
    out[n].name[nl] = 0;
    off += DIRENT_SIZE + nl;
    n++;
  }
  return n;
}

static int readdir_at(int fd, __wasi_dircookie_t cookie, size_t bufsize, struct entry *out,
                      int max, int *eof) {
  static uint8_t buf[4096];
  __wasi_size_t used = 0;
  int e = __wasi_fd_readdir(fd, buf, bufsize, cookie, &used);
  if (e) return -e;
  *eof = used < bufsize;
  return parse(buf, used, out, max);
}

static const struct entry *find(const struct entry *es, int n, const char *name) {
  for (int i = 0; i < n; i++)
    if (strcmp(es[i].name, name) == 0) return &es[i];
  return NULL;
}

static struct entry es[MAX_ENTRIES];

int main(int argc, char **argv) {
  dir = tk_find_preopen(argc > 1 ? argv[1] : NULL);
  if (dir < 0) {
    tk_line("FAIL setup: no preopened directory");
    return 2;
  }
  EXPECT_OK("mkdir", __wasi_path_create_directory(dir, "rd"));
  __wasi_fd_t d;
  EXPECT_OK("open.dir", __wasi_path_open(dir, 0, "rd", __WASI_OFLAGS_DIRECTORY,
                                         TK_DIR_RIGHTS, TK_DIR_RIGHTS | TK_RW, 0, &d));
  __wasi_filestat_t dst;
  __wasi_fd_filestat_get(d, &dst);

  // 1. An empty directory lists "." and "..", first.
  int eof = 0;
  int n = readdir_at(d, 0, 256, es, MAX_ENTRIES, &eof);
  CHECK("empty.count", n == 2, "n=%d", n);
  CHECK("empty.eof", eof, "buffer was filled");
  CHECK("empty.dot-first", n >= 1 && strcmp(es[0].name, ".") == 0, "first=%s", es[0].name);
  CHECK("empty.dotdot-second", n >= 2 && strcmp(es[1].name, "..") == 0, "second=%s",
        es[1].name);
  CHECK("empty.dot-type", es[0].d.d_type == __WASI_FILETYPE_DIRECTORY, "type=%d", es[0].d.d_type);
  CHECK("empty.dotdot-type", es[1].d.d_type == __WASI_FILETYPE_DIRECTORY, "type=%d",
        es[1].d.d_type);
  CHECK("empty.dot-ino", es[0].d.d_ino == dst.ino, "d_ino=%llu ino=%llu",
        (unsigned long long)es[0].d.d_ino, (unsigned long long)dst.ino);
  CHECK("empty.dot-namlen", es[0].d.d_namlen == 1 && es[1].d.d_namlen == 2, "namlen %u/%u",
        es[0].d.d_namlen, es[1].d.d_namlen);

  // 2. One file, one subdirectory, one symlink.
  int f = tk_open(d, "file", __WASI_OFLAGS_CREAT, TK_RW, 0);
  __wasi_filestat_t fst;
  __wasi_fd_filestat_get(f, &fst);
  __wasi_fd_close(f);
  __wasi_path_create_directory(d, "sub");
  __wasi_path_symlink("file", d, "link");
  n = readdir_at(d, 0, 1024, es, MAX_ENTRIES, &eof);
  CHECK("three.count", n == 5, "n=%d", n);
  const struct entry *e = find(es, n, "file");
  CHECK("file.present", e != NULL, "no 'file' entry");
  if (e) {
    CHECK("file.type", e->d.d_type == __WASI_FILETYPE_REGULAR_FILE, "type=%d", e->d.d_type);
    CHECK("file.ino", e->d.d_ino == fst.ino, "d_ino=%llu ino=%llu",
          (unsigned long long)e->d.d_ino, (unsigned long long)fst.ino);
    CHECK("file.namlen", e->d.d_namlen == 4, "namlen=%u", e->d.d_namlen);
  }
  e = find(es, n, "sub");
  CHECK("sub.type", e && e->d.d_type == __WASI_FILETYPE_DIRECTORY, "sub missing or wrong type");
  e = find(es, n, "link");
  CHECK("link.type", e && e->d.d_type == __WASI_FILETYPE_SYMBOLIC_LINK,
        "link missing or wrong type");
  int distinct = 1;
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++)
      if (strcmp(es[i].name, "..") && strcmp(es[j].name, "..") && es[i].d.d_ino == es[j].d.d_ino)
        distinct = 0;
  CHECK("inodes.distinct", distinct, "two entries share an inode");

  // 3. Cookies: resuming after entry i yields entries i+1.. exactly.
  struct entry all[8];
  memcpy(all, es, sizeof all);
  int total = n, resumes_ok = 1;
  for (int i = 0; i < total; i++) {
    struct entry rest[8];
    int m = readdir_at(d, all[i].d.d_next, 1024, rest, 8, &eof);
    if (m != total - i - 1) resumes_ok = 0;
    for (int k = 0; k < m && resumes_ok; k++)
      if (strcmp(rest[k].name, all[i + 1 + k].name) != 0) resumes_ok = 0;
  }
  CHECK("cookie.resume-after-each", resumes_ok, "resuming from d_next gave other entries");
  n = readdir_at(d, all[total - 1].d.d_next, 1024, es, MAX_ENTRIES, &eof);
  CHECK("cookie.past-end", n == 0 && eof, "n=%d", n);

  // 4. Small buffers: a cut entry fills the buffer exactly.
  uint8_t small[64];
  __wasi_size_t used = 0;
  EXPECT_OK("small.header-only", __wasi_fd_readdir(d, small, 10, 0, &used));
  CHECK("small.header-only-full", used == 10, "used=%u", used);
  EXPECT_OK("small.cut-name", __wasi_fd_readdir(d, small, DIRENT_SIZE + 1 + DIRENT_SIZE + 1, 0,
                                                &used));
  CHECK("small.cut-name-full", used == 2 * DIRENT_SIZE + 2, "used=%u", used);
  EXPECT_OK("small.zero", __wasi_fd_readdir(d, small, 0, 0, &used));
  CHECK("small.zero-used", used == 0, "used=%u", used);

  // 5. Paging through 300 entries with a 128-byte buffer (the suite does
  // 1000 files with 256 bytes): every name exactly once.
  for (int i = 0; i < 300; i++) {
    char name[32];
    snprintf(name, sizeof name, "f.%03d", i);
    int fd = tk_open(d, name, __WASI_OFLAGS_CREAT, 0, 0);
    if (fd >= 0) __wasi_fd_close(fd);
  }
  static unsigned char seen[300];
  int count = 0, dups = 0, rounds = 0;
  __wasi_dircookie_t cookie = 0;
  for (;;) {
    struct entry page[8];
    int m = readdir_at(d, cookie, 128, page, 8, &eof);
    if (m < 0 || ++rounds > 10000) break;
    for (int k = 0; k < m; k++) {
      int idx;
      if (sscanf(page[k].name, "f.%d", &idx) == 1 && idx >= 0 && idx < 300) {
        if (seen[idx]++) dups++;
      }
      count++;
    }
    if (eof || m == 0) break;
    cookie = page[m - 1].d.d_next;
  }
  int missing = 0;
  for (int i = 0; i < 300; i++) missing += !seen[i];
  CHECK("paging.total", count == 305, "count=%d", count);
  CHECK("paging.no-duplicates", dups == 0, "dups=%d", dups);
  CHECK("paging.none-missing", missing == 0, "missing=%d", missing);

  // 6. Not a directory.
  int file = tk_open(d, "file", 0, TK_RW, 0);
  EXPECT_ERR2("readdir.on-file", __wasi_fd_readdir(file, small, sizeof small, 0, &used),
              __WASI_ERRNO_BADF, __WASI_ERRNO_NOTDIR);
  __wasi_fd_close(file);
  EXPECT_ERR("readdir.bad-fd", __wasi_fd_readdir(999, small, sizeof small, 0, &used),
             __WASI_ERRNO_BADF);
  return tk_done();
}
