/*
 * whoami: print the user name. tabkernel has one user, uid 0: root.
 * Spec: GNU coreutils whoami.
 */
#include "lib/util.h"

int main(int argc, char **argv) {
  prog = "whoami";
  if (argc > 1) { warnx_("extra operand '%s'", argv[1]); usage_hint(); return 1; }
  puts("root");
  return 0;
}
