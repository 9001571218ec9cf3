/*
 * ln: make links. ln [-sfnvT] TARGET [LINK], or ln TARGET... DIR.
 * -s symbolic, -f replace an existing LINK, -n/-T do not descend into a LINK
 * that is a symlink to a directory (or a directory), -v names each link.
 * With one operand the link is made in the current directory.
 * Spec: POSIX ln; GNU coreutils for messages.
 */
#include "lib/util.h"

static int symbolic, force, verbose;

static int make_link(const char *target, const char *name) {
  for (int attempt = 0; attempt < 2; attempt++) {
    int r = symbolic ? symlink(target, name) : link(target, name);
    if (r == 0) {
      if (verbose) printf("'%s' -> '%s'\n", name, target);
      return 0;
    }
    if (errno == EEXIST && force && attempt == 0) {
      struct stat t, n;
      if (!symbolic && stat(target, &t) == 0 && lstat(name, &n) == 0 && t.st_ino == n.st_ino && t.st_dev == n.st_dev) {
        warnx_("'%s' and '%s' are the same file", target, name);
        return -1;
      }
      if (unlink(name) == 0) continue;
      errno = EEXIST;
    }
    break;
  }
  if (symbolic) warn_("failed to create symbolic link '%s'", name);
  else if (errno == ENOENT && access(target, F_OK) != 0) warn_("failed to access '%s'", target);
  else if (errno == EEXIST) warn_("failed to create hard link '%s'", name);
  else warn_("failed to create hard link '%s' => '%s'", name, target);
  return -1;
}

int main(int argc, char **argv) {
  prog = "ln";
  int c, no_deref = 0, no_target_dir = 0, status = 0;
  const char *target_dir = NULL;
  while ((c = getopt_(argc, argv, "sfnvTit:LP")) != -1) {
    switch (c) {
    case 's': symbolic = 1; break;
    case 'f': force = 1; break;
    case 'n': no_deref = 1; break;
    case 'v': verbose = 1; break;
    case 'T': no_target_dir = 1; break;
    case 't': target_dir = optarg; break;
    case 'i': case 'L': case 'P': break;
    default: usage_hint(); return 1;
    }
  }
  int n = argc - optind;
  char **ops = argv + optind;
  if (n < 1) { warnx_("missing file operand"); usage_hint(); return 1; }
  const char *dest;
  if (target_dir) dest = target_dir;
  else if (n == 1) dest = ".";
  else dest = ops[--n];
  struct stat st;
  int is_dir = 0;
  if (!no_target_dir) {
    if (no_deref) is_dir = lstat(dest, &st) == 0 && S_ISDIR(st.st_mode);
    else is_dir = stat(dest, &st) == 0 && S_ISDIR(st.st_mode);
  }
  if (n > 1 && !is_dir) {
    warnx_("target '%s' is not a directory", dest);
    return 1;
  }
  if (!is_dir) return make_link(ops[0], dest) ? 1 : 0;
  for (int i = 0; i < n; i++) {
    char b[4096];
    base_name(ops[i], b, sizeof b);
    char *to = path_join(dest, b);
    if (make_link(ops[i], to) != 0) status = 1;
    free(to);
  }
  return status;
}
