/*
 * du: estimate file space usage, in 1024-byte blocks. -a every file, not
 * just directories; -s only each operand's total; -c a grand total; -h
 * human-readable; -k (default) KiB, -m MiB, -b bytes (apparent size);
 * -d N / --max-depth=N limit the listing depth; -L follow links; -x ignored.
 * Each inode is counted once (hard links, overlapping operands). WASI reports no block counts, so usage is the
 * size rounded up to 4 KiB (directories: their size).
 * Spec: POSIX du.
 */
#include "lib/util.h"
#include <dirent.h>

static int opt_a, opt_s, opt_h, opt_b, opt_L, max_depth = -1, status;
static long long unit = 1024;

struct seen { unsigned long long dev, ino; };
static struct seen *seen;
static size_t nseen;

static int already(const struct stat *st) {
  /* every inode once: hard links, and directories named twice (du -c d d/e) */
  for (size_t i = 0; i < nseen; i++) if (seen[i].dev == st->st_dev && seen[i].ino == st->st_ino) return 1;
  seen = xrealloc(seen, sizeof *seen * (nseen + 1));
  seen[nseen].dev = st->st_dev;
  seen[nseen].ino = st->st_ino;
  nseen++;
  return 0;
}

static long long usage_of(const struct stat *st) {
  if (opt_b) return st->st_size;
  if (st->st_blocks) return (long long)st->st_blocks * 512;
  if (S_ISLNK(st->st_mode)) return 0;
  return (st->st_size + 4095) / 4096 * 4096;
}

static void show(long long bytes, const char *path) {
  char b[32];
  if (opt_h) human_size((uint64_t)bytes, b, sizeof b);
  else snprintf(b, sizeof b, "%lld", opt_b ? bytes : (bytes + unit - 1) / unit);
  printf("%s\t%s\n", b, path);
}

static long long walk(const char *path, int depth, int top) {
  struct stat st;
  if ((opt_L || top ? stat(path, &st) : lstat(path, &st)) != 0) {
    warn_("cannot access '%s'", path);
    status = 1;
    return 0;
  }
  if (already(&st)) return 0;
  long long total = usage_of(&st);
  if (S_ISDIR(st.st_mode)) {
    DIR *d = opendir(path);
    if (!d) { warn_("cannot read directory '%s'", path); status = 1; }
    else {
      struct dirent *e;
      char **names = NULL;
      size_t n = 0;
      while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        names = xrealloc(names, sizeof *names * (n + 1));
        names[n++] = xstrdup(e->d_name);
      }
      closedir(d);
      for (size_t i = 0; i < n; i++) {
        char *p = path_join(path, names[i]);
        total += walk(p, depth + 1, 0);
        free(p);
        free(names[i]);
      }
      free(names);
    }
  }
  int listed = !opt_s && (max_depth < 0 || depth <= max_depth) && (S_ISDIR(st.st_mode) || opt_a);
  if (listed || top) show(total, path);
  return total;
}

int main(int argc, char **argv) {
  prog = "du";
  int c, grand = 0;
  for (int i = 1; i < argc; i++)
    if (!strncmp(argv[i], "--max-depth=", 12)) { max_depth = atoi(argv[i] + 12); argv[i] = (char *)"-x"; }
  while ((c = getopt_(argc, argv, "ashcbkmLxd:HlP")) != -1) {
    switch (c) {
    case 'a': opt_a = 1; break;
    case 's': opt_s = 1; break;
    case 'h': opt_h = 1; break;
    case 'c': grand = 1; break;
    case 'b': opt_b = 1; unit = 1; break;
    case 'k': unit = 1024; break;
    case 'm': unit = 1048576; break;
    case 'L': opt_L = 1; break;
    case 'd': max_depth = atoi(optarg); break;
    case 'x': case 'H': case 'l': case 'P': break;
    default: usage_hint(); return 1;
    }
  }
  long long sum = 0;
  if (optind >= argc) sum += walk(".", 0, 1);
  for (int i = optind; i < argc; i++) sum += walk(argv[i], 0, 1);
  if (grand) show(sum, "total");
  if (fflush(stdout) != 0) die_(1, "write error");
  return status;
}
