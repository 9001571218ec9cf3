/*
 * realpath: print the resolved absolute path of each operand. Every
 * component but the last must exist (-e: all of them, -m: none).
 * -q hides errors, -s is accepted (links are always followed), -z ends lines with NUL.
 * Spec: GNU coreutils realpath.
 */
#include "lib/util.h"
#include "lib/canon.h"
#include "lib/util.h"

int main(int argc, char **argv) {
  prog = "realpath";
  int c, mode = CANON_ALL_BUT_LAST, quiet = 0, status = 0;
  char end = '\n';
  while ((c = getopt_(argc, argv, "emqsz")) != -1) {
    switch (c) {
    case 'e': mode = CANON_EXISTING; break;
    case 'm': mode = CANON_MISSING; break;
    case 'q': quiet = 1; break;
    case 's': break;
    case 'z': end = 0; break;
    default: usage_hint(); return 1;
    }
  }
  if (optind >= argc) { warnx_("missing operand"); usage_hint(); return 1; }
  for (int i = optind; i < argc; i++) {
    char buf[PATH_MAX];
    if (canonicalize(argv[i], buf, mode) != 0) {
      if (!quiet) warn_("%s", argv[i]);
      status = 1;
      continue;
    }
    fputs(buf, stdout);
    putchar(end);
  }
  return status;
}
