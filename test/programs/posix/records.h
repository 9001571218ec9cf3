// Several writers putting PIPE_BUF-sized records into one pipe, and reading
// them back: the atomicity checks of process.c and pipes.c. A record is torn
// when its bytes are not all the same (each writer fills its records with its
// own byte).
#ifndef TK_RECORDS_H
#define TK_RECORDS_H

#include <stddef.h>
#include <string.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

struct records {
  int whole;   /* records read */
  int torn;    /* of which mixed bytes of several writers */
  size_t rest; /* bytes of an unfinished record at EOF */
  int failed;  /* writers that did not exit with 0 (a short write) */
};

/* Read `fd` to EOF in records of `size` (at most 4096) bytes. */
static struct records read_records(int fd, size_t size) {
  static char buf[4096];
  struct records r = {0, 0, 0, 0};
  ssize_t n;
  while ((n = read(fd, buf + r.rest, size - r.rest)) > 0) {
    r.rest += (size_t)n;
    if (r.rest < size) continue;
    for (size_t i = 1; i < size; i++) if (buf[i] != buf[0]) { r.torn++; break; }
    r.whole++;
    r.rest = 0;
  }
  return r;
}

/* Fork `writers` writers that each write `count` records of `size` (at most
   4096) bytes into one pipe — with write(), or with writev() of three pieces
   when `vectored` — then read them all back and reap the writers. */
static struct records race_writers(int writers, int count, size_t size, int vectored) {
  int fds[2];
  struct records r = {0, 0, 0, 0};
  if (pipe(fds) != 0) {
    r.failed = writers;
    return r;
  }
  pid_t kids[16];
  for (int w = 0; w < writers && w < 16; w++) {
    kids[w] = fork();
    if (kids[w] == 0) {
      close(fds[0]);
      static char rec[4096];
      memset(rec, 'a' + w, size);
      struct iovec iov[3] = {{rec, 1000}, {rec + 1000, 96}, {rec + 1096, size - 1096}};
      for (int i = 0; i < count; i++) {
        ssize_t n = vectored ? writev(fds[1], iov, 3) : write(fds[1], rec, size);
        if (n != (ssize_t)size) _exit(1);
      }
      _exit(0);
    }
  }
  close(fds[1]);
  struct records got = read_records(fds[0], size);
  close(fds[0]);
  for (int w = 0; w < writers && w < 16; w++) {
    int st = 0;
    if (kids[w] < 0 || waitpid(kids[w], &st, 0) != kids[w] || !WIFEXITED(st) || WEXITSTATUS(st) != 0) got.failed++;
  }
  return got;
}

#endif
