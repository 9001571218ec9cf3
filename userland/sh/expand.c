/*
 * Word expansion: tilde, parameters, command substitution, arithmetic,
 * then field splitting, pathname expansion and quote removal.
 *
 * A word's parts are expanded into an xbuf: characters with a flag each —
 * F_Q quoted (never split, never a pattern character), F_X produced by an
 * unquoted expansion (split on IFS), F_BRK a hard field break ("$@"),
 * F_MARK an empty quoted string (keeps an otherwise empty field). Splitting
 * and globbing read those flags; quote removal is simply dropping them.
 * Spec: POSIX XCU 2.6 Word Expansions.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh.h"

enum { F_Q = 1, F_X = 2, F_BRK = 4, F_MARK = 8 };

struct xbuf {
  char *c;
  unsigned char *f;
  size_t n, cap;
  int at_empty; /* "$@" with no parameters was seen */
};

static void xb_add(struct xbuf *b, char c, unsigned char f) {
  if (b->n == b->cap) {
    b->cap = b->cap ? b->cap * 2 : 64;
    b->c = xrealloc(b->c, b->cap);
    b->f = xrealloc(b->f, b->cap);
  }
  b->c[b->n] = c;
  b->f[b->n] = f;
  b->n++;
}

static void xb_adds(struct xbuf *b, const char *s, unsigned char f) {
  while (*s) xb_add(b, *s++, f);
}

static void xb_free(struct xbuf *b) {
  free(b->c);
  free(b->f);
  memset(b, 0, sizeof *b);
}

void sl_add(struct strlist *l, char *s) {
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 8;
    char **nv = stalloc(sizeof *nv * (size_t)l->cap);
    if (l->n) memcpy(nv, l->v, sizeof *nv * (size_t)l->n);
    l->v = nv;
  }
  l->v[l->n++] = s;
}

static const char *ifs(void) {
  const char *s = var_get("IFS");
  return s ? s : " \t\n";
}

static int expand_parts(struct wpart *p, int quoted, struct xbuf *b, int flags);

/* The value of a parameter other than @ and *; NULL if unset. */
static const char *param_value(const char *name, char *num) {
  if (isdigit((unsigned char)name[0])) {
    int i = atoi(name);
    if (i == 0) return arg0;
    return i <= posparams.n ? posparams.v[i - 1] : NULL;
  }
  if (name[1] == 0) {
    switch (name[0]) {
    case '?': snprintf(num, 24, "%d", exitstatus); return num;
    case '$': snprintf(num, 24, "%d", (int)rootpid); return num;
    case '#': snprintf(num, 24, "%d", posparams.n); return num;
    case '!':
      if (lastbgpid <= 0) return NULL;
      snprintf(num, 24, "%d", (int)lastbgpid);
      return num;
    case '-': return option_string();
    }
  }
  const char *v = var_get(name);
  if (!v && strcmp(name, "LINENO") == 0) {
    snprintf(num, 24, "%d", lineno);
    return num;
  }
  return v;
}

/* "$*" joined with the first IFS char; unquoted contexts join with spaces. */
static char *join_params(int quoted) {
  const char *s = ifs();
  struct str b;
  str_init(&b);
  for (int i = 0; i < posparams.n; i++) {
    if (i > 0) {
      if (!quoted) str_addc(&b, ' ');
      else if (*s) str_addc(&b, *s);
    }
    str_adds(&b, posparams.v[i]);
  }
  char *r = ststrdup(b.s ? b.s : "");
  str_free(&b);
  return r;
}

/* Remove the shortest/longest prefix/suffix matching pattern. */
static char *trim(const char *val, const char *pat, int op) {
  size_t n = strlen(val);
  char *tmp = ststrdup(val);
  if (op == PO_LSMALL || op == PO_LLARGE) {
    for (size_t k = 0; k <= n; k++) {
      size_t i = op == PO_LSMALL ? k : n - k;
      char save = tmp[i];
      tmp[i] = 0;
      int m = pmatch(pat, tmp);
      tmp[i] = save;
      if (m) return ststrdup(val + i);
    }
  } else {
    for (size_t k = 0; k <= n; k++) {
      size_t i = op == PO_RSMALL ? n - k : k;
      if (pmatch(pat, val + i)) return ststrndup(val, i);
    }
  }
  return tmp;
}

static int param_error(const char *name, struct wpart *arg, int unset) {
  char *msg = arg ? expand_parts_string(arg, 0) : NULL;
  if (evalskip) return -1;
  if (msg && *msg) sh_error("%s: %s", name, msg);
  else sh_error("%s: %s", name, unset ? "parameter not set" : "parameter not set or null");
  raise_error(2);
  return -1;
}

static void add_value(struct xbuf *b, const char *v, int quoted) {
  xb_adds(b, v, quoted ? F_Q : F_X);
}

static int expand_param(struct wpart *p, int quoted, struct xbuf *b, int flags) {
  const char *name = p->text;
  if (p->op == PO_BAD) {
    sh_error("Bad substitution");
    raise_error(2);
    return -1;
  }
  char num[24];
  int at = strcmp(name, "@") == 0, star = strcmp(name, "*") == 0;
  const char *val;
  int set;
  if (at || star) {
    set = posparams.n > 0;
    val = NULL;
  } else {
    val = param_value(name, num);
    set = val != NULL;
  }
  int empty = at || star ? (posparams.n == 0 || (posparams.n == 1 && !*posparams.v[0])) : !val || !*val;
  int use_default = !set || (p->colon && empty);
  switch (p->op) {
  /* The word of an unquoted ${x-word} is split like any expansion, literal text included. */
  case PO_MINUS:
    if (use_default) return expand_parts(p->child, quoted, b, (flags & ~EXP_TILDE_ASSIGN) | EXP_SPLIT_LIT);
    break;
  case PO_PLUS:
    if (!use_default) return expand_parts(p->child, quoted, b, (flags & ~EXP_TILDE_ASSIGN) | EXP_SPLIT_LIT);
    return 0;
  case PO_EQ:
    if (use_default) {
      char *v = expand_parts_string(p->child, 0);
      if (evalskip) return -1;
      if (!is_name(name)) {
        sh_error("%s: bad variable name", name);
        raise_error(2);
        return -1;
      }
      if (var_set(name, v, 0) < 0) {
        raise_error(2);
        return -1;
      }
      add_value(b, v, quoted);
      return 0;
    }
    break;
  case PO_QMARK:
    if (use_default) return param_error(name, p->child, !p->colon);
    break;
  case PO_LEN: {
    if (!set && opts[O_NOUNSET] && !at && !star) return param_error(name, NULL, 1);
    char n[24];
    snprintf(n, sizeof n, "%zu", at || star ? strlen(join_params(0)) : val ? strlen(val) : 0);
    add_value(b, n, quoted);
    return 0;
  }
  default:
    break;
  }
  if (!set && opts[O_NOUNSET] && !at && !star) return param_error(name, NULL, 1);
  if (p->op >= PO_RSMALL && p->op <= PO_LLARGE) {
    char *pat = stalloc(1);
    *pat = 0;
    {
      struct xbuf pb = {0};
      if (expand_parts(p->child, 0, &pb, 0) < 0) {
        xb_free(&pb);
        return -1;
      }
      struct str s;
      str_init(&s);
      for (size_t i = 0; i < pb.n; i++) {
        if (pb.f[i] & (F_BRK | F_MARK)) continue;
        if ((pb.f[i] & F_Q) && strchr("*?[]\\", pb.c[i])) str_addc(&s, '\\');
        str_addc(&s, pb.c[i]);
      }
      pat = ststrdup(s.s ? s.s : "");
      str_free(&s);
      xb_free(&pb);
    }
    const char *v = at || star ? join_params(quoted) : val ? val : "";
    add_value(b, trim(v, pat, p->op), quoted);
    return 0;
  }
  if (at || (star && !quoted)) {
    if (posparams.n == 0) {
      b->at_empty = 1;
      return 0;
    }
    for (int i = 0; i < posparams.n; i++) {
      if (i > 0) xb_add(b, 0, F_BRK);
      if (quoted) xb_add(b, 0, F_MARK);
      add_value(b, posparams.v[i], quoted);
    }
    return 0;
  }
  if (star) {
    add_value(b, join_params(1), quoted);
    return 0;
  }
  if (val) add_value(b, val, quoted);
  return 0;
}

static const char *home_dir(const char *user) {
  if (*user) return NULL;
  return var_get("HOME");
}

static void expand_lit_assign(const char *t, struct xbuf *b, int last_part) {
  for (size_t i = 0; t[i]; i++) {
    if (t[i] == '~' && (i == 0 ? 0 : (t[i - 1] == ':' || (t[i - 1] == '=' && !memchr(t, '=', i - 1))))) {
      size_t j = i + 1;
      while (t[j] && t[j] != '/' && t[j] != ':') j++;
      if (t[j] || last_part) {
        char *user = ststrndup(t + i + 1, j - i - 1);
        const char *h = home_dir(user);
        if (h) {
          xb_adds(b, h, F_Q);
          i = j - 1;
          continue;
        }
      }
    }
    xb_add(b, t[i], 0);
  }
}

static int expand_parts(struct wpart *p, int quoted, struct xbuf *b, int flags) {
  for (; p; p = p->next) {
    switch (p->type) {
    case WP_LIT:
      if (flags & EXP_TILDE_ASSIGN) expand_lit_assign(p->text, b, p->next == NULL);
      else xb_adds(b, p->text, quoted ? F_Q : (flags & EXP_SPLIT_LIT) ? F_X : 0);
      break;
    case WP_QLIT:
      if (!*p->text) xb_add(b, 0, F_MARK);
      xb_adds(b, p->text, F_Q);
      break;
    case WP_DQ: {
      int saved = b->at_empty;
      b->at_empty = 0;
      size_t start = b->n;
      if (expand_parts(p->child, 1, b, flags & ~(EXP_TILDE_ASSIGN | EXP_SPLIT_LIT)) < 0) return -1;
      if (!(b->at_empty && b->n == start)) xb_add(b, 0, F_MARK);
      b->at_empty = saved;
      break;
    }
    case WP_PARAM:
      if (expand_param(p, quoted, b, flags) < 0) return -1;
      break;
    case WP_CMD: {
      char *out = cmdsubst_output(p->cmd);
      if (evalskip == SKIP_ERROR || evalskip == SKIP_EXIT) {
        free(out);
        return -1;
      }
      size_t n = strlen(out);
      while (n > 0 && out[n - 1] == '\n') n--;
      for (size_t i = 0; i < n; i++) xb_add(b, out[i], quoted ? F_Q : F_X);
      free(out);
      break;
    }
    case WP_ARITH: {
      char *expr = expand_parts_string(p->child, 0);
      if (evalskip) return -1;
      intmax_t v;
      if (arith_eval(expr, &v) < 0) {
        raise_error(2);
        return -1;
      }
      char num[32];
      snprintf(num, sizeof num, "%jd", v);
      add_value(b, num, quoted);
      break;
    }
    case WP_TILDE: {
      const char *h = home_dir(p->text);
      if (h) xb_adds(b, h, F_Q);
      else {
        xb_add(b, '~', 0);
        xb_adds(b, p->text, 0);
      }
      break;
    }
    }
  }
  return 0;
}

/* ---- splitting and globbing ---- */
struct field {
  struct xbuf *b;
  size_t start, end; /* range in b; F_MARK/F_BRK bytes are skipped */
};

static char *field_string(struct xbuf *b, size_t s, size_t e) {
  char *r = stalloc(e - s + 1);
  size_t k = 0;
  for (size_t i = s; i < e; i++)
    if (!(b->f[i] & (F_MARK | F_BRK))) r[k++] = b->c[i];
  r[k] = 0;
  return r;
}

static void add_field(struct xbuf *b, size_t s, size_t e, int glob, struct strlist *out) {
  if (glob && !opts[O_NOGLOB]) {
    /* Worth a directory read only with * ? or a [ that has a ] after it
     * (a lone "[", the test command, matches nothing but itself). */
    int special = 0;
    for (size_t i = s; i < e && !special; i++) {
      if (b->f[i] & (F_Q | F_MARK | F_BRK)) continue;
      if (b->c[i] == '*' || b->c[i] == '?') special = 1;
      else if (b->c[i] == '[')
        for (size_t k = i + 2; k < e; k++)
          if (b->c[k] == ']' && !(b->f[k] & F_Q)) special = 1;
    }
    if (special) {
      struct str pat;
      str_init(&pat);
      for (size_t i = s; i < e; i++) {
        if (b->f[i] & (F_MARK | F_BRK)) continue;
        if ((b->f[i] & F_Q) && strchr("*?[]\\", b->c[i])) str_addc(&pat, '\\');
        str_addc(&pat, b->c[i]);
      }
      int before = out->n;
      glob_expand(pat.s, out);
      str_free(&pat);
      if (out->n > before) return;
    }
  }
  sl_add(out, field_string(b, s, e));
}

static int is_ifs_ws(int c, const char *sep) { return (c == ' ' || c == '\t' || c == '\n') && strchr(sep, c); }

static void split(struct xbuf *b, int glob, struct strlist *out) {
  const char *sep = ifs();
  size_t s = 0, i = 0;
  int valid = 0; /* the current field holds something (a char or a quote mark) */
  while (i < b->n) {
    unsigned char f = b->f[i];
    char c = b->c[i];
    if (f & F_BRK) {
      if (valid) add_field(b, s, i, glob, out);
      i++;
      s = i;
      valid = 0;
      continue;
    }
    if ((f & F_X) && c && *sep && strchr(sep, c)) {
      size_t e = i;
      int hard = 0;
      while (i < b->n && (b->f[i] & F_X) && is_ifs_ws(b->c[i], sep)) i++;
      if (i < b->n && (b->f[i] & F_X) && b->c[i] && strchr(sep, b->c[i]) && !is_ifs_ws(b->c[i], sep)) {
        hard = 1;
        i++;
        while (i < b->n && (b->f[i] & F_X) && is_ifs_ws(b->c[i], sep)) i++;
      }
      if (valid || hard) add_field(b, s, e, glob, out);
      s = i;
      valid = 0;
      continue;
    }
    valid = 1;
    i++;
  }
  if (valid) add_field(b, s, b->n, glob, out);
}

int expand_words(struct word *w, struct strlist *out) {
  for (; w; w = w->next) {
    struct xbuf b = {0};
    if (expand_parts(w->parts, 0, &b, 0) < 0) {
      xb_free(&b);
      return -1;
    }
    split(&b, 1, out);
    xb_free(&b);
  }
  return 0;
}

static char *xb_string(struct xbuf *b, int pattern) {
  struct str s;
  str_init(&s);
  const char *sep = ifs();
  for (size_t i = 0; i < b->n; i++) {
    if (b->f[i] & F_MARK) continue;
    if (b->f[i] & F_BRK) {
      /* $@ and $* where no splitting happens (x=$*): joined by IFS's first char. */
      if (*sep) str_addc(&s, *sep);
      continue;
    }
    if (pattern && (b->f[i] & F_Q) && strchr("*?[]\\", b->c[i])) str_addc(&s, '\\');
    str_addc(&s, b->c[i]);
  }
  char *r = ststrdup(s.s ? s.s : "");
  str_free(&s);
  return r;
}

char *expand_parts_string(struct wpart *p, int flags) {
  struct xbuf b = {0};
  if (expand_parts(p, (flags & EXP_HEREDOC) ? 1 : 0, &b, flags) < 0) {
    xb_free(&b);
    return ststrdup("");
  }
  char *r = xb_string(&b, flags & EXP_PATTERN);
  xb_free(&b);
  return r;
}

char *expand_string(struct word *w, int flags) { return expand_parts_string(w->parts, flags); }

char *expand_pattern(struct word *w) { return expand_parts_string(w->parts, EXP_PATTERN); }
