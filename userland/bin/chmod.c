/*
 * chmod: change permission bits.
 *   chmod [-R] [-f] [-v] MODE[,MODE]... FILE...
 * MODE is octal, or symbolic (lib/mode.c).
 * Spec: POSIX chmod(1) (the symbolic mode grammar).
 */
#include "lib/mode.h"
#include <dirent.h>

static int recursive, quiet, verbose;

static int change(const char *path, const char *spec) {
  struct stat st;
  if (stat(path, &st) < 0) {
    if (!quiet) warn_("cannot access '%s'", path);
    return 1;
  }
  long mode = mode_apply(spec, st.st_mode, S_ISDIR(st.st_mode));
  if (mode < 0) {
    warnx_("invalid mode: '%s'", spec);
    exit(1);
  }
  int status = 0;
  if (chmod(path, (mode_t)mode) < 0) {
    if (!quiet) warn_("changing permissions of '%s'", path);
    status = 1;
  } else if (verbose) {
    printf("mode of '%s' changed from %04o to %04lo\n", path, st.st_mode & 07777, mode);
  }
  if (recursive && S_ISDIR(st.st_mode)) {
    DIR *d = opendir(path);
    if (!d) {
      if (!quiet) warn_("cannot read directory '%s'", path);
      return 1;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
      if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
      char *child = malloc(strlen(path) + strlen(e->d_name) + 2);
      sprintf(child, "%s/%s", path, e->d_name);
      struct stat cs;
      // Symlinks met while recursing are not followed (as GNU chmod -R).
      if (lstat(child, &cs) == 0 && !S_ISLNK(cs.st_mode)) status |= change(child, spec);
      free(child);
    }
    closedir(d);
  }
  return status;
}

int main(int argc, char **argv) {
  prog = "chmod";
  int i = 1;
  for (; i < argc && argv[i][0] == '-' && argv[i][1] && !strchr("rwxXst", argv[i][1]); i++) {
    if (!strcmp(argv[i], "--")) {
      i++;
      break;
    }
    for (const char *o = argv[i] + 1; *o; o++) {
      if (*o == 'R') recursive = 1;
      else if (*o == 'f') quiet = 1;
      else if (*o == 'v') verbose = 1;
      else {
        warnx_("invalid option -- '%c'", *o);
        return 1;
      }
    }
  }
  if (argc - i < 2) {
    if (argc - i < 1) warnx_("missing operand");
    else warnx_("missing operand after '%s'", argv[i]);
    return 1;
  }
  const char *spec = argv[i++];
  if (mode_apply(spec, 0644, 0) < 0) {
    warnx_("invalid mode: '%s'", spec);
    return 1;
  }
  int status = 0;
  for (; i < argc; i++) status |= change(argv[i], spec);
  return status;
}
