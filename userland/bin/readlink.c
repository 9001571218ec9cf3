/*
 * readlink: print the target of a symbolic link. -f/-e/-m canonicalize
 * the whole path instead (every component must exist with -e; all but the
 * last with -f; none with -m), -n drops the newline, -v reports errors,
 * -z ends lines with NUL. Status 1 when a name is not a link (plain form) or
 * cannot be resolved. Spec: GNU coreutils readlink.
 */
#include "lib/util.h"
#include "lib/canon.h"
#include "lib/util.h"

int main(int argc, char **argv) {
  prog = "readlink";
  int c, mode = 0, nonl = 0, verbose = 0, status = 0;
  char end = '\n';
  while ((c = getopt_(argc, argv, "femnqsvz")) != -1) {
    switch (c) {
    case 'f': case 'e': case 'm': mode = c; break;
    case 'n': nonl = 1; break;
    case 'q': case 's': verbose = 0; break;
    case 'v': verbose = 1; break;
    case 'z': end = 0; break;
    default: usage_hint(); return 1;
    }
  }
  if (optind >= argc) { warnx_("missing operand"); usage_hint(); return 1; }
  if (argc - optind > 1) nonl = 0;
  for (int i = optind; i < argc; i++) {
    char buf[PATH_MAX];
    if (mode) {
      if (canonicalize(argv[i], buf, mode == 'e' ? CANON_EXISTING : mode == 'f' ? CANON_ALL_BUT_LAST : CANON_MISSING) != 0) {
        if (verbose) warn_("%s", argv[i]);
        status = 1;
        continue;
      }
    } else {
      ssize_t n = readlink(argv[i], buf, sizeof buf - 1);
      if (n < 0) { if (verbose) warn_("%s", argv[i]); status = 1; continue; }
      buf[n] = 0;
    }
    fputs(buf, stdout);
    if (!nonl) putchar(end);
  }
  return status;
}
