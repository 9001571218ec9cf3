// Reading PIPE_BUF-sized records that several writers put in one pipe: the
// atomicity checks of process.c and pipes.c. A record is torn when its bytes
// are not all the same (each writer fills its records with its own byte).
#ifndef TK_RECORDS_H
#define TK_RECORDS_H

#include <stddef.h>
#include <unistd.h>

struct records {
  int whole;   /* records read */
  int torn;    /* of which mixed bytes of several writers */
  size_t rest; /* bytes of an unfinished record at EOF */
};

/* Read `fd` to EOF in records of `size` (at most 4096) bytes. */
static struct records read_records(int fd, size_t size) {
  static char buf[4096];
  struct records r = {0, 0, 0};
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

#endif
