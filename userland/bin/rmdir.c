/*
 * rmdir: remove empty directories. -p also removes each parent named in the
 * operand; -v reports each removal; --ignore-fail-on-non-empty.
 * Spec: POSIX rmdir.
 */
#include "lib/util.h"

static int verbose, ignore_nonempty;

static int remove_one(const char *path) {
  if (verbose) printf("rmdir: removing directory, '%s'\n", path);
  if (rmdir(path) == 0) return 0;
  if (ignore_nonempty && (errno == ENOTEMPTY || errno == EEXIST)) return 0;
  warn_("failed to remove '%s'", path);
  return -1;
}

int main(int argc, char **argv) {
  prog = "rmdir";
  int parents = 0, status = 0, i;
  for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
    if (strcmp(argv[i], "--") == 0) { i++; break; }
    if (strcmp(argv[i], "--ignore-fail-on-non-empty") == 0) { ignore_nonempty = 1; continue; }
    if (strcmp(argv[i], "--parents") == 0) { parents = 1; continue; }
    if (strcmp(argv[i], "--verbose") == 0) { verbose = 1; continue; }
    for (const char *p = argv[i] + 1; *p; p++) {
      if (*p == 'p') parents = 1;
      else if (*p == 'v') verbose = 1;
      else { warnx_("invalid option -- '%c'", *p); usage_hint(); return 1; }
    }
  }
  if (i >= argc) { warnx_("missing operand"); usage_hint(); return 1; }
  for (; i < argc; i++) {
    char *p = xstrdup(argv[i]);
    if (remove_one(p) != 0) { status = 1; free(p); continue; }
    while (parents) {
      size_t n = strlen(p);
      while (n > 0 && p[n - 1] == '/') n--;
      while (n > 0 && p[n - 1] != '/') n--;
      while (n > 0 && p[n - 1] == '/') n--;
      if (n == 0) break;
      p[n] = 0;
      if (remove_one(p) != 0) { status = 1; break; }
    }
    free(p);
  }
  return status;
}
