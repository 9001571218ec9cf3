/*
 * Pattern matching (case, ${x%pat}, globbing) and pathname expansion.
 *
 * Patterns arrive with quoted characters escaped by a backslash (expand.c
 * does that), so one matcher serves every use. Pathname expansion walks one
 * directory level per pattern component; results are sorted bytewise
 * (the C locale's collation) with a small merge sort — no qsort callback.
 * Spec: POSIX XCU 2.13 Pattern Matching Notation.
 */
#include <ctype.h>
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>

#include "sh.h"

static int class_match(const char *name, size_t n, int c) {
#define CL(s, expr) \
  if (n == sizeof(s) - 1 && memcmp(name, s, n) == 0) return (expr)
  CL("alpha", isalpha(c));
  CL("digit", isdigit(c));
  CL("alnum", isalnum(c));
  CL("upper", isupper(c));
  CL("lower", islower(c));
  CL("space", isspace(c));
  CL("blank", c == ' ' || c == '\t');
  CL("punct", ispunct(c));
  CL("print", isprint(c));
  CL("graph", isgraph(c));
  CL("cntrl", iscntrl(c));
  CL("xdigit", isxdigit(c));
#undef CL
  return 0;
}

/* A bracket expression at p (just after '['): 1/0 = matched or not, *end set
 * past the ']'; -1 if it is not a valid bracket expression ('[' is literal). */
static int bracket(const char *p, int c, const char **end) {
  int neg = 0, matched = 0;
  if (*p == '!' || *p == '^') {
    neg = 1;
    p++;
  }
  const char *start = p;
  while (*p && (*p != ']' || p == start)) {
    int lo;
    if (p[0] == '[' && p[1] == ':') {
      const char *q = strstr(p + 2, ":]");
      if (!q) return -1;
      if (class_match(p + 2, (size_t)(q - p - 2), c)) matched = 1;
      p = q + 2;
      continue;
    }
    if (*p == '\\' && p[1]) p++;
    lo = (unsigned char)*p++;
    if (p[0] == '-' && p[1] && p[1] != ']') {
      p++;
      if (*p == '\\' && p[1]) p++;
      int hi = (unsigned char)*p++;
      if (c >= lo && c <= hi) matched = 1;
    } else if (c == lo) {
      matched = 1;
    }
  }
  if (*p != ']') return -1;
  *end = p + 1;
  return matched != neg;
}

int pmatch(const char *p, const char *s) {
  const char *star_p = NULL, *star_s = NULL;
  for (;;) {
    int c = (unsigned char)*p;
    if (c == '*') {
      while (*p == '*') p++;
      if (!*p) return 1;
      star_p = p;
      star_s = s;
      continue;
    }
    if (c == 0) {
      if (!*s) return 1;
      goto backtrack;
    }
    if (!*s) return 0;
    if (c == '?') {
      p++;
      s++;
      continue;
    }
    if (c == '[') {
      const char *end;
      int m = bracket(p + 1, (unsigned char)*s, &end);
      if (m < 0) {
        if (*s != '[') goto backtrack;
        p++;
        s++;
        continue;
      }
      if (!m) goto backtrack;
      p = end;
      s++;
      continue;
    }
    if (c == '\\' && p[1]) {
      p++;
      c = (unsigned char)*p;
    }
    if ((unsigned char)*s != c) goto backtrack;
    p++;
    s++;
    continue;
  backtrack:
    if (!star_p || !*star_s) return 0;
    p = star_p;
    s = ++star_s;
  }
}

int has_glob_chars(const char *p) {
  for (; *p; p++) {
    if (*p == '\\' && p[1]) {
      p++;
      continue;
    }
    if (*p == '*' || *p == '?' || *p == '[') return 1;
  }
  return 0;
}

char *unescape_pattern(const char *p) {
  char *r = stalloc(strlen(p) + 1), *q = r;
  for (; *p; p++) {
    if (*p == '\\' && p[1]) p++;
    *q++ = *p;
  }
  *q = 0;
  return r;
}

static void merge_sort(char **v, char **tmp, int n) {
  if (n < 2) return;
  int h = n / 2;
  merge_sort(v, tmp, h);
  merge_sort(v + h, tmp, n - h);
  int i = 0, j = h, k = 0;
  while (i < h && j < n) tmp[k++] = strcmp(v[i], v[j]) <= 0 ? v[i++] : v[j++];
  while (i < h) tmp[k++] = v[i++];
  while (j < n) tmp[k++] = v[j++];
  memcpy(v, tmp, sizeof *v * (size_t)n);
}

/* Expand `rest` (pattern components) under the directory `dir` (prefix text, "" or ending in '/'). */
static void glob_walk(const char *dir, const char *rest, struct strlist *out) {
  const char *slash = strchr(rest, '/');
  size_t clen = slash ? (size_t)(slash - rest) : strlen(rest);
  char *comp = ststrndup(rest, clen);
  const char *next = slash ? slash + 1 : NULL;
  while (next && *next == '/') next++;
  if (!has_glob_chars(comp)) {
    char *path = stalloc(strlen(dir) + clen + 2);
    strcpy(path, dir);
    strcat(path, unescape_pattern(comp));
    if (!next) {
      struct stat st;
      if (lstat(path, &st) == 0) sl_add(out, path);
      return;
    }
    strcat(path, "/");
    glob_walk(path, next, out);
    return;
  }
  DIR *d = opendir(*dir ? dir : ".");
  if (!d) return;
  struct strlist names = {0};
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.' && comp[0] != '.' && !(comp[0] == '\\' && comp[1] == '.')) continue;
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
      if (comp[0] != '.') continue;
    }
    if (pmatch(comp, e->d_name)) sl_add(&names, ststrdup(e->d_name));
  }
  closedir(d);
  if (names.n > 1) {
    char **tmp = stalloc(sizeof *tmp * (size_t)names.n);
    merge_sort(names.v, tmp, names.n);
  }
  for (int i = 0; i < names.n; i++) {
    size_t dl = strlen(dir), nl = strlen(names.v[i]);
    char *path = stalloc(dl + nl + 2);
    memcpy(path, dir, dl);
    memcpy(path + dl, names.v[i], nl + 1);
    if (!next) {
      sl_add(out, path);
      continue;
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) continue;
    path[dl + nl] = '/';
    path[dl + nl + 1] = 0;
    if (!*next) sl_add(out, path);
    else glob_walk(path, next, out);
  }
}

void glob_expand(const char *pattern, struct strlist *out) {
  if (pattern[0] == '/') {
    const char *p = pattern;
    while (*p == '/') p++;
    glob_walk("/", p, out);
  } else {
    glob_walk("", pattern, out);
  }
}
