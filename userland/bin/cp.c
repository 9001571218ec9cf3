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
  if (n < 1) { warnx_("missing file operand"); usage_hint(); return 1; }
  const char *dest = target_dir;
  if (!dest) {
    if (n < 2) { warnx_("missing destination file operand after '%s'", ops[0]); usage_hint(); return 1; }
    dest = ops[--n];
  }
  struct stat st;
  int dest_err = stat(dest, &st) == 0 ? 0 : errno;
  int dest_is_dir = !no_target_dir && !dest_err && S_ISDIR(st.st_mode);
  if (target_dir && !dest_is_dir) { errno = ENOTDIR; warn_("target directory '%s'", dest); return 1; }
  if (n > 1 && !dest_is_dir) {
    if (no_target_dir) { warnx_("extra operand '%s'", ops[2]); usage_hint(); return 1; }
    errno = dest_err ? dest_err : ENOTDIR;
    warn_("target '%s'", dest);
    return 1;
  }
  for (int i = 0; i < n; i++) {
    char *to;
    if (dest_is_dir) {
      char *b = xmalloc(strlen(ops[i]) + 2);
      base_name(ops[i], b, strlen(ops[i]) + 2);
      to = path_join(dest, b);
      free(b);
    } else {
      to = xstrdup(dest);
    }
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
