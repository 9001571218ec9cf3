/* The bodies of copy.h: copying files, directories and symlinks, and removing trees. */
#include "copy.h"
#include <dirent.h>
#include <limits.h>
#include <time.h>

int copy_operands(int *n, char **ops, const char *target_dir, int no_target_dir, const char **dest, int *into_dir) {
  if (*n < 1) { warnx_("missing file operand"); usage_hint(); return 1; }
  *dest = target_dir;
  if (!*dest) {
    if (*n < 2) { warnx_("missing destination file operand after '%s'", ops[0]); usage_hint(); return 1; }
    *dest = ops[--*n];
  }
  struct stat st;
  int dest_err = stat(*dest, &st) == 0 ? 0 : errno;
  *into_dir = !no_target_dir && !dest_err && S_ISDIR(st.st_mode);
  if (target_dir && !*into_dir) { errno = ENOTDIR; warn_("target directory '%s'", *dest); return 1; }
  if (*n > 1 && !*into_dir) {
    if (no_target_dir) { warnx_("extra operand '%s'", ops[2]); usage_hint(); return 1; }
    errno = dest_err ? dest_err : ENOTDIR;
    warn_("target '%s'", *dest);
    return 1;
  }
  return 0;
}

char *copy_target(const char *src, const char *dest, int into_dir) {
  if (!into_dir) return xstrdup(dest);
  char *b = xmalloc(strlen(src) + 2);
  base_name(src, b, strlen(src) + 2);
  char *to = path_join(dest, b);
  free(b);
  return to;
}

static void copy_times(const char *dst, const struct stat *st) {
  struct timespec ts[2] = {st->st_atim, st->st_mtim};
  utimensat(AT_FDCWD, dst, ts, AT_SYMLINK_NOFOLLOW);
}

/* Regular file src → dst (created or truncated). */
static int copy_data(const char *src, const char *dst, const struct stat *st, const struct copy_opts *o) {
  int in = open(src, O_RDONLY);
  if (in < 0) { warn_("cannot open '%s' for reading", src); return -1; }
  /* POSIX cp: a new file takes the source's permission bits, less the umask
     (open applies it); with -p, all of its mode bits. */
  mode_t mode = st->st_mode & 0777;
  int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, mode);
  if (out < 0 && o->force && errno != ENOENT) {
    unlink(dst);
    out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, mode);
  }
  if (out < 0) {
    warn_("cannot create regular file '%s'", dst);
    close(in);
    return -1;
  }
  static char buf[65536];   /* static: copies recurse, and the stack is small */
  ssize_t r;
  int rc = 0;
  while ((r = read(in, buf, sizeof buf)) > 0) {
    if (write_all(out, buf, (size_t)r) < 0) { warn_("error writing '%s'", dst); rc = -1; break; }
  }
  if (r < 0) { warn_("error reading '%s'", src); rc = -1; }
  close(in);
  if (close(out) < 0 && rc == 0) { warn_("error writing '%s'", dst); rc = -1; }
  if (rc == 0 && o->preserve) {
    chmod(dst, st->st_mode & 07777);
    copy_times(dst, st);
  }
  return rc;
}

static int copy_dir(const char *src, const char *dst, const struct stat *st, const struct copy_opts *o) {
  struct stat dst_st;
  int made = 0;
  if (stat(dst, &dst_st) == 0) {
    if (!S_ISDIR(dst_st.st_mode)) {
      warnx_("cannot overwrite non-directory '%s' with directory '%s'", dst, src);
      return -1;
    }
  } else if (mkdir(dst, (st->st_mode & 0777) | S_IRWXU) != 0) { /* writable while it is filled */
    warn_("cannot create directory '%s'", dst);
    return -1;
  } else {
    made = 1;
  }
  if (o->verbose && made) printf("'%s' -> '%s'\n", src, dst);
  DIR *d = opendir(src);
  if (!d) { warn_("cannot access '%s'", src); return -1; }
  int rc = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    char *s = path_join(src, e->d_name), *t = path_join(dst, e->d_name);
    if (copy_any(s, t, o, 0) != 0) rc = -1;
    free(s);
    free(t);
  }
  closedir(d);
  /* A directory made here ends with the source's bits, less the umask (-p: all of its mode). */
  if (o->preserve) chmod(dst, st->st_mode & 07777);
  else if (made) {
    mode_t mask = umask(0);
    umask(mask);
    chmod(dst, st->st_mode & 0777 & ~mask);
  }
  if (o->preserve) copy_times(dst, st);
  return rc;
}

int copy_any(const char *src, const char *dst, const struct copy_opts *o, int top) {
  struct stat st, dst_st;
  /* without -r an operand that is a symlink is followed, unless -P/-d */
  int follow = o->deref || (top && (o->follow_top || (!o->recursive && !o->no_deref)));
  int r = follow ? stat(src, &st) : lstat(src, &st);
  if (r != 0) { warn_("cannot stat '%s'", src); return -1; }
  if (S_ISDIR(st.st_mode)) {
    if (!o->recursive) { warnx_("-r not specified; omitting directory '%s'", src); return -1; }
    return copy_dir(src, dst, &st, o);
  }
  if (lstat(dst, &dst_st) == 0) {
    if (dst_st.st_dev == st.st_dev && dst_st.st_ino == st.st_ino) {
      warnx_("'%s' and '%s' are the same file", src, dst);
      return -1;
    }
    if (o->no_clobber) return 0;
    if (S_ISDIR(dst_st.st_mode)) {
      warnx_("cannot overwrite directory '%s' with non-directory", dst);
      return -1;
    }
  }
  if (o->verbose) printf("'%s' -> '%s'\n", src, dst);
  if (S_ISLNK(st.st_mode)) {
    char target[PATH_MAX];
    ssize_t n = readlink(src, target, sizeof target - 1);
    if (n < 0) { warn_("cannot read symbolic link '%s'", src); return -1; }
    target[n] = 0;
    if (symlink(target, dst) != 0) {
      if (errno == EEXIST && unlink(dst) == 0 && symlink(target, dst) == 0) return 0;
      warn_("cannot create symbolic link '%s'", dst);
      return -1;
    }
    return 0;
  }
  return copy_data(src, dst, &st, o);
}

int remove_tree(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0) return -1;
  if (!S_ISDIR(st.st_mode)) return unlink(path);
  DIR *d = opendir(path);
  if (!d) return -1;
  struct dirent *e;
  int rc = 0;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    char *p = path_join(path, e->d_name);
    if (remove_tree(p) != 0) rc = -1;
    free(p);
  }
  closedir(d);
  if (rmdir(path) != 0) rc = -1;
  return rc;
}

int is_within(const char *outer, const char *inner) {
  struct stat o, s;
  if (stat(outer, &o) != 0) return 0;
  char *p = xstrdup(inner);
  int found = 0;
  for (;;) {
    if (stat(p, &s) == 0 && s.st_dev == o.st_dev && s.st_ino == o.st_ino) { found = 1; break; }
    size_t old = strlen(p), l = old;
    while (l > 1 && p[l - 1] == '/') l--;
    while (l > 0 && p[l - 1] != '/') l--;
    while (l > 1 && p[l - 1] == '/') l--;
    if (l == 0 || l == old) break;
    p[l] = 0;
  }
  free(p);
  return found;
}
