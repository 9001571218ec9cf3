// The kernel's memory budget as a guest meets it. One mode per run:
//   budget pipes        make pipes until pipe() fails; print the errno and the count
//   budget grow [hold]  malloc and touch 1 MiB blocks until malloc fails; print
//                       how many MiB; with "hold", keep the memory 3 s more
//   budget fill PATH    write 64 KiB blocks to PATH until write fails; print the
//                       errno and the bytes written, then check statvfs agrees
// Run under `tabkernel run --memory SIZE`.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

static const char *name(int e) {
  switch (e) {
  case ENFILE: return "ENFILE";
  case EMFILE: return "EMFILE";
  case ENOMEM: return "ENOMEM";
  case ENOSPC: return "ENOSPC";
  case EFBIG: return "EFBIG";
  default: return strerror(e);
  }
}

static int pipes(void) {
  int n = 0, fds[2];
  while (pipe(fds) == 0) n++;
  printf("pipe: %s after %d\n", name(errno), n);
  return 0;
}

static int grow(int hold) {
  /* The blocks are chained and the chain is walked at the end: memory that is
     never read again lets the compiler drop the malloc (and its NULL check). */
  void **head = NULL;
  size_t mib = 0;
  for (;;) {
    void **p = malloc(1 << 20);
    if (!p) break;
    memset(p, 1, 1 << 20);
    *p = head;
    head = p;
    mib++;
  }
  int e = errno;
  size_t chained = 0;
  for (void **p = head; p; p = *p) chained++;
  printf("malloc: %s after %zu MiB\n", name(e), chained == mib ? mib : 0);
  fflush(stdout);
  if (hold) sleep(3);
  return 0;
}

static int fill(const char *path) {
  static char block[65536];
  memset(block, 'x', sizeof block);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) { perror(path); return 1; }
  long long total = 0;
  ssize_t n;
  while ((n = write(fd, block, sizeof block)) > 0) total += n;
  int e = errno;
  struct statvfs st;
  if (fstatvfs(fd, &st) != 0) { perror("fstatvfs"); return 1; }
  printf("write: %s after %lld bytes; free %llu blocks of %lu\n", name(e), total,
         (unsigned long long)st.f_bfree, st.f_frsize);
  close(fd);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 2 && !strcmp(argv[1], "pipes")) return pipes();
  if (argc >= 2 && !strcmp(argv[1], "grow")) return grow(argc >= 3 && !strcmp(argv[2], "hold"));
  if (argc >= 3 && !strcmp(argv[1], "fill")) return fill(argv[2]);
  fprintf(stderr, "usage: budget pipes | grow [hold] | fill PATH\n");
  return 2;
}
