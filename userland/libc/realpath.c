/*
 * realpath: the absolute path of an existing file with every ".", ".." and
 * symbolic link resolved (wasi-libc has none). A relative path starts from
 * the working directory (wasi-libc's, which cwd.c keeps in step with the
 * kernel's); symlinks are read with readlink, at most 40 of them (ELOOP).
 * Spec: POSIX realpath(3) (resolved NULL: the result is malloc'd).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LINKS 40

char *realpath(const char *restrict path, char *restrict resolved) {
  if (!path) {
    errno = EINVAL;
    return NULL;
  }
  if (!*path) {
    errno = ENOENT;
    return NULL;
  }
  /* `out`: what is resolved so far (no trailing slash but for "/");
     `todo`: what is left, from `rest` on. */
  char out[PATH_MAX], todo[PATH_MAX], link[PATH_MAX];
  size_t len;
  if (strlen(path) >= sizeof todo) {
    errno = ENAMETOOLONG;
    return NULL;
  }
  strcpy(todo, path);
  if (path[0] == '/') {
    strcpy(out, "/");
  } else if (!getcwd(out, sizeof out)) {
    return NULL;
  }
  len = strlen(out);
  int links = 0;
  char *rest = todo;
  while (*rest) {
    while (*rest == '/') rest++;
    if (!*rest) break;
    char *end = strchr(rest, '/');
    size_t n = end ? (size_t)(end - rest) : strlen(rest);
    if (n == 1 && rest[0] == '.') {
      rest += n;
      continue;
    }
    if (n == 2 && rest[0] == '.' && rest[1] == '.') {
      /* out is resolved already, so ".." is its parent. */
      while (len > 1 && out[len - 1] != '/') len--;
      if (len > 1) len--;
      out[len] = 0;
      rest += n;
      continue;
    }
    size_t at = len;
    if (len + (len > 1) + n + 1 > sizeof out) {
      errno = ENAMETOOLONG;
      return NULL;
    }
    if (len > 1) out[len++] = '/';
    memcpy(out + len, rest, n);
    len += n;
    out[len] = 0;
    rest += n;
    struct stat st;
    if (lstat(out, &st) != 0) return NULL;
    if (S_ISLNK(st.st_mode)) {
      if (++links > MAX_LINKS) {
        errno = ELOOP;
        return NULL;
      }
      ssize_t t = readlink(out, link, sizeof link - 1);
      if (t < 0) return NULL;
      link[t] = 0;
      /* The link's target, then what was left after it. */
      size_t left = strlen(rest);
      if ((size_t)t + left + 1 > sizeof todo) {
        errno = ENAMETOOLONG;
        return NULL;
      }
      memmove(todo + t, rest, left + 1);
      memcpy(todo, link, (size_t)t);
      rest = todo;
      len = link[0] == '/' ? 1 : at;
      out[len] = 0;
      continue;
    }
    /* Anything followed by a slash must be a directory. */
    if (*rest == '/' && !S_ISDIR(st.st_mode)) {
      errno = ENOTDIR;
      return NULL;
    }
  }
  if (!resolved) return strdup(out);
  strcpy(resolved, out);
  return resolved;
}
