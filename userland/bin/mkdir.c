/*
 * mkdir: create directories. -p creates missing parents and accepts
 * existing directories; -m MODE gives the directories named (not the
 * parents -p makes) that mode, as chmod would, the umask aside; -v reports
 * each directory created.
 * Spec: POSIX mkdir.
 */
#include "lib/mode.h"

static int verbose;
/* -m: the mode the operands are made with; -1 without -m. */
static long mode = -1;

static int make(const char *path, int quiet_exists) {
  if (mkdir(path, 0777) == 0) {
    if (mode >= 0 && chmod(path, (mode_t)mode) != 0) {
      warn_("cannot set permissions of '%s'", path);
      return -1;
    }
    if (verbose) printf("mkdir: created directory '%s'\n", path);
    return 0;
  }
  if (quiet_exists && errno == EEXIST) {
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return 0;
    errno = EEXIST;
  }
  warn_("cannot create directory '%s'", path);
  return -1;
}

/* mkdir -p: create each prefix in turn. */
static int make_parents(const char *path) {
  char *p = xstrdup(path);
  int rc = 0;
  for (char *s = p + 1; *s; s++) {
    if (*s != '/' || s[-1] == '/') continue;
    *s = 0;
    struct stat st;
    if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
      if (mkdir(p, 0777) == 0) {
        if (verbose) printf("mkdir: created directory '%s'\n", p);
      } else if (errno != EEXIST) {
        warn_("cannot create directory '%s'", p);
        free(p);
        return -1;
      }
    }
    *s = '/';
  }
  rc = make(p, 1);
  free(p);
  return rc;
}

int main(int argc, char **argv) {
  prog = "mkdir";
  int parents = 0, c, status = 0;
  while ((c = getopt_(argc, argv, "pm:v")) != -1) {
    switch (c) {
    case 'p': parents = 1; break;
    case 'm':
      /* Symbolic modes are relative to a=rwx (POSIX mkdir). */
      if ((mode = mode_apply(optarg, 0777, 1)) < 0) diex_(1, "invalid mode '%s'", optarg);
      break;
    case 'v': verbose = 1; break;
    default: usage_hint(); return 1;
    }
  }
  if (optind >= argc) { warnx_("missing operand"); usage_hint(); return 1; }
  for (int i = optind; i < argc; i++)
    if ((parents ? make_parents(argv[i]) : make(argv[i], 0)) != 0) status = 1;
  return status;
}
