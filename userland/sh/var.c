/*
 * Shell variables, function-local scopes and the positional parameters.
 *
 * Variables live in a small hash table; `local` saves the previous state of a
 * name in the innermost function scope, restored when the function returns.
 * Special parameters ($?, $#, $@ …) are not variables: expand.c answers them.
 * Spec: POSIX XCU 2.5 Parameters and Variables, 2.5.3 Shell Variables.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sh.h"

#define NBUCKET 64
static struct var *table[NBUCKET];

struct params posparams;
char *arg0;

static unsigned hash(const char *s) {
  unsigned h = 5381;
  while (*s && *s != '=') h = h * 33 + (unsigned char)*s++;
  return h % NBUCKET;
}

static int name_eq(const char *a, const char *b) {
  while (*a && *a != '=' && *a == *b) a++, b++;
  return (*a == 0 || *a == '=') && (*b == 0 || *b == '=');
}

struct var *var_lookup(const char *name) {
  for (struct var *v = table[hash(name)]; v; v = v->next)
    if (name_eq(v->name, name)) return v;
  return NULL;
}

const char *var_get(const char *name) {
  struct var *v = var_lookup(name);
  return v ? v->value : NULL;
}

int is_name(const char *s) {
  if (!(isalpha((unsigned char)*s) || *s == '_')) return 0;
  for (s++; *s; s++)
    if (!(isalnum((unsigned char)*s) || *s == '_')) return 0;
  return 1;
}

int is_assignment(const char *s) {
  if (!(isalpha((unsigned char)*s) || *s == '_')) return 0;
  for (s++; *s && *s != '='; s++)
    if (!(isalnum((unsigned char)*s) || *s == '_')) return 0;
  return *s == '=';
}

static struct var *var_create(const char *name) {
  struct var *v = xmalloc(sizeof *v);
  size_t n = strcspn(name, "=");
  v->name = xstrndup(name, n);
  v->value = NULL;
  v->flags = 0;
  unsigned h = hash(v->name);
  v->next = table[h];
  table[h] = v;
  return v;
}

void pwd_changed(void);
static void var_hook(struct var *v);

int var_set(const char *name, const char *value, int flags) {
  struct var *v = var_lookup(name);
  if (v && (v->flags & V_READONLY) && value) {
    sh_error("%s: is read only", v->name);
    return -1;
  }
  if (!v) v = var_create(name);
  if (value) {
    char *nv = xstrdup(value);
    free(v->value);
    v->value = nv;
  }
  v->flags |= flags;
  if (opts[O_ALLEXPORT] && value) v->flags |= V_EXPORT;
  var_hook(v);
  return 0;
}

int var_assign(const char *assignment, int flags) {
  const char *eq = strchr(assignment, '=');
  char *name = xstrndup(assignment, (size_t)(eq - assignment));
  int r = var_set(name, eq + 1, flags);
  free(name);
  return r;
}

int var_unset(const char *name) {
  struct var *v = var_lookup(name);
  if (!v) return 0;
  if (v->flags & V_READONLY) {
    sh_error("unset: %s: is read only", name);
    return -1;
  }
  free(v->value);
  v->value = NULL;
  v->flags &= ~V_EXPORT;
  var_hook(v);
  return 0;
}

/* Side effects of special variables. */
static void var_hook(struct var *v) {
  (void)v;
}

void var_import(char **envp) {
  for (char **e = envp; e && *e; e++)
    if (is_assignment(*e)) var_assign(*e, V_EXPORT);
}

char **var_environ(struct strlist *extra) {
  struct strlist l = {0};
  for (int i = 0; i < NBUCKET; i++)
    for (struct var *v = table[i]; v; v = v->next) {
      if (!(v->flags & V_EXPORT) || !v->value) continue;
      int overridden = 0;
      for (int j = 0; extra && j < extra->n; j++)
        if (name_eq(extra->v[j], v->name)) overridden = 1;
      if (overridden) continue;
      size_t n = strlen(v->name), m = strlen(v->value);
      char *s = stalloc(n + m + 2);
      memcpy(s, v->name, n);
      s[n] = '=';
      memcpy(s + n + 1, v->value, m + 1);
      sl_add(&l, s);
    }
  for (int j = 0; extra && j < extra->n; j++) sl_add(&l, extra->v[j]);
  sl_add(&l, NULL);
  return l.v;
}

/* 'text' with each ' as '"'"' (dash's style for set / export -p). */
char *shell_quote(const char *s) {
  struct str b;
  str_init(&b);
  str_addc(&b, '\'');
  for (; *s; s++) {
    if (*s == '\'') str_adds(&b, "'\"'\"'");
    else str_addc(&b, *s);
  }
  str_addc(&b, '\'');
  char *r = ststrdup(b.s);
  str_free(&b);
  return r;
}

static void sort_strings(char **v, int n) {
  for (int i = 1; i < n; i++) {
    char *x = v[i];
    int j = i - 1;
    while (j >= 0 && strcmp(v[j], x) > 0) {
      v[j + 1] = v[j];
      j--;
    }
    v[j + 1] = x;
  }
}

/* set (flags 0): every set variable; export -p / readonly -p: those with the flag. */
void var_list(int fd, int flags, const char *prefix) {
  struct strlist l = {0};
  for (int i = 0; i < NBUCKET; i++)
    for (struct var *v = table[i]; v; v = v->next) {
      if (flags && !(v->flags & flags)) continue;
      if (!flags && !v->value) continue;
      sl_add(&l, v->name);
    }
  sort_strings(l.v, l.n);
  for (int i = 0; i < l.n; i++) {
    struct var *v = var_lookup(l.v[i]);
    if (prefix) out_fmt(fd, "%s ", prefix);
    if (v->value) out_fmt(fd, "%s=%s\n", v->name, shell_quote(v->value));
    else out_fmt(fd, "%s\n", v->name);
  }
}

/* ---- function scopes for `local` ---- */
struct saved {
  struct saved *next;
  char *name;
  char *value;
  int flags;
  int existed;
};
struct scope {
  struct scope *prev;
  struct saved *saved;
};
static struct scope *scopes;

void var_push_scope(void) {
  struct scope *s = xmalloc(sizeof *s);
  s->prev = scopes;
  s->saved = NULL;
  scopes = s;
}

void var_pop_scope(void) {
  struct scope *s = scopes;
  if (!s) return;
  scopes = s->prev;
  while (s->saved) {
    struct saved *sv = s->saved;
    s->saved = sv->next;
    struct var *v = var_lookup(sv->name);
    if (!v) v = var_create(sv->name);
    free(v->value);
    v->value = sv->value;
    v->flags = sv->flags;
    free(sv->name);
    free(sv);
  }
  free(s);
}

int var_in_function(void) { return scopes != NULL; }

void var_local(const char *name) {
  if (!scopes) return;
  char *n = xstrndup(name, strcspn(name, "="));
  for (struct saved *sv = scopes->saved; sv; sv = sv->next)
    if (strcmp(sv->name, n) == 0) {
      free(n);
      return;
    }
  struct saved *sv = xmalloc(sizeof *sv);
  struct var *v = var_lookup(n);
  sv->name = n;
  sv->value = v && v->value ? xstrdup(v->value) : NULL;
  sv->flags = v ? v->flags : 0;
  sv->existed = v != NULL;
  sv->next = scopes->saved;
  scopes->saved = sv;
}

/* ---- positional parameters ---- */
void params_set(int n, char **v) {
  char **nv = xmalloc(sizeof *nv * (size_t)(n + 1));
  for (int i = 0; i < n; i++) nv[i] = xstrdup(v[i]);
  nv[n] = NULL;
  params_free(&posparams);
  posparams.n = n;
  posparams.v = nv;
}

void params_free(struct params *p) {
  for (int i = 0; i < p->n; i++) free(p->v[i]);
  free(p->v);
  p->v = NULL;
  p->n = 0;
}
