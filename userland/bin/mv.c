/*
 * mv: move (rename) files. mv SRC DST, or mv SRC... DIR.
 * rename(2) when possible; across file systems (EXDEV) a copy that keeps
 * times, then removal of the source. -f and -i are accepted (no prompts: stdin
 * is never asked), -n never overwrites, -v names each move, -T treats DST as a
 * normal file, -t DIR names the target. Spec: POSIX mv.
 */
#include "lib/copy.h"

static int no_clobber, verbose;

static int move(const char *src, const char *dst) {
  struct stat s, d;
  if (lstat(src, &s) != 0) { warn_("cannot stat '%s'", src); return -1; }
  int have_dst = lstat(dst, &d) == 0;
  if (!have_dst && errno != ENOENT) { warn_("cannot stat '%s'", dst); return -1; }
  if (have_dst && no_clobber) return 0;
  if (have_dst && s.st_dev == d.st_dev && s.st_ino == d.st_ino) {
    warnx_("'%s' and '%s' are the same file", src, dst);
    return -1;
  }
  if (S_ISDIR(s.st_mode) && is_within(src, dst)) {
    warnx_("cannot move '%s' to a subdirectory of itself, '%s'", src, dst);
    return -1;
  }
  if (have_dst && S_ISDIR(d.st_mode) && !S_ISDIR(s.st_mode)) {
    warnx_("cannot overwrite directory '%s' with non-directory", dst);
    return -1;
  }
  if (have_dst && !S_ISDIR(d.st_mode) && S_ISDIR(s.st_mode)) {
    warnx_("cannot overwrite non-directory '%s' with directory '%s'", dst, src);
    return -1;
  }
  if (rename(src, dst) == 0) {
    if (verbose) printf("renamed '%s' -> '%s'\n", src, dst);
    return 0;
  }
  if (errno != EXDEV) {
    warn_("cannot move '%s' to '%s'", src, dst);
    return -1;
  }
  struct copy_opts o = {.recursive = 1, .preserve = 1, .force = 1};
  if (have_dst && S_ISDIR(d.st_mode)) remove_tree(dst);
  if (copy_any(src, dst, &o, 0) != 0) return -1;
  if (remove_tree(src) != 0) { warn_("cannot remove '%s'", src); return -1; }
  if (verbose) printf("copied '%s' -> '%s'\n", src, dst);
  return 0;
}

int main(int argc, char **argv) {
  prog = "mv";
  int c, status = 0, no_target_dir = 0;
  const char *target_dir = NULL;
  while ((c = getopt_(argc, argv, "finvTt:")) != -1) {
    switch (c) {
    case 'f': no_clobber = 0; break;
    case 'i': break;
    case 'n': no_clobber = 1; break;
    case 'v': verbose = 1; break;
    case 'T': no_target_dir = 1; break;
    case 't': target_dir = optarg; break;
    default: usage_hint(); return 1;
    }
  }
  int n = argc - optind;
  char **ops = argv + optind;
  const char *dest;
  int dest_is_dir;
  if (copy_operands(&n, ops, target_dir, no_target_dir, &dest, &dest_is_dir) != 0) return 1;
  for (int i = 0; i < n; i++) {
    char *to = copy_target(ops[i], dest, dest_is_dir);
    if (move(ops[i], to) != 0) status = 1;
    free(to);
  }
  return status;
}
