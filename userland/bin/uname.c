/*
 * uname: print system information. -s kernel name (the default), -n node
 * name, -r release, -v version, -m machine, -p processor, -i hardware
 * platform, -o operating system, -a all (omitting -p and -i when unknown, as
 * coreutils does). Values come from uname(3), which wasi-libc answers
 * itself ("wasi", "wasm32"). Spec: POSIX uname.
 */
#include "lib/util.h"
#include <sys/utsname.h>

int main(int argc, char **argv) {
  prog = "uname";
  int c, s = 0, n = 0, r = 0, v = 0, m = 0, p = 0, i = 0, o = 0, all = 0;
  while ((c = getopt_(argc, argv, "asnrvmpio")) != -1) {
    switch (c) {
    case 'a': all = s = n = r = v = m = o = 1; break;
    case 's': s = 1; break;
    case 'n': n = 1; break;
    case 'r': r = 1; break;
    case 'v': v = 1; break;
    case 'm': m = 1; break;
    case 'p': p = 1; break;
    case 'i': i = 1; break;
    case 'o': o = 1; break;
    default: usage_hint(); return 1;
    }
  }
  if (optind < argc) { warnx_("extra operand '%s'", argv[optind]); usage_hint(); return 1; }
  if (!(s || n || r || v || m || p || i || o)) s = 1;
  struct utsname u;
  if (uname(&u) != 0) die_(1, "cannot get system name");
  const char *fields[8];
  int k = 0;
  if (s) fields[k++] = u.sysname;
  if (n) fields[k++] = u.nodename;
  if (r) fields[k++] = u.release;
  if (v) fields[k++] = u.version;
  if (m) fields[k++] = u.machine;
  if (p && !all) fields[k++] = "unknown";
  if (i && !all) fields[k++] = "unknown";
  if (o) fields[k++] = "WASI";
  for (int j = 0; j < k; j++) printf(j ? " %s" : "%s", fields[j]);
  putchar('\n');
  return 0;
}
