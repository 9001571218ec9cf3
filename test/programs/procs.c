// A process that shows it ran: prints its arguments, copies stdin to stdout,
// writes a file named after argv[2] into the first preopen, and exits with the
// status in argv[1]. Used by test/integration/kernel.test.ts.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) printf("arg%d=%s\n", i, argv[i]);
  char buf[4096];
  ssize_t n;
  while ((n = read(0, buf, sizeof buf)) > 0) fwrite(buf, 1, (size_t)n, stdout);
  if (argc > 2) {
    char path[300];
    snprintf(path, sizeof path, "scratch/%s", argv[2]);
    FILE *f = fopen(path, "w");
    if (!f) {
      perror(path);
      return 99;
    }
    fprintf(f, "%s\n", argv[2]);
    fclose(f);
  }
  return argc > 1 ? atoi(argv[1]) : 0;
}
