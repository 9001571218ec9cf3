// copyfile SRC DST: copy a file with plain WASI calls (open, read, write), as a
// third-party program built without tabkernel's libc does — a linker writing
// its output, say. path_open carries no mode: tabkernel makes a file it
// creates executable when its first bytes are a WebAssembly module.
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: copyfile SRC DST\n");
    return 2;
  }
  int in = open(argv[1], O_RDONLY);
  int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0777);
  if (in < 0 || out < 0) {
    perror("open");
    return 1;
  }
  char buf[4096];
  ssize_t n;
  while ((n = read(in, buf, sizeof buf)) > 0) {
    if (write(out, buf, (size_t)n) != n) {
      perror("write");
      return 1;
    }
  }
  return n < 0 ? 1 : 0;
}
