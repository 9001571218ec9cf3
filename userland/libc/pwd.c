/*
 * The user and group databases, read from /etc/passwd and /etc/group (the
 * root image's: userland/rootfs/etc). Lines are
 *   NAME:PASSWORD:UID:GID:GECOS:HOME:SHELL    and    NAME:PASSWORD:GID:MEMBER,MEMBER...
 * and lines that are not are skipped. The _r functions put the strings in
 * the caller's buffer (ERANGE when it is too small; 0 with *result NULL when
 * there is no such entry); the others in a buffer of their own, which the
 * next call reuses. A missing file is an empty database.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PASSWD_FILE "/etc/passwd"
#define GROUP_FILE "/etc/group"

/* Split s in place at ':' into f; the number of fields (n + 1 if there are more than n). */
static int split(char *s, char **f, int n) {
  int k = 0;
  f[k++] = s;
  for (; *s; s++) {
    if (*s != ':') continue;
    if (k == n) return n + 1;
    *s = 0;
    f[k++] = s + 1;
  }
  return k;
}

static int id_of(const char *s, unsigned *out) {
  if (*s < '0' || *s > '9') return -1;
  char *end;
  unsigned long long v = strtoull(s, &end, 10);
  if (*end || v > UINT32_MAX) return -1;
  *out = (unsigned)v;
  return 0;
}

/* One parsed line: its fields (pointing into the line) and numbers. */
struct record {
  char *f[7];
  unsigned id, gid;
};

/* The next well-formed line of fp with `nf` fields (7: passwd, 4: group); 0 at the end. */
static int next_record(FILE *fp, int nf, char **line, size_t *cap, struct record *r) {
  ssize_t n;
  while ((n = getline(line, cap, fp)) >= 0) {
    if (n > 0 && (*line)[n - 1] == '\n') (*line)[--n] = 0;
    if (split(*line, r->f, nf) != nf) continue;
    if (id_of(r->f[2], &r->id) != 0) continue;
    if (nf == 7 && id_of(r->f[3], &r->gid) != 0) continue;
    return 1;
  }
  return 0;
}

/* Copy a string into the buffer at *p; the copy. */
static char *put(char **p, const char *s) {
  size_t l = strlen(s) + 1;
  char *d = *p;
  memcpy(d, s, l);
  *p += l;
  return d;
}

static int fill_passwd(const struct record *r, struct passwd *pw, char *buf, size_t len) {
  static const int str[] = {0, 1, 4, 5, 6};
  size_t need = 0;
  for (size_t i = 0; i < sizeof str / sizeof *str; i++) need += strlen(r->f[str[i]]) + 1;
  if (need > len) return ERANGE;
  char *p = buf;
  pw->pw_name = put(&p, r->f[0]);
  pw->pw_passwd = put(&p, r->f[1]);
  pw->pw_uid = r->id;
  pw->pw_gid = r->gid;
  pw->pw_gecos = put(&p, r->f[4]);
  pw->pw_dir = put(&p, r->f[5]);
  pw->pw_shell = put(&p, r->f[6]);
  return 0;
}

/* The member list goes first (pointer-aligned), then the strings. */
static int fill_group(const struct record *r, struct group *gr, char *buf, size_t len) {
  const char *members = r->f[3];
  size_t n = 0;
  if (*members) {
    n = 1;
    for (const char *c = members; *c; c++) n += *c == ',';
  }
  uintptr_t at = ((uintptr_t)buf + sizeof(char *) - 1) & ~(uintptr_t)(sizeof(char *) - 1);
  size_t need = (size_t)(at - (uintptr_t)buf) + (n + 1) * sizeof(char *) + strlen(r->f[0]) + 1 + strlen(r->f[1]) + 1 + strlen(members) + 1;
  if (need > len) return ERANGE;
  char **mem = (char **)at;
  char *p = (char *)(mem + n + 1);
  gr->gr_name = put(&p, r->f[0]);
  gr->gr_passwd = put(&p, r->f[1]);
  gr->gr_gid = r->id;
  char *m = put(&p, members);
  size_t k = 0;
  if (n) {
    mem[k++] = m;
    for (; *m; m++) {
      if (*m == ',') {
        *m = 0;
        mem[k++] = m + 1;
      }
    }
  }
  mem[k] = NULL;
  gr->gr_mem = mem;
  return 0;
}

static FILE *open_db(const char *path) {
  FILE *fp = fopen(path, "r");
  if (fp) fcntl(fileno(fp), F_SETFD, FD_CLOEXEC);
  return fp;
}

/* Find the entry named `name` (or, name NULL, numbered `id`) and fill `out` through `fill`. */
static int lookup(const char *path, int nf, const char *name, unsigned id, void *out, char *buf, size_t len, void **result,
                  int (*fill)(const struct record *, void *, char *, size_t)) {
  *result = NULL;
  FILE *fp = open_db(path);
  if (!fp) return errno == ENOENT ? 0 : errno;
  char *line = NULL;
  size_t cap = 0;
  struct record r;
  int e = 0;
  while (next_record(fp, nf, &line, &cap, &r)) {
    if (name ? strcmp(r.f[0], name) != 0 : r.id != id) continue;
    e = fill(&r, out, buf, len);
    if (e == 0) *result = out;
    break;
  }
  free(line);
  fclose(fp);
  return e;
}

static int fill_passwd_v(const struct record *r, void *out, char *buf, size_t len) {
  return fill_passwd(r, out, buf, len);
}
static int fill_group_v(const struct record *r, void *out, char *buf, size_t len) {
  return fill_group(r, out, buf, len);
}

/* The _r functions: *result is set either way. */
#define REENTRANT(call, result)    \
  do {                             \
    void *found;                   \
    int e = call;                  \
    *(result) = found;             \
    return e;                      \
  } while (0)

int getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t len, struct passwd **result) {
  REENTRANT(lookup(PASSWD_FILE, 7, name, 0, pw, buf, len, &found, fill_passwd_v), result);
}
int getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t len, struct passwd **result) {
  REENTRANT(lookup(PASSWD_FILE, 7, NULL, uid, pw, buf, len, &found, fill_passwd_v), result);
}
int getgrnam_r(const char *name, struct group *gr, char *buf, size_t len, struct group **result) {
  REENTRANT(lookup(GROUP_FILE, 4, name, 0, gr, buf, len, &found, fill_group_v), result);
}
int getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t len, struct group **result) {
  REENTRANT(lookup(GROUP_FILE, 4, NULL, gid, gr, buf, len, &found, fill_group_v), result);
}

/* ---- the non-reentrant ones: one buffer each, grown until the entry fits ---- */

struct store {
  char *buf;
  size_t len;
};

static int grow(struct store *s) {
  size_t n = s->len ? s->len * 2 : 512;
  char *b = realloc(s->buf, n);
  if (!b) return ENOMEM;
  s->buf = b;
  s->len = n;
  return 0;
}

static struct passwd pw_static;
static struct group gr_static;
static struct store pw_store, gr_store;

static void *lookup_static(const char *path, int nf, const char *name, unsigned id, void *out, struct store *s,
                           int (*fill)(const struct record *, void *, char *, size_t)) {
  for (;;) {
    void *result = NULL;
    int e = s->buf ? lookup(path, nf, name, id, out, s->buf, s->len, &result, fill) : ERANGE;
    if (e == ERANGE) e = grow(s);
    else if (e == 0) return result;
    if (e) {
      errno = e;
      return NULL;
    }
  }
}

struct passwd *getpwnam(const char *name) {
  return lookup_static(PASSWD_FILE, 7, name, 0, &pw_static, &pw_store, fill_passwd_v);
}
struct passwd *getpwuid(uid_t uid) {
  return lookup_static(PASSWD_FILE, 7, NULL, uid, &pw_static, &pw_store, fill_passwd_v);
}
struct group *getgrnam(const char *name) {
  return lookup_static(GROUP_FILE, 4, name, 0, &gr_static, &gr_store, fill_group_v);
}
struct group *getgrgid(gid_t gid) {
  return lookup_static(GROUP_FILE, 4, NULL, gid, &gr_static, &gr_store, fill_group_v);
}

/* ---- walking the whole database ---------------------------------------------- */

struct walk {
  FILE *fp;
  char *line;
  size_t cap;
};

static void *next_static(struct walk *w, const char *path, int nf, void *out, struct store *s,
                         int (*fill)(const struct record *, void *, char *, size_t)) {
  if (!w->fp && !(w->fp = open_db(path))) return NULL;
  struct record r;
  if (!next_record(w->fp, nf, &w->line, &w->cap, &r)) return NULL;
  for (;;) {
    int e = s->buf ? fill(&r, out, s->buf, s->len) : ERANGE;
    if (e == 0) return out;
    if ((e = grow(s)) != 0) {
      errno = e;
      return NULL;
    }
  }
}

static void end_walk(struct walk *w) {
  if (w->fp) fclose(w->fp);
  w->fp = NULL;
}

static struct walk pw_walk, gr_walk;

struct passwd *getpwent(void) {
  return next_static(&pw_walk, PASSWD_FILE, 7, &pw_static, &pw_store, fill_passwd_v);
}
void setpwent(void) {
  if (pw_walk.fp) rewind(pw_walk.fp);
}
void endpwent(void) {
  end_walk(&pw_walk);
}
struct group *getgrent(void) {
  return next_static(&gr_walk, GROUP_FILE, 4, &gr_static, &gr_store, fill_group_v);
}
void setgrent(void) {
  if (gr_walk.fp) rewind(gr_walk.fp);
}
void endgrent(void) {
  end_walk(&gr_walk);
}
