/*
 * chmod: change permission bits.
 *   chmod [-R] [-f] [-v] MODE[,MODE]... FILE...
 * MODE is octal, or symbolic: [ugoa]*[+-=]([rwxXst]*|[ugo]), comma-separated.
 * Spec: POSIX chmod(1) (the symbolic mode grammar).
 */
#include "lib/util.h"
#include <ctype.h>
#include <dirent.h>

static int recursive, quiet, verbose;

/* Apply a mode string to `old`; -1 if it is not a valid mode. */
static long apply(const char *spec, mode_t old, int isdir) {
  if (isdigit((unsigned char)*spec)) {
    char *end;
    long m = strtol(spec, &end, 8);
    return *end || m < 0 || m > 07777 ? -1 : m;
  }
  mode_t mode = old & 07777;
  const char *p = spec;
  for (;;) {
    mode_t who = 0;
    for (; *p && strchr("ugoa", *p); p++)
      who |= *p == 'u' ? 04700 : *p == 'g' ? 02070 : *p == 'o' ? 01007 : 07777;
    if (who == 0) who = 07777;
    if (!*p || !strchr("+-=", *p)) return -1;
    while (*p && strchr("+-=", *p)) {
      char op = *p++;
      mode_t bits = 0;
      if (*p && strchr("ugo", *p)) {
        mode_t src = *p == 'u' ? (mode >> 6) & 7 : *p == 'g' ? (mode >> 3) & 7 : mode & 7;
        bits = src << 6 | src << 3 | src;
        p++;
      } else {
        for (; *p && strchr("rwxXst", *p); p++) {
          switch (*p) {
            case 'r': bits |= 0444; break;
            case 'w': bits |= 0222; break;
            case 'x': bits |= 0111; break;
            case 'X': if (isdir || (mode & 0111)) bits |= 0111; break;
            case 's': bits |= 06000; break;
            case 't': bits |= 01000; break;
          }
        }
      }
      // Without who, the umask limits what + and = set (POSIX); there is no umask to speak of here.
      bits &= who;
      if (op == '+') mode |= bits;
      else if (op == '-') mode &= ~bits;
      else mode = (mode & ~(who & 07777)) | bits;
    }
    if (!*p) break;
    if (*p != ',') return -1;
    p++;
  }
  return mode;
}

static int change(const char *path, const char *spec) {
  struct stat st;
  if (stat(path, &st) < 0) {
    if (!quiet) warn_("cannot access '%s'", path);
    return 1;
  }
  long mode = apply(spec, st.st_mode, S_ISDIR(st.st_mode));
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
  if (apply(spec, 0644, 0) < 0) {
    warnx_("invalid mode: '%s'", spec);
    return 1;
  }
  int status = 0;
  for (; i < argc; i++) status |= change(argv[i], spec);
  return status;
}
