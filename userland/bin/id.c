/*
 * id: print user and group ids. tabkernel has one user and group, 0 (root):
 * "uid=0(root) gid=0(root) groups=0(root)"; -u -g -G print one id, -n the
 * name instead, -r is accepted. An operand other than root or 0 is unknown.
 * Spec: POSIX id.
 */
#include "lib/util.h"

int main(int argc, char **argv) {
  prog = "id";
  int c, which = 0, name = 0;
  while ((c = getopt_(argc, argv, "ugGnr")) != -1) {
    switch (c) {
    case 'u': case 'g': case 'G': which = c; break;
    case 'n': name = 1; break;
    case 'r': break;
    default: usage_hint(); return 1;
    }
  }
  if (optind < argc && strcmp(argv[optind], "root") && strcmp(argv[optind], "0")) {
    warnx_("'%s': no such user", argv[optind]);
    return 1;
  }
  if (name && !which) diex_(1, "cannot print only names or real IDs in default format");
  if (which) puts(name ? "root" : "0");
  else puts("uid=0(root) gid=0(root) groups=0(root)");
  return 0;
}
