/*
 * mktemp: create a uniquely named temporary file (or directory with -d) and
 * print its name. The template's trailing X's (at least 3) are replaced;
 * the default is tmp.XXXXXXXXXX in $TMPDIR or /tmp (-p DIR, or -t, chooses
 * the directory for a bare template). -u only prints a name; -q is quiet.
 * Spec: GNU coreutils mktemp.
 */
#include "lib/util.h"
#include <unistd.h>

int main(int argc, char **argv) {
  prog = "mktemp";
  int c, dir = 0, dry = 0, quiet = 0, use_tmpdir = 0;
  const char *tmpdir = NULL;
  while ((c = getopt_(argc, argv, "dqtup:")) != -1) {
    switch (c) {
    case 'd': dir = 1; break;
    case 'q': quiet = 1; break;
    case 't': use_tmpdir = 1; break;
    case 'u': dry = 1; break;
    case 'p': tmpdir = optarg; use_tmpdir = 1; break;
    default: usage_hint(); return 1;
    }
  }
  if (argc - optind > 1) { warnx_("too many templates"); usage_hint(); return 1; }
  const char *tmpl = optind < argc ? argv[optind] : "tmp.XXXXXXXXXX";
  if (optind >= argc) use_tmpdir = 1;
  size_t tl = strlen(tmpl), xs = 0;
  while (xs < tl && tmpl[tl - 1 - xs] == 'X') xs++;
  if (xs < 3) {
    if (!quiet) warnx_("too few X's in template '%s'", tmpl);
    return 1;
  }
  char *path;
  if (use_tmpdir && !strchr(tmpl, '/')) {
    const char *d = tmpdir && *tmpdir ? tmpdir : getenv("TMPDIR");
    if (!d || !*d) d = "/tmp";
    path = path_join(d, tmpl);
  } else {
    path = xstrdup(tmpl);
  }
  size_t pl = strlen(path);
  static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  for (int attempt = 0; attempt < 100; attempt++) {
    unsigned char rnd[64];
    if (getentropy(rnd, xs < sizeof rnd ? xs : sizeof rnd) != 0) die_(1, "cannot get random bytes");
    for (size_t i = 0; i < xs; i++) path[pl - xs + i] = chars[rnd[i % sizeof rnd] % (sizeof chars - 1)];
    if (dry) {
      struct stat st;
      if (lstat(path, &st) == 0) continue;
      puts(path);
      return 0;
    }
    int ok;
    if (dir) ok = mkdir(path, 0700) == 0;
    else {
      int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
      ok = fd >= 0;
      if (ok) close(fd);
    }
    if (ok) { puts(path); return 0; }
    if (errno != EEXIST) break;
  }
  if (!quiet) warn_("failed to create %s via template '%s'", dir ? "directory" : "file", path);
  return 1;
}
