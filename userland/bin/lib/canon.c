/* The body of canon.h: canonicalize(), a textual walk from getcwd(). */
#include "canon.h"
#include "util.h"
#include <limits.h>

int canonicalize(const char *path, char *out, int mode) {
  char rest[PATH_MAX * 2];
  char cur[PATH_MAX];
  int links = 0;
  if (path[0] == '/') { strcpy(cur, "/"); snprintf(rest, sizeof rest, "%s", path); }
  else {
    if (!getcwd(cur, sizeof cur)) return -1;
    snprintf(rest, sizeof rest, "%s", path);
  }
  if (!*path) { errno = ENOENT; return -1; }
  char *p = rest;
  while (*p) {
    while (*p == '/') p++;
    if (!*p) break;
    char *e = strchr(p, '/');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    char comp[NAME_MAX + 1];
    if (len > NAME_MAX) { errno = ENAMETOOLONG; return -1; }
    memcpy(comp, p, len);
    comp[len] = 0;
    p += len;
    int last = !*p || strspn(p, "/") == strlen(p);
    if (!strcmp(comp, ".")) continue;
    if (!strcmp(comp, "..")) {
      char *s = strrchr(cur, '/');
      if (s == cur) cur[1] = 0; else if (s) *s = 0;
      continue;
    }
    char next[PATH_MAX];
    if (snprintf(next, sizeof next, "%s%s%s", cur, strcmp(cur, "/") ? "/" : "", comp) >= (int)sizeof next) { errno = ENAMETOOLONG; return -1; }
    struct stat st;
    if (lstat(next, &st) != 0) {
      if (errno != ENOENT) return -1;
      if (mode == CANON_EXISTING || (mode == CANON_ALL_BUT_LAST && !last)) return -1;
      strcpy(cur, next);
      continue;
    }
    if (S_ISLNK(st.st_mode)) {
      if (++links > 40) { errno = ELOOP; return -1; }
      char target[PATH_MAX];
      ssize_t n = readlink(next, target, sizeof target - 1);
      if (n < 0) return -1;
      target[n] = 0;
      char tmp[PATH_MAX * 2];
      snprintf(tmp, sizeof tmp, "%s%s", target, p);
      snprintf(rest, sizeof rest, "%s", tmp);
      p = rest;
      if (target[0] == '/') strcpy(cur, "/");
      continue;
    }
    if (!last && !S_ISDIR(st.st_mode)) { errno = ENOTDIR; return -1; }
    strcpy(cur, next);
  }
  strcpy(out, cur);
  return 0;
}
