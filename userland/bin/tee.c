/*
 * tee: copy standard input to standard output and to each FILE.
 * -a appends instead of truncating; -i is accepted (signals are not yet
 * delivered to processes). A file that cannot be opened or written is
 * reported and skipped; the status is then 1. Spec: POSIX tee.
 */
#include "lib/util.h"

int main(int argc, char **argv) {
  prog = "tee";
  int append = 0, c, status = 0;
  while ((c = getopt_(argc, argv, "aip")) != -1) {
    if (c == 'a') append = 1;
    else if (c != 'i' && c != 'p') { usage_hint(); return 1; }
  }
  int n = argc - optind + 1;
  int *fds = xmalloc(sizeof(int) * (size_t)n);
  const char **names = xmalloc(sizeof(char *) * (size_t)n);
  fds[0] = 1;
  names[0] = "standard output";
  for (int i = 1; i < n; i++) {
    names[i] = argv[optind + i - 1];
    if (strcmp(names[i], "-") == 0) { fds[i] = 1; continue; }
    fds[i] = open(names[i], O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0666);
    if (fds[i] < 0) { warn_("%s", names[i]); status = 1; }
  }
  static char buf[65536];
  ssize_t r;
  while ((r = read(0, buf, sizeof buf)) > 0) {
    for (int i = 0; i < n; i++) {
      if (fds[i] < 0) continue;
      if (write_all(fds[i], buf, (size_t)r) < 0) {
        warn_("%s", names[i]);
        status = 1;
        fds[i] = -1;
      }
    }
  }
  if (r < 0) { warn_("read error"); status = 1; }
  for (int i = 1; i < n; i++)
    if (fds[i] > 1 && close(fds[i]) < 0) { warn_("%s", names[i]); status = 1; }
  return status;
}
