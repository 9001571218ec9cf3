// Pipe writes through the runtime's fast path (kernel/runtime/pipes.ts):
// writev's iovecs are moved into the ring one by one, so check that writes
// larger than the ring (64 KiB) keep every byte in order whatever their
// iovecs look like, and that a writev of up to PIPE_BUF bytes made of several
// iovecs is still never interleaved with another writer's. stdio's writes
// are writevs of two iovecs (its buffer, then the caller's bytes).
// Run as `tabkernel run pipes.wasm`.
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../tk_test.h"
#include "records.h"

/* The byte at position i of a stream: not periodic in any power of two. */
static unsigned char at(size_t i) {
  return (unsigned char)(i * 7 + i / 251);
}

static void fill(unsigned char *p, size_t from, size_t n) {
  for (size_t i = 0; i < n; i++) p[i] = at(from + i);
}

/* Fork a writer to fds[1] that sends `rounds` writevs made of `lens` (0 = an empty iovec). */
static pid_t writer(const int *fds, const size_t *lens, int nvec, int rounds) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  close(fds[0]);
  int fd = fds[1];
  size_t total = 0;
  for (int k = 0; k < nvec; k++) total += lens[k];
  unsigned char *buf = malloc(total);
  struct iovec iov[8];
  size_t pos = 0;
  for (int r = 0; r < rounds; r++) {
    size_t off = 0;
    for (int k = 0; k < nvec; k++) {
      iov[k].iov_base = buf + off;
      iov[k].iov_len = lens[k];
      off += lens[k];
    }
    fill(buf, pos, total);
    /* a short write continues where it stopped, as stdio does */
    size_t done = 0;
    while (done < total) {
      ssize_t w = writev(fd, iov, nvec);
      if (w < 0) _exit(2);
      done += (size_t)w;
      for (int k = 0; k < nvec && w > 0; k++) {
        size_t t = (size_t)w < iov[k].iov_len ? (size_t)w : iov[k].iov_len;
        iov[k].iov_base = (char *)iov[k].iov_base + t;
        iov[k].iov_len -= t;
        w -= (ssize_t)t;
      }
    }
    pos += total;
  }
  _exit(0);
}

/* Read everything, checking each byte against its position; the byte count, or -1 at the first wrong byte. */
static long long read_checked(int fd, size_t chunk) {
  unsigned char *buf = malloc(chunk);
  size_t pos = 0;
  ssize_t r;
  while ((r = read(fd, buf, chunk)) > 0) {
    for (ssize_t i = 0; i < r; i++)
      if (buf[i] != at(pos + (size_t)i)) { free(buf); return -1; }
    pos += (size_t)r;
  }
  free(buf);
  return (long long)pos;
}

static void test_large_writes(const char *name, const size_t *lens, int nvec, int rounds, size_t chunk) {
  int fds[2];
  pipe(fds);
  pid_t pid = writer(fds, lens, nvec, rounds);
  close(fds[1]);
  long long got = read_checked(fds[0], chunk);
  close(fds[0]);
  int st = 0;
  waitpid(pid, &st, 0);
  size_t total = 0;
  for (int k = 0; k < nvec; k++) total += lens[k];
  CHECK(name, got == (long long)(total * (size_t)rounds) && WIFEXITED(st) && WEXITSTATUS(st) == 0,
        "got=%lld of %zu status=%#x", got, total * (size_t)rounds, st);
}

/* Writers of PIPE_BUF bytes in three iovecs are never interleaved. */
static void test_writev_atomicity(void) {
  enum { WRITERS = 3, RECORDS = 60, SIZE = 4096 };
  struct records got = race_writers(WRITERS, RECORDS, SIZE, 1);
  CHECK("pipe.writev-up-to-pipe-buf-is-atomic",
        got.whole == WRITERS * RECORDS && got.torn == 0 && got.rest == 0 && got.failed == 0,
        "records=%d torn=%d rest=%zu bad=%d", got.whole, got.torn, got.rest, got.failed);
}

int main(void) {
  static const size_t one[] = {1 << 20};
  static const size_t two[] = {100000, 60000};
  static const size_t gaps[] = {0, 70000, 0, 5000, 0};
  static const size_t small[] = {1000, 24, 0, 3000};
  test_large_writes("pipe.write-1mib-in-order", one, 1, 3, 65536);
  test_large_writes("pipe.writev-2-iovecs-over-64k-in-order", two, 2, 8, 4096);
  test_large_writes("pipe.writev-empty-iovecs-skipped", gaps, 5, 8, 65536);
  test_large_writes("pipe.writev-small-gathered-in-order", small, 4, 500, 1000);
  test_writev_atomicity();
  return tk_done();
}
