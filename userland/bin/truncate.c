/*
 * truncate: set the size of files. -s [+-<>/%]SIZE (K M G suffixes;
 * relative forms adjust the current size), -r REF takes REF's size, -c never
 * creates a file. Spec: GNU coreutils truncate.
 */
#include "lib/util.h"

int main(int argc, char **argv) {
  prog = "truncate";
  int c, no_create = 0, status = 0;
  const char *size = NULL, *ref = NULL;
  while ((c = getopt_(argc, argv, "cs:r:o")) != -1) {
    switch (c) {
    case 'c': no_create = 1; break;
    case 's': size = optarg; break;
    case 'r': ref = optarg; break;
    case 'o': break;
    default: usage_hint(); return 1;
    }
  }
  if (!size && !ref) { warnx_("you must specify either '--size' or '--reference'"); usage_hint(); return 1; }
  if (optind >= argc) { warnx_("missing file operand"); usage_hint(); return 1; }
  char op = 0;
  long long n = 0;
  if (size) {
    if (strchr("+-<>/%", *size)) op = *size++;
    n = parse_count(size);
    if (n < 0) diex_(1, "invalid number: '%s'", size);
  }
  if (ref) {
    struct stat st;
    if (stat(ref, &st) != 0) die_(1, "cannot stat '%s'", ref);
    if (!size) n = st.st_size;
    else if (!op) diex_(1, "you must specify a relative '--size' with '--reference'");
  }
  for (int i = optind; i < argc; i++) {
    int fd = open(argv[i], O_WRONLY | (no_create ? 0 : O_CREAT), 0666);
    if (fd < 0) {
      if (no_create && errno == ENOENT) continue;
      warn_("cannot open '%s' for writing", argv[i]);
      status = 1;
      continue;
    }
    struct stat st;
    long long cur = fstat(fd, &st) == 0 ? st.st_size : 0, want = n;
    switch (op) {
    case '+': want = cur + n; break;
    case '-': want = cur > n ? cur - n : 0; break;
    case '<': want = cur < n ? cur : n; break;
    case '>': want = cur > n ? cur : n; break;
    case '/': want = n ? cur / n * n : cur; break;
    case '%': want = n ? (cur + n - 1) / n * n : cur; break;
    }
    if (ftruncate(fd, (off_t)want) != 0) { warn_("failed to truncate '%s'", argv[i]); status = 1; }
    close(fd);
  }
  return status;
}
