/*
 * ls: list directory contents.
 * Options: -l long, -a all, -A almost all, -1 one per line, -C columns,
 * -R recursive, -d directories themselves, -h human sizes, -t by time,
 * -S by size, -r reverse, -U unsorted, -i inode, -F/-p classify, -L follow
 * links, -n numeric ids, -g/-o omit owner/group, -s sizes in blocks,
 * --full-time. Columns fit $COLUMNS, else the terminal's width (TIOCGWINSZ), else 80. The layout follows GNU coreutils: operands that are not
 * directories first, then each directory (named when there is more than one
 * operand or -R), columns only on a terminal. Exit 2 when an operand cannot be
 * accessed, 1 for trouble below it.
 * WASI reports no permission bits, owners or block counts: when the mode
 * carries no permission bits, 0755 (directories), 0644 (files) and 0777
 * (links) stand in; owner 0 is "root"; blocks are the size rounded up to 4 KiB.
 * Spec: POSIX ls.
 */
#include "lib/util.h"
#include <dirent.h>
#include <limits.h>
#include <time.h>
#include <sys/ioctl.h>

static int opt_l, opt_a, opt_A, opt_R, opt_d, opt_h, opt_r, opt_i, opt_F, opt_p, opt_L, opt_n, opt_s;
static int opt_g, opt_o, full_time, columns;
static char sort_by = 'n';   /* n name, t time, S size, U none */
static int status;
static time_t now;

struct entry {
  char *name;   /* as shown */
  char *path;   /* to stat and to recurse into */
  struct stat st;
  int ok;       /* stat succeeded */
};

static mode_t shown_mode(const struct stat *st) {
  mode_t m = st->st_mode;
  if ((m & 07777) == 0) m |= S_ISDIR(m) ? 0755 : S_ISLNK(m) ? 0777 : S_ISCHR(m) ? 0666 : 0644;
  return m;
}

static unsigned long long blocks_k(const struct stat *st) {
  if (st->st_blocks) return (unsigned long long)st->st_blocks / 2;
  if (S_ISLNK(st->st_mode)) return 0;
  return ((unsigned long long)st->st_size + 4095) / 4096 * 4;
}

static int cmp_entries(const void *a, const void *b) {
  const struct entry *x = a, *y = b;
  int r = 0;
  if (sort_by == 't') {
    if (x->st.st_mtim.tv_sec != y->st.st_mtim.tv_sec) r = x->st.st_mtim.tv_sec > y->st.st_mtim.tv_sec ? -1 : 1;
    else if (x->st.st_mtim.tv_nsec != y->st.st_mtim.tv_nsec) r = x->st.st_mtim.tv_nsec > y->st.st_mtim.tv_nsec ? -1 : 1;
  } else if (sort_by == 'S') {
    if (x->st.st_size != y->st.st_size) r = x->st.st_size > y->st.st_size ? -1 : 1;
  }
  if (r == 0) r = strcmp(x->name, y->name);
  return opt_r ? -r : r;
}

static void sort_entries(struct entry *v, size_t n) {
  if (sort_by != 'U') qsort(v, n, sizeof *v, cmp_entries);
}

static char classify(const struct stat *st) {
  if (S_ISDIR(st->st_mode)) return '/';
  if (!opt_F) return 0;
  if (S_ISLNK(st->st_mode)) return '@';
  if (S_ISFIFO(st->st_mode)) return '|';
  if (S_ISSOCK(st->st_mode)) return '=';
  if (S_ISREG(st->st_mode) && (st->st_mode & 0111)) return '*';
  return 0;
}

static void owner(char *b, size_t cap, unsigned id) {
  if (id == 0 && !opt_n) snprintf(b, cap, "root");
  else snprintf(b, cap, "%u", id);
}

static void print_time(const struct stat *st) {
  char b[64];
  struct tm tm;
  time_t t = st->st_mtim.tv_sec;
  gmtime_r(&t, &tm);
  if (full_time) {
    strftime(b, sizeof b, "%Y-%m-%d %H:%M:%S", &tm);
    printf("%s.%09ld +0000 ", b, (long)st->st_mtim.tv_nsec);
    return;
  }
  /* within six months (past) or an hour (future): time; else the year */
  if (t > now - 15778476 && t < now + 3600) strftime(b, sizeof b, "%b %e %H:%M", &tm);
  else strftime(b, sizeof b, "%b %e  %Y", &tm);
  printf("%s ", b);
}

static void print_long(struct entry *v, size_t n) {
  int wl = 1, wo = 1, wg = 1, ws = 1, wi = 1, wb = 1;
  char b[64];
  for (size_t i = 0; i < n; i++) {
    if (!v[i].ok) continue;
    const struct stat *st = &v[i].st;
    int k;
    if ((k = snprintf(b, sizeof b, "%lu", (unsigned long)st->st_nlink)) > wl) wl = k;
    owner(b, sizeof b, st->st_uid); if ((k = (int)strlen(b)) > wo) wo = k;
    owner(b, sizeof b, st->st_gid); if ((k = (int)strlen(b)) > wg) wg = k;
    if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) k = snprintf(b, sizeof b, "%u, %u", (unsigned)(st->st_rdev >> 8), (unsigned)(st->st_rdev & 255));
    else if (opt_h) k = (int)strlen(human_size((uint64_t)st->st_size, b, sizeof b));
    else k = snprintf(b, sizeof b, "%lld", (long long)st->st_size);
    if (k > ws) ws = k;
    if ((k = snprintf(b, sizeof b, "%llu", (unsigned long long)st->st_ino)) > wi) wi = k;
    if ((k = snprintf(b, sizeof b, "%llu", blocks_k(st))) > wb) wb = k;
  }
  for (size_t i = 0; i < n; i++) {
    if (!v[i].ok) continue;
    const struct stat *st = &v[i].st;
    char m[12];
    if (opt_i) printf("%*llu ", wi, (unsigned long long)st->st_ino);
    if (opt_s) printf("%*llu ", wb, blocks_k(st));
    printf("%s %*lu ", mode_string(shown_mode(st), m), wl, (unsigned long)st->st_nlink);
    if (!opt_g) { owner(b, sizeof b, st->st_uid); printf("%-*s ", wo, b); }
    if (!opt_o) { owner(b, sizeof b, st->st_gid); printf("%-*s ", wg, b); }
    if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) snprintf(b, sizeof b, "%u, %u", (unsigned)(st->st_rdev >> 8), (unsigned)(st->st_rdev & 255));
    else if (opt_h) human_size((uint64_t)st->st_size, b, sizeof b);
    else snprintf(b, sizeof b, "%lld", (long long)st->st_size);
    printf("%*s ", ws, b);
    print_time(st);
    fputs(v[i].name, stdout);
    if (S_ISLNK(st->st_mode)) {
      char t[PATH_MAX];
      ssize_t k = readlink(v[i].path, t, sizeof t - 1);
      if (k >= 0) { t[k] = 0; printf(" -> %s", t); }
    } else if (opt_F || opt_p) {
      char c = classify(st);
      if (c && (opt_F || c == '/')) putchar(c);
    }
    putchar('\n');
  }
}

/* The name with its -F/-p/-i/-s decorations, as it appears in short formats. */
static int short_name(const struct entry *e, char *b, size_t cap, int wi, int wb) {
  int k = 0;
  if (opt_i) k += snprintf(b + k, cap - (size_t)k, "%*llu ", wi, (unsigned long long)e->st.st_ino);
  if (opt_s) k += snprintf(b + k, cap - (size_t)k, "%*llu ", wb, blocks_k(&e->st));
  k += snprintf(b + k, cap - (size_t)k, "%s", e->name);
  if ((opt_F || opt_p) && e->ok) {
    char c = classify(&e->st);
    if (c && (opt_F || c == '/') && (size_t)k + 1 < cap) { b[k++] = c; b[k] = 0; }
  }
  return k;
}

static void print_short(struct entry *v, size_t n) {
  int wi = 1, wb = 1;
  char b[PATH_MAX + 64];
  for (size_t i = 0; i < n; i++) {
    int k = snprintf(b, sizeof b, "%llu", (unsigned long long)v[i].st.st_ino);
    if (opt_i && k > wi) wi = k;
    k = snprintf(b, sizeof b, "%llu", blocks_k(&v[i].st));
    if (opt_s && k > wb) wb = k;
  }
  if (!columns) {
    for (size_t i = 0; i < n; i++) { short_name(&v[i], b, sizeof b, wi, wb); puts(b); }
    return;
  }
  /* Columns, filled top to bottom: the most columns that fit the width. */
  const char *cw = getenv("COLUMNS");
  int width = cw && atoi(cw) > 0 ? atoi(cw) : 0;
  struct winsize ws;
  if (!width && ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) width = ws.ws_col;
  if (!width) width = 80;
  int *len = xmalloc(sizeof(int) * (n ? n : 1));
  for (size_t i = 0; i < n; i++) len[i] = short_name(&v[i], b, sizeof b, wi, wb);
  size_t cols = 1, rows = n;
  for (size_t c = n; c >= 1; c--) {
    size_t r = (n + c - 1) / c;
    int total = 0;
    for (size_t col = 0; col < c; col++) {
      int w = 0;
      for (size_t row = 0; row < r && col * r + row < n; row++)
        if (len[col * r + row] > w) w = len[col * r + row];
      total += w + (col + 1 < c ? 2 : 0);
    }
    if (total <= width || c == 1) { cols = c; rows = r; break; }
  }
  cols = (n + rows - 1) / (rows ? rows : 1);
  for (size_t row = 0; row < rows; row++) {
    for (size_t col = 0; col < cols; col++) {
      size_t i = col * rows + row;
      if (i >= n) continue;
      int w = 0;
      for (size_t r2 = 0; r2 < rows && col * rows + r2 < n; r2++)
        if (len[col * rows + r2] > w) w = len[col * rows + r2];
      short_name(&v[i], b, sizeof b, wi, wb);
      int last = col + 1 == cols || (col + 1) * rows + row >= n;
      if (last) fputs(b, stdout);
      else printf("%-*s", w + 2, b);
    }
    putchar('\n');
  }
  free(len);
}

static void print_entries(struct entry *v, size_t n) {
  if (opt_l) print_long(v, n);
  else print_short(v, n);
}

static int stat_entry(struct entry *e, int follow) {
  int r = follow ? stat(e->path, &e->st) : lstat(e->path, &e->st);
  if (r != 0 && follow) r = lstat(e->path, &e->st);   /* dangling link */
  e->ok = r == 0;
  return r;
}

static void free_entries(struct entry *v, size_t n) {
  for (size_t i = 0; i < n; i++) { free(v[i].name); free(v[i].path); }
  free(v);
}

/* List one directory; with -R, then each subdirectory. */
static void list_dir(const char *path, int header, int *first) {
  DIR *d = opendir(path);
  if (!d) {
    warn_("cannot open directory '%s'", path);
    status = status ? status : 1;
    return;
  }
  size_t n = 0, cap = 64;
  struct entry *v = xmalloc(sizeof *v * cap);
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    const char *nm = de->d_name;
    if (nm[0] == '.') {
      int dots = strcmp(nm, ".") == 0 || strcmp(nm, "..") == 0;
      if (!opt_a && !(opt_A && !dots)) continue;
    }
    if (n == cap) v = xrealloc(v, sizeof *v * (cap *= 2));
    v[n].name = xstrdup(nm);
    v[n].path = path_join(path, nm);
    if (stat_entry(&v[n], opt_L) != 0) {
      /* ".." of a sandbox root is out of reach (EPERM): show the directory itself */
      if (strcmp(nm, "..") == 0 && stat(path, &v[n].st) == 0) v[n].ok = 1;
      else { warn_("cannot access '%s'", v[n].path); status = 1; }
    }
    n++;
  }
  closedir(d);
  sort_entries(v, n);
  if (header) printf("%s%s:\n", *first ? "" : "\n", path);
  *first = 0;
  if (opt_l || opt_s) {
    unsigned long long total = 0;
    for (size_t i = 0; i < n; i++) if (v[i].ok) total += blocks_k(&v[i].st);
    if (opt_h) { char b[32]; printf("total %s\n", human_size(total * 1024, b, sizeof b)); }
    else printf("total %llu\n", total);
  }
  print_entries(v, n);
  if (opt_R) {
    for (size_t i = 0; i < n; i++) {
      if (!v[i].ok || !S_ISDIR(v[i].st.st_mode)) continue;
      if (strcmp(v[i].name, ".") == 0 || strcmp(v[i].name, "..") == 0) continue;
      list_dir(v[i].path, 1, first);
    }
  }
  free_entries(v, n);
}

int main(int argc, char **argv) {
  prog = "ls";
  now = time(NULL);
  int one = 0, force_cols = 0;
  /* the few long options people type, taken out before getopt */
  int k = 1, i = 1;
  for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
    if (strcmp(argv[i], "--full-time") == 0) full_time = opt_l = 1;
    else if (strcmp(argv[i], "--all") == 0) opt_a = 1;
    else if (strcmp(argv[i], "--almost-all") == 0) opt_A = 1;
    else if (strcmp(argv[i], "--human-readable") == 0) opt_h = 1;
    else if (strcmp(argv[i], "--recursive") == 0) opt_R = 1;
    else if (strcmp(argv[i], "--reverse") == 0) opt_r = 1;
    else if (strcmp(argv[i], "--directory") == 0) opt_d = 1;
    else if (strncmp(argv[i], "--color", 7) == 0) {}
    else argv[k++] = argv[i];
  }
  while (i < argc) argv[k++] = argv[i++];
  argv[k] = NULL;
  argc = k;
  int c;
  while ((c = getopt_(argc, argv, "laA1RdhtrSUiFpLngosCfc")) != -1) {
    switch (c) {
    case 'l': opt_l = 1; break;
    case 'a': opt_a = 1; opt_A = 0; break;
    case 'A': opt_A = 1; opt_a = 0; break;
    case '1': one = 1; opt_l = 0; force_cols = 0; break;
    case 'C': force_cols = 1; one = 0; opt_l = 0; break;
    case 'R': opt_R = 1; break;
    case 'd': opt_d = 1; break;
    case 'h': opt_h = 1; break;
    case 't': sort_by = 't'; break;
    case 'S': sort_by = 'S'; break;
    case 'U': sort_by = 'U'; break;
    case 'f': sort_by = 'U'; opt_a = 1; break;
    case 'r': opt_r = 1; break;
    case 'i': opt_i = 1; break;
    case 'F': opt_F = 1; break;
    case 'p': opt_p = 1; break;
    case 'L': opt_L = 1; break;
    case 'n': opt_n = 1; opt_l = 1; break;
    case 'g': opt_g = 1; opt_l = 1; break;
    case 'o': opt_o = 1; opt_l = 1; break;
    case 's': opt_s = 1; break;
    case 'c': break;
    default: usage_hint(); return 2;
    }
  }
  columns = !opt_l && !one && (force_cols || isatty(1));
  char *dot[] = {".", NULL};
  char **ops = optind < argc ? argv + optind : dot;
  int nops = optind < argc ? argc - optind : 1;
  /* 1. Sort the operands into files and directories. */
  struct entry *files = xmalloc(sizeof *files * (size_t)nops), *dirs = xmalloc(sizeof *dirs * (size_t)nops);
  size_t nf = 0, nd = 0;
  for (int i = 0; i < nops; i++) {
    struct entry e = {xstrdup(ops[i]), xstrdup(ops[i]), {0}, 0};
    /* operands follow symlinks unless -l/-d/-F (as coreutils) */
    int follow = opt_L || !(opt_l || opt_d || opt_F);
    if (stat_entry(&e, follow) != 0) {
      warn_("cannot access '%s'", ops[i]);
      status = 2;
      free(e.name); free(e.path);
      continue;
    }
    if (!opt_d && S_ISDIR(e.st.st_mode)) dirs[nd++] = e;
    else if (!opt_d && S_ISLNK(e.st.st_mode) && opt_l == 0 && !opt_F) dirs[nd++] = e;
    else {
      /* -l on a symlink to a directory operand lists the directory (coreutils without -d does) */
      struct stat t;
      if (!opt_d && S_ISLNK(e.st.st_mode) && stat(e.path, &t) == 0 && S_ISDIR(t.st_mode) && !opt_l) dirs[nd++] = e;
      else files[nf++] = e;
    }
  }
  /* 2. Files first, then each directory. */
  sort_entries(files, nf);
  sort_entries(dirs, nd);
  print_entries(files, nf);
  int first = nf == 0;
  int header = opt_R || nops > 1;
  for (size_t i = 0; i < nd; i++) list_dir(dirs[i].path, header, &first);
  free_entries(files, nf);
  free_entries(dirs, nd);
  if (fflush(stdout) != 0) die_(2, "write error");
  return status;
}
