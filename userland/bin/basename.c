/*
 * basename: strip directories and an optional suffix from a path.
 * basename NAME [SUFFIX]; -a (several names), -s SUFFIX (implies -a), -z.
 * Spec: POSIX basename; GNU coreutils for -a -s -z.
 */
#include "lib/util.h"

static void one(const char *path, const char *suffix, char end) {
  size_t cap = strlen(path) + 2;
  char *b = xmalloc(cap);
  base_name(path, b, cap);
  if (suffix) {
    size_t bl = strlen(b), sl = strlen(suffix);
    if (sl < bl && strcmp(b + bl - sl, suffix) == 0) b[bl - sl] = 0;
  }
  fputs(b, stdout);
  putchar(end);
  free(b);
}

int main(int argc, char **argv) {
  prog = "basename";
  int multi = 0, c;
  char end = '\n';
  const char *suffix = NULL;
  while ((c = getopt_(argc, argv, "+as:z")) != -1) {
    switch (c) {
    case 'a': multi = 1; break;
    case 's': suffix = optarg; multi = 1; break;
    case 'z': end = 0; break;
    default: usage_hint(); return 1;
    }
  }
  int n = argc - optind;
  if (n < 1) { warnx_("missing operand"); usage_hint(); return 1; }
  if (!multi) {
    if (n > 2) { warnx_("extra operand '%s'", argv[optind + 2]); usage_hint(); return 1; }
    one(argv[optind], n == 2 ? argv[optind + 1] : NULL, end);
    return 0;
  }
  for (int i = optind; i < argc; i++) one(argv[i], suffix, end);
  return 0;
}
