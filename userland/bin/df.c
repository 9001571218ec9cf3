/*
 * df: the size, used and free space of file systems. With no operand, every
 * mount in /proc/mounts that has a size (like GNU df, /proc and friends only
 * with -a); with operands, the file system each is on. -h human-readable,
 * -k (default) and -P (POSIX format) 1024-byte blocks, -m MiB, -B SIZE units,
 * -T the type column, -i inodes instead of blocks, -a all.
 * Spec: POSIX df (-k, -P); GNU df for -h, -T, -i, -a.
 */
#include "lib/canon.h"
#include "lib/util.h"
#include <sys/statvfs.h>

struct mount { char *source, *path, *type; };
static struct mount *mounts;
static size_t nmounts;
static int opt_h, opt_T, opt_i, opt_a, status;
static unsigned long long unit = 1024;

/* /proc/mounts fields are octal-escaped (\040 for a space). */
static char *unescape(const char *s) {
  char *out = xmalloc(strlen(s) + 1), *o = out;
  while (*s) {
    if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
      *o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
      s += 4;
    } else {
      *o++ = *s++;
    }
  }
  *o = 0;
  return out;
}

static void read_mounts(void) {
  FILE *f = fopen("/proc/mounts", "r");
  if (!f) return;
  char line[4096];
  while (fgets(line, sizeof line, f)) {
    char src[1024], path[1024], type[64];
    if (sscanf(line, "%1023s %1023s %63s", src, path, type) != 3) continue;
    mounts = xrealloc(mounts, sizeof *mounts * (nmounts + 1));
    mounts[nmounts].source = unescape(src);
    mounts[nmounts].path = unescape(path);
    mounts[nmounts].type = xstrdup(type);
    nmounts++;
  }
  fclose(f);
}

static void cell(unsigned long long n, int width) {
  char b[32];
  if (opt_h && !opt_i) human_size(n, b, sizeof b);
  else snprintf(b, sizeof b, "%llu", n);
  printf(" %*s", width, b);
}

static void header(void) {
  printf("%-14s", "Filesystem");
  if (opt_T) printf(" %-8s", "Type");
  if (opt_i) printf(" %10s %10s %10s %5s", "Inodes", "IUsed", "IFree", "IUse%");
  else if (opt_h) printf(" %6s %6s %6s %5s", "Size", "Used", "Avail", "Use%");
  else if (unit == 1024) printf(" %10s %10s %10s %5s", "1K-blocks", "Used", "Available", "Use%");
  else printf(" %9lluB %10s %10s %5s", unit, "Used", "Available", "Use%");
  printf(" %s\n", "Mounted on");
}

/* Use% as df rounds it: up, of used over used + available. */
static void percent(unsigned long long used, unsigned long long avail) {
  if (used + avail == 0) { printf(" %5s", "-"); return; }
  unsigned long long pct = (used * 100 + used + avail - 1) / (used + avail);
  printf(" %4llu%%", pct);
}

static void show(const struct mount *m, const struct statvfs *st) {
  printf("%-14s", m->source);
  if (opt_T) printf(" %-8s", m->type);
  if (opt_i) {
    unsigned long long used = st->f_files - st->f_ffree;
    cell(st->f_files, 10); cell(used, 10); cell(st->f_favail, 10);
    percent(used, st->f_favail);
  } else {
    unsigned long long fr = st->f_frsize ? st->f_frsize : st->f_bsize;
    unsigned long long size = st->f_blocks * fr, used = (st->f_blocks - st->f_bfree) * fr, avail = st->f_bavail * fr;
    int w = opt_h ? 6 : 10;
    if (opt_h) { cell(size, w); cell(used, w); cell(avail, w); }
    else { cell((size + unit - 1) / unit, w); cell((used + unit - 1) / unit, w); cell(avail / unit, w); }
    percent(used, avail);
  }
  printf(" %s\n", m->path);
}

/* Whether mount path `m` is `path` or one of its ancestors. */
static size_t covers(const char *m, const char *path) {
  size_t n = strlen(m);
  if (n == 1) return 1; /* "/" */
  return !strncmp(m, path, n) && (path[n] == '/' || path[n] == 0) ? n : 0;
}

/*
 * The mount a file is on: of those whose file system id is the file's (host
 * directories may share one), the deepest that is an ancestor of its real
 * path; else the last mounted.
 */
static const struct mount *mount_of(const char *operand, const struct statvfs *st) {
  char buf[PATH_MAX];
  const char *real = canonicalize(operand, buf, CANON_EXISTING) == 0 ? buf : NULL;
  const struct mount *best = NULL;
  size_t depth = 0;
  for (size_t i = nmounts; i-- > 0;) {
    struct statvfs ms;
    if (statvfs(mounts[i].path, &ms) != 0 || ms.f_fsid != st->f_fsid) continue;
    size_t d = real ? covers(mounts[i].path, real) : 0;
    if (!best || d > depth) { best = &mounts[i]; depth = d; }
  }
  return best;
}

int main(int argc, char **argv) {
  prog = "df";
  int c;
  while ((c = getopt_(argc, argv, "hkmPTiaB:")) != -1) {
    switch (c) {
    case 'h': opt_h = 1; break;
    case 'k': case 'P': unit = 1024; break;
    case 'm': unit = 1048576; break;
    case 'B': {
      long long n = parse_count(optarg);
      if (n <= 0) die_(1, "invalid block size '%s'", optarg);
      unit = (unsigned long long)n;
      break;
    }
    case 'T': opt_T = 1; break;
    case 'i': opt_i = 1; break;
    case 'a': opt_a = 1; break;
    default: usage_hint(); return 1;
    }
  }
  read_mounts();
  header();
  if (optind >= argc) {
    for (size_t i = 0; i < nmounts; i++) {
      struct statvfs st;
      if (statvfs(mounts[i].path, &st) != 0) continue;
      /* Shadowed mounts (a later one on the same path) and sizeless ones show with -a only. */
      int shadowed = 0;
      for (size_t j = i + 1; j < nmounts; j++) if (!strcmp(mounts[j].path, mounts[i].path)) shadowed = 1;
      if (!opt_a && (st.f_blocks == 0 || shadowed)) continue;
      show(&mounts[i], &st);
    }
  }
  for (int i = optind; i < argc; i++) {
    struct statvfs st;
    if (statvfs(argv[i], &st) != 0) {
      warn_("%s", argv[i]);
      status = 1;
      continue;
    }
    const struct mount *m = mount_of(argv[i], &st);
    struct mount unknown = {(char *)"-", argv[i], (char *)"-"};
    show(m ? m : &unknown, &st);
  }
  if (fflush(stdout) != 0) die_(1, "write error");
  return status;
}
