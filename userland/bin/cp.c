/*
 * cp: copy files. cp SRC DST, or cp SRC... DIR.
 * -r/-R copy directories recursively (symlinks copied as links); -a is
 * -rp plus -P; -p keeps times; -f removes a destination that cannot be
 * opened; -n never overwrites; -L follows every symlink, -H those named as
 * operands, -P/-d none (without -r, operands are otherwise followed); -v
 * names each copy; -T treats DST as a normal file; -t DIR names the target.
 * Spec: POSIX cp; GNU coreutils for messages.
 */
#include "lib/copy.h"

int main(int argc, char **argv) {
  prog = "cp";
  struct copy_opts o = {0};
  int c, status = 0, no_target_dir = 0, link_mode = -1;
  const char *target_dir = NULL;
  while ((c = getopt_(argc, argv, "rRpfnLPdvaiHTt:")) != -1) {
    switch (c) {
    case 'r': case 'R': o.recursive = 1; break;
    case 'p': o.preserve = 1; break;
    case 'f': o.force = 1; o.no_clobber = 0; break;
    case 'n': o.no_clobber = 1; break;
    case 'L': link_mode = 1; break;
    case 'H': o.follow_top = 1; break;
    case 'P': case 'd': o.no_deref = 1; if (link_mode == 1) link_mode = 0; break;
    case 'a': o.recursive = o.preserve = o.no_deref = 1; break;
    case 'v': o.verbose = 1; break;
    case 'i': break;
    case 'T': no_target_dir = 1; break;
    case 't': target_dir = optarg; break;
    default: usage_hint(); return 1;
    }
  }
  o.deref = link_mode == 1;
  int n = argc - optind;
  char **ops = argv + optind;
  const char *dest;
  int dest_is_dir;
  if (copy_operands(&n, ops, target_dir, no_target_dir, &dest, &dest_is_dir) != 0) return 1;
  for (int i = 0; i < n; i++) {
    char *to = copy_target(ops[i], dest, dest_is_dir);
    struct stat s;
    if (o.recursive && stat(ops[i], &s) == 0 && S_ISDIR(s.st_mode) && is_within(ops[i], to)) {
      warnx_("cannot copy a directory, '%s', into itself, '%s'", ops[i], to);
      status = 1;
    } else if (copy_any(ops[i], to, &o, 1) != 0) {
      status = 1;
    }
    free(to);
  }
  return status;
}
