/*
 * which: print where each COMMAND would be found on PATH. -a prints every
 * match, not just the first. Names with a '/' are checked as given.
 * Status 1 if any COMMAND was not found. Spec: debianutils which.
 */
#include "lib/util.h"

static int executable(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0;
}

int main(int argc, char **argv) {
  prog = "which";
  int c, all = 0, status = 0;
  while ((c = getopt_(argc, argv, "as")) != -1) {
    if (c == 'a') all = 1;
    else if (c != 's') { usage_hint(); return 2; }
  }
  const char *path = getenv("PATH");
  if (!path) path = "/bin:/usr/bin";
  for (int i = optind; i < argc; i++) {
    const char *name = argv[i];
    int found = 0;
    if (strchr(name, '/')) {
      if (executable(name)) { puts(name); found = 1; }
    } else {
      const char *p = path;
      for (;;) {
        const char *e = strchr(p, ':');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char *dir = n ? strndup(p, n) : xstrdup(".");
        char *full = path_join(dir, name);
        if (executable(full)) { puts(full); found = 1; }
        free(dir);
        free(full);
        if ((found && !all) || !e) break;
        p = e + 1;
      }
    }
    if (!found) status = 1;
  }
  return status;
}
