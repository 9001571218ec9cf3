/*
 * Per-call system call costs and file throughput, one case per run:
 *   syscalls CASE BATCHES TARGET_MS [DIR]
 * CASE: noop (fd_fdstat_get on fd 1, wasm only), devnull_write (write 1 byte
 * to /dev/null), clock (clock_gettime MONOTONIC), random (getentropy, 16
 * bytes), file_write / file_read (a 1 MiB file DIR/bench.dat in 64 KiB calls;
 * one operation = open + 16 calls + close), and one call per operation on
 * that file (issue 14): file_seek (lseek SEEK_SET to a varying offset),
 * file_fstat (fstat of the open file), file_stat (stat of its path),
 * file_openclose (open O_RDONLY + close), file_opentwo (the same, of two files
 * in turn), file_write1 (write 1 byte at the
 * end of a file opened O_TRUNC, truncated again every 4096 bytes), file_read64k / file_write64k (pread /
 * pwrite of 64 KiB at the 16 offsets of the file in turn).
 * Output: see common.h. Every operation's result is checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __wasi__
#include <wasi/api.h>
#else
#include <sys/random.h>
#endif
#include "common.h"

#define FILE_SIZE (1 << 20)
#define CHUNK (64 << 10)

static int devnull = -1;
static uint64_t check; /* folds every result, so no call can be optimised away */
static char path[4096];
static unsigned char buf[CHUNK];

static int noop(long n) {
#ifdef __wasi__
  for (long i = 0; i < n; i++) {
    __wasi_fdstat_t st;
    if (__wasi_fd_fdstat_get(1, &st) != 0) return 1;
    check += st.fs_filetype;
  }
  return 0;
#else
  (void)n;
  return 1;
#endif
}

static int devnull_write(long n) {
  for (long i = 0; i < n; i++)
    if (write(devnull, "x", 1) != 1) return 1;
  check += (uint64_t)n;
  return 0;
}

static int clock_case(long n) {
  static uint64_t last;
  for (long i = 0; i < n; i++) {
    uint64_t t = now_ns();
    if (t < last) return 1; /* monotonic */
    last = t;
    check ^= t;
  }
  return 0;
}

static int random_case(long n) {
  uint64_t seen = 0;
  for (long i = 0; i < n; i++) {
    uint64_t r[2] = {0, 0};
    if (getentropy(r, sizeof r) != 0) return 1;
    seen |= r[0] | r[1];
    check ^= r[0] ^ r[1];
  }
  return n > 0 && seen == 0; /* 16 zero bytes every time is not random */
}

static int file_write(long n) {
  for (long i = 0; i < n; i++) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return 1;
    for (int off = 0; off < FILE_SIZE; off += CHUNK) {
      buf[0] = (unsigned char)(off >> 16);
      if (write(fd, buf, CHUNK) != CHUNK) return 1;
    }
    if (close(fd) != 0) return 1;
    check += FILE_SIZE;
  }
  return 0;
}

static int file_read(long n) {
  for (long i = 0; i < n; i++) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return 1;
    long total = 0;
    ssize_t r;
    while ((r = read(fd, buf, CHUNK)) > 0) {
      if (buf[0] != (unsigned char)(total >> 16)) return 1; /* the chunk written at this offset */
      total += r;
    }
    if (r < 0 || close(fd) != 0 || total != FILE_SIZE) return 1;
    check += (uint64_t)total;
  }
  return 0;
}

/* The 1 MiB file, written and open O_RDWR for the one-call cases. */
static int file_fd = -1;
static long file_at; /* the next 64 KiB chunk of the one-call cases */

static int file_seek(long n) {
  for (long i = 0; i < n; i++) {
    off_t want = (off_t)((i * 4099) & (FILE_SIZE - 1));
    if (lseek(file_fd, want, SEEK_SET) != want) return 1;
    check += (uint64_t)want;
  }
  return 0;
}

static int file_fstat(long n) {
  for (long i = 0; i < n; i++) {
    struct stat st;
    if (fstat(file_fd, &st) != 0 || st.st_size != FILE_SIZE || !S_ISREG(st.st_mode)) return 1;
    check += (uint64_t)st.st_ino;
  }
  return 0;
}

static int file_stat(long n) {
  for (long i = 0; i < n; i++) {
    struct stat st;
    if (stat(path, &st) != 0 || st.st_size != FILE_SIZE || !S_ISREG(st.st_mode)) return 1;
    check += (uint64_t)st.st_ino;
  }
  return 0;
}

static int file_openclose(long n) {
  for (long i = 0; i < n; i++) {
    int fd = open(path, O_RDONLY);
    if (fd < 0 || close(fd) != 0) return 1;
    check += (uint64_t)fd;
  }
  return 0;
}

/* Two files opened and closed in turn: no open is of the file just closed (kernel/runtime/reopen.ts). */
static char path2[256];
static int file_opentwo(long n) {
  for (long i = 0; i < n; i++) {
    int fd = open((i & 1) ? path2 : path, O_RDONLY);
    if (fd < 0 || close(fd) != 0) return 1;
    check += (uint64_t)fd;
  }
  return 0;
}

/*
 * Appends to a file of its own (the read cases' file keeps its size), cut
 * back to empty after every WRITE1_SPAN bytes so that a call's cost does not
 * depend on how many ran before it (a file that grows by copying would
 * otherwise make larger batches slower per call).
 */
#define WRITE1_SPAN 4096
static long write1_at;

static int file_write1(long n) {
  for (long i = 0; i < n; i++) {
    if (write1_at == WRITE1_SPAN) {
      if (ftruncate(file_fd, 0) != 0 || lseek(file_fd, 0, SEEK_SET) != 0) return 1;
      write1_at = 0;
    }
    if (write(file_fd, "x", 1) != 1) return 1;
    write1_at++;
  }
  check += (uint64_t)n;
  return 0;
}

static int file_read64k(long n) {
  for (long i = 0; i < n; i++) {
    off_t off = (off_t)(file_at++ % (FILE_SIZE / CHUNK)) * CHUNK;
    if (pread(file_fd, buf, CHUNK, off) != CHUNK) return 1;
    if (buf[0] != (unsigned char)(off >> 16) || buf[CHUNK - 1] != 0xa5) return 1; /* the chunk written at this offset */
    check += buf[0];
  }
  return 0;
}

static int file_write64k(long n) {
  for (long i = 0; i < n; i++) {
    off_t off = (off_t)(file_at++ % (FILE_SIZE / CHUNK)) * CHUNK;
    buf[0] = (unsigned char)(off >> 16);
    if (pwrite(file_fd, buf, CHUNK, off) != CHUNK) return 1;
    check += buf[0];
  }
  return 0;
}

/* Write the 1 MiB file (as file_write does), then open it for the one-call cases. */
static void open_file(int flags) {
  if (file_write(1)) fail("cannot create the file");
  file_fd = open(path, flags);
  if (file_fd < 0) fail("cannot open the file");
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: syscalls CASE BATCHES TARGET_MS [DIR]\n");
    return 2;
  }
  const char *c = argv[1];
  long batches = atol(argv[2]);
  double target = atof(argv[3]);
  snprintf(path, sizeof path, "%s/bench.dat", argc > 4 ? argv[4] : "/tmp");
  memset(buf, 0xa5, sizeof buf);
  batch_fn fn;
  long max_n = 1L << 24;
  if (!strcmp(c, "noop")) fn = noop;
  else if (!strcmp(c, "devnull_write")) {
    devnull = open("/dev/null", O_WRONLY);
    if (devnull < 0) fail("open /dev/null");
    fn = devnull_write;
  } else if (!strcmp(c, "clock")) fn = clock_case;
  else if (!strcmp(c, "random")) fn = random_case;
  else if (!strcmp(c, "file_write")) fn = file_write;
  else if (!strcmp(c, "file_read")) {
    if (file_write(1)) fail("cannot create the file to read");
    fn = file_read;
  } else if (!strcmp(c, "file_seek")) {
    open_file(O_RDONLY);
    fn = file_seek;
  } else if (!strcmp(c, "file_fstat")) {
    open_file(O_RDONLY);
    fn = file_fstat;
  } else if (!strcmp(c, "file_stat")) {
    if (file_write(1)) fail("cannot create the file");
    fn = file_stat;
  } else if (!strcmp(c, "file_openclose")) {
    if (file_write(1)) fail("cannot create the file");
    fn = file_openclose;
  } else if (!strcmp(c, "file_opentwo")) {
    if (file_write(1)) fail("cannot create the file");
    snprintf(path2, sizeof path2, "%s/bench2.dat", argc > 4 ? argv[4] : "/tmp");
    int fd = open(path2, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || close(fd) != 0) fail("cannot create the second file");
    fn = file_opentwo;
  } else if (!strcmp(c, "file_write1")) {
    snprintf(path, sizeof path, "%s/bench1.dat", argc > 4 ? argv[4] : "/tmp");
    file_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (file_fd < 0) fail("cannot create the file");
    fn = file_write1;
  } else if (!strcmp(c, "file_read64k")) {
    open_file(O_RDONLY);
    fn = file_read64k;
  } else if (!strcmp(c, "file_write64k")) {
    open_file(O_RDWR);
    fn = file_write64k;
  } else {
    fprintf(stderr, "syscalls: unknown case %s\n", c);
    return 2;
  }
  run_batches(fn, batches, target, max_n);
  printf("OK %llu\n", (unsigned long long)check);
  return 0;
}
