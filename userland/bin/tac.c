/*
 * tac: print files last line first. -s SEP splits on SEP instead of
 * newline; -b puts the separator before each record.
 * Spec: GNU coreutils tac.
 */
#include "lib/util.h"

int main(int argc, char **argv) {
  prog = "tac";
  int c, before = 0, status = 0;
  const char *sep = "\n";
  while ((c = getopt_(argc, argv, "bs:r")) != -1) {
    switch (c) {
    case 'b': before = 1; break;
    case 's': sep = optarg; if (!*sep) diex_(1, "separator cannot be empty"); break;
    case 'r': break;
    default: usage_hint(); return 1;
    }
  }
  size_t sl = strlen(sep);
  char *dflt[] = {"-", NULL};
  for (char **f = optind < argc ? argv + optind : dflt; *f; f++) {
    int fd = open_in(*f);
    if (fd < 0) { warn_("failed to open '%s' for reading", *f); status = 1; continue; }
    size_t n;
    char *buf = slurp(fd, &n);
    if (fd > 0) close(fd);
    if (!buf) { warn_("%s: read error", *f); status = 1; continue; }
    /* record boundaries: after each separator (before it with -b) */
    size_t *cut = xmalloc(sizeof *cut * (n / sl + 2)), ncut = 0;
    cut[ncut++] = 0;
    for (size_t k = 0; k + sl <= n; k++) {
      if (memcmp(buf + k, sep, sl) != 0) continue;
      size_t at = before ? k : k + sl;
      if (at > cut[ncut - 1] && at < n) cut[ncut++] = at;
      k += sl - 1;
    }
    for (size_t r = ncut; r-- > 0;) {
      size_t end = r + 1 < ncut ? cut[r + 1] : n;
      fwrite(buf + cut[r], 1, end - cut[r], stdout);
    }
    free(cut);
    free(buf);
  }
  if (fflush(stdout) != 0) die_(1, "write error");
  return status;
}
