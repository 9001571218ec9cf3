/*
 * rm: remove files. -r/-R removes directories and their contents, -d
 * removes empty directories, -f ignores missing operands and never fails
 * for them, -v names each removal, -i is accepted (no prompts). "." and ".."
 * are refused; symlinks are removed, never followed. Spec: POSIX rm.
 */
#include "lib/util.h"
#include <dirent.h>

static int recursive, force, verbose, dirs;

static int remove_path(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0) {
    if (force && errno == ENOENT) return 0;
    warn_("cannot remove '%s'", path);
    return -1;
  }
  if (S_ISDIR(st.st_mode)) {
    if (!recursive) {
      if (dirs) {
        if (rmdir(path) == 0) {
          if (verbose) printf("removed directory '%s'\n", path);
          return 0;
        }
        warn_("cannot remove '%s'", path);
        return -1;
      }
      errno = EISDIR;
      warn_("cannot remove '%s'", path);
      return -1;
    }
    DIR *d = opendir(path);
    if (!d) { warn_("cannot remove '%s'", path); return -1; }
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      char *p = path_join(path, e->d_name);
      if (remove_path(p) != 0) rc = -1;
      free(p);
    }
    closedir(d);
    if (rc != 0) return rc;
    if (rmdir(path) != 0) { warn_("cannot remove '%s'", path); return -1; }
    if (verbose) printf("removed directory '%s'\n", path);
    return 0;
  }
  if (unlink(path) != 0) { warn_("cannot remove '%s'", path); return -1; }
  if (verbose) printf("removed '%s'\n", path);
  return 0;
}

int main(int argc, char **argv) {
  prog = "rm";
  int c, status = 0;
  while ((c = getopt_(argc, argv, "rRfivdI")) != -1) {
    switch (c) {
    case 'r': case 'R': recursive = 1; break;
    case 'f': force = 1; break;
    case 'v': verbose = 1; break;
    case 'd': dirs = 1; break;
    case 'i': case 'I': force = 0; break;
    default: usage_hint(); return 1;
    }
  }
  if (optind >= argc) {
    if (force) return 0;
    warnx_("missing operand");
    usage_hint();
    return 1;
  }
  for (int i = optind; i < argc; i++) {
    char b[4096];
    base_name(argv[i], b, sizeof b);
    if (recursive && (strcmp(b, ".") == 0 || strcmp(b, "..") == 0)) {
      warnx_("refusing to remove '.' or '..' directory: skipping '%s'", argv[i]);
      status = 1;
      continue;
    }
    if (recursive && strcmp(b, "/") == 0) {
      warnx_("it is dangerous to operate recursively on '/'");
      status = 1;
      continue;
    }
    if (remove_path(argv[i]) != 0) status = 1;
  }
  return status;
}
