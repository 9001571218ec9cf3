/*
 * sed: stream editor.
 * Options: -n (no autoprint), -e SCRIPT, -f FILE, -E/-r (extended regular
 * expressions), -i[SUFFIX] (edit files in place), -s (separate files), -z (NUL lines).
 * Commands: { } = a b c d D g G h H i l n N p P q Q r s t T w x y z : #.
 * Addresses: N, $, /RE/ and \cREc (flag I), FIRST~STEP, ADDR1,ADDR2,
 * ADDR1,+N, ADDR1,~N, 0,/RE/, and ! to negate. s flags: g p N i/I w FILE;
 * the replacement takes & \1..\9 \n and escaped newlines. a/i/c take GNU's
 * one-line form ("a text") and the POSIX form ("a\" NEWLINE text).
 * The script is parsed once into a flat array; '{' stores the index of its
 * '}' so a false address skips the block; branches store their target.
 * Spec: POSIX sed; GNU sed for the extensions and messages.
 */
#include "lib/util.h"
#include "lib/regerr.h"
#include <ctype.h>
#include <regex.h>

enum { A_NONE, A_LINE, A_LAST, A_RE, A_STEP, A_PLUS, A_MULT, A_ZERO };

struct addr {
  int kind;
  long n, step;
  regex_t *re;       /* NULL with A_RE: the last regex used */
};

struct cmd {
  struct addr a1, a2;
  int neg;
  char name;
  int in_range;      /* range state */
  int range_done;    /* a range whose first address is a line number has started */
  long range_end;    /* A_LINE/A_PLUS/A_MULT end line once started */
  /* arguments */
  char *text;        /* a i c: text; b t T ':' : label; r w: file name */
  long jump;         /* '{': index of matching '}'; b t T: target (-1: end) */
  regex_t *re;       /* s: regex (NULL: last used) */
  char *repl;        /* s: replacement */
  int global, print, nth, eval;
  FILE *wfile;       /* s///w, w */
  unsigned char ymap[256];
  int exit_code;     /* q Q */
};

static struct cmd *cmds;
static long ncmds;
static int opt_n, opt_E, opt_s, opt_i, opt_z;
static const char *in_place_suffix = "";
static regex_t *last_re;
static char *script;
static size_t pos;          /* parse position in script */
static int expr_no = 1;

/* ---------- parsing ---------- */

static void parse_error(const char *fmt, ...) {
  va_list ap;
  fflush(stdout);
  fprintf(stderr, "sed: -e expression #%d, char %zu: ", expr_no, pos);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(1);
}

static int peek(void) { return (unsigned char)script[pos]; }
static int next(void) { return script[pos] ? (unsigned char)script[pos++] : 0; }
static void skip_ws(void) { while (script[pos] == ' ' || script[pos] == '\t') pos++; }

/* Read up to an unescaped delimiter; convert \n and \delim. For regexes
 * (is_re) other escapes are kept for regcomp, and brackets are skipped. */
static char *read_delimited(int delim, int is_re) {
  size_t cap = 64, n = 0;
  char *out = xmalloc(cap);
  for (;;) {
    int c = next();
    if (!c) return free(out), NULL;
    if (n + 4 >= cap) out = xrealloc(out, cap *= 2);
    if (c == delim) break;
    if (c == '\\') {
      int d = next();
      if (!d) return free(out), NULL;
      if (d == delim) out[n++] = (char)d;
      else if (d == 'n') out[n++] = '\n';
      else if (d == 't' && is_re) out[n++] = '\t';
      else if (d == '\n') out[n++] = '\n';
      else { out[n++] = '\\'; out[n++] = (char)d; }
      continue;
    }
    if (c == '[' && is_re) {
      /* copy a bracket expression whole: the delimiter is literal inside */
      out[n++] = '[';
      if (peek() == '^') out[n++] = (char)next();
      if (peek() == ']') out[n++] = (char)next();
      while (peek() && peek() != ']') {
        if (n + 4 >= cap) out = xrealloc(out, cap *= 2);
        if (peek() == '[' && (script[pos + 1] == ':' || script[pos + 1] == '.' || script[pos + 1] == '=')) {
          char kind = script[pos + 1];
          out[n++] = (char)next();
          out[n++] = (char)next();
          while (peek() && !(peek() == kind && script[pos + 1] == ']')) {
            if (n + 4 >= cap) out = xrealloc(out, cap *= 2);
            out[n++] = (char)next();
          }
          if (peek()) { out[n++] = (char)next(); out[n++] = (char)next(); }
          continue;
        }
        out[n++] = (char)next();
      }
      if (!peek()) return free(out), NULL;
      continue;
    }
    out[n++] = (char)c;
  }
  out[n] = 0;
  return out;
}

static regex_t *compile_re(const char *pat, int icase) {
  if (!*pat) return NULL;   /* empty: the last regex used */
  regex_t *re = xmalloc(sizeof *re);
  int rc = regcomp(re, pat, (opt_E ? REG_EXTENDED : 0) | (icase ? REG_ICASE : 0));
  if (rc) {
    char buf[128];
    parse_error("%s", regerr_gnu(rc, re, buf, sizeof buf));
  }
  return re;
}

static long read_number(void) {
  long v = 0;
  while (isdigit(peek())) v = v * 10 + (next() - '0');
  return v;
}

static int parse_addr(struct addr *a) {
  int c = peek();
  if (isdigit(c)) {
    a->n = read_number();
    a->kind = A_LINE;
    if (peek() == '~') { next(); a->step = read_number(); a->kind = A_STEP; }
    return 1;
  }
  if (c == '$') { next(); a->kind = A_LAST; return 1; }
  if (c == '/' || c == '\\') {
    next();
    int delim = c == '/' ? '/' : next();
    char *p = read_delimited(delim, 1);
    if (!p) parse_error("unterminated address regex");
    int icase = 0;
    while (peek() == 'I' || peek() == 'M') { if (next() == 'I') icase = 1; }
    a->re = compile_re(p, icase);
    a->kind = A_RE;
    free(p);
    return 1;
  }
  return 0;
}

/* Text of a/i/c: one-liner or after "\" NEWLINE; backslashes escape. */
static char *read_text(void) {
  skip_ws();
  if (peek() == '\\') {
    next();
    size_t save = pos;
    skip_ws();
    if (peek() == '\n') next();
    else pos = save;   /* "a\  text": GNU keeps the leading blanks */
  }
  size_t cap = 64, n = 0;
  char *out = xmalloc(cap);
  for (;;) {
    int c = next();
    if (!c) break;
    if (n + 2 >= cap) out = xrealloc(out, cap *= 2);
    if (c == '\\') {
      c = next();
      if (!c) break;
      out[n++] = (char)c;
      continue;
    }
    if (c == '\n') break;
    out[n++] = (char)c;
  }
  out[n] = 0;
  return out;
}

/* Label or file name: to end of line (labels also stop at ';'). */
static char *read_word(int stop_at_semicolon) {
  skip_ws();
  size_t start = pos;
  while (peek() && peek() != '\n' && !(stop_at_semicolon && peek() == ';')) pos++;
  size_t end = pos;
  while (end > start && (script[end - 1] == ' ' || script[end - 1] == '\t')) end--;
  return strndup(script + start, end - start);
}

static FILE *open_w(const char *name) {
  if (strcmp(name, "/dev/stdout") == 0) return stdout;
  if (strcmp(name, "/dev/stderr") == 0) return stderr;
  FILE *f = fopen(name, "w");
  if (!f) die_(4, "couldn't open file %s", name);
  return f;
}

static void parse_s(struct cmd *c) {
  int delim = next();
  if (!delim || delim == '\n' || delim == '\\') parse_error("unterminated `s' command");
  char *pat = read_delimited(delim, 1);
  if (!pat) parse_error("unterminated `s' command");
  /* the replacement: keep escapes for apply time, except \delim and \n */
  size_t cap = 64, n = 0;
  char *r = xmalloc(cap);
  for (;;) {
    int ch = next();
    if (!ch) parse_error("unterminated `s' command");
    if (n + 4 >= cap) r = xrealloc(r, cap *= 2);
    if (ch == delim) break;
    if (ch == '\\') {
      int d = next();
      if (!d) parse_error("unterminated `s' command");
      if (d == delim && d != '&') r[n++] = (char)d;
      else if (d == 'n') r[n++] = '\n';
      else if (d == 't') r[n++] = '\t';
      else if (d == '\n') r[n++] = '\n';
      else { r[n++] = '\\'; r[n++] = (char)d; }
      continue;
    }
    r[n++] = (char)ch;
  }
  r[n] = 0;
  c->repl = r;
  int icase = 0;
  for (;;) {
    int f = peek();
    if (f == 'g') { next(); c->global = 1; }
    else if (f == 'p') { next(); c->print++; }
    else if (f == 'i' || f == 'I') { next(); icase = 1; }
    else if (f == 'm' || f == 'M') next();
    else if (f == 'e') { next(); c->eval = 1; }
    else if (isdigit(f)) {
      c->nth = (int)read_number();
      if (c->nth == 0) parse_error("number option to `s' command may not be zero");
    } else if (f == 'w') {
      next();
      char *name = read_word(0);
      c->wfile = open_w(name);
      free(name);
      break;
    } else break;
  }
  c->re = compile_re(pat, icase);
  /* \N beyond the regex's groups is an error */
  size_t groups = c->re ? c->re->re_nsub : (last_re ? last_re->re_nsub : 9);
  for (const char *p = r; *p; p++) {
    if (*p == '\\' && p[1]) {
      if (isdigit((unsigned char)p[1]) && (size_t)(p[1] - '0') > groups && c->re)
        parse_error("invalid reference \\%c on `s' command's RHS", p[1]);
      p++;
    }
  }
  if (c->re) last_re = c->re;
  free(pat);
}

/* Undo the "\\" escapes read_delimited keeps (y has no regex syntax). */
static void unescape_backslashes(char *s) {
  char *w = s;
  for (char *p = s; *p; p++) {
    if (*p == '\\' && p[1] == '\\') p++;
    *w++ = *p;
  }
  *w = 0;
}

static void parse_y(struct cmd *c) {
  int delim = next();
  char *a = read_delimited(delim, 0), *b = a ? read_delimited(delim, 0) : NULL;
  if (!a || !b) parse_error("unterminated `y' command");
  unescape_backslashes(a);
  unescape_backslashes(b);
  if (strlen(a) != strlen(b)) parse_error("strings for `y' command are different lengths");
  for (int i = 0; i < 256; i++) c->ymap[i] = (unsigned char)i;
  for (size_t i = 0; a[i]; i++) c->ymap[(unsigned char)a[i]] = (unsigned char)b[i];
  free(a);
  free(b);
}

/* After a command: spaces, then ';', '}', '#', newline or the end. */
static void end_of_cmd(void) {
  skip_ws();
  int c = peek();
  if (c == ';' || c == '\n') { next(); return; }
  if (c == '}' || c == '#' || c == 0) return;
  next();
  parse_error("extra characters after command");
}

static void parse_script(void) {
  long stack[256];
  int depth = 0;
  for (;;) {
    while (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == ';') next();
    if (!peek()) break;
    if (peek() == '#') { while (peek() && peek() != '\n') next(); continue; }
    cmds = xrealloc(cmds, sizeof *cmds * (size_t)(ncmds + 1));
    struct cmd *c = &cmds[ncmds];
    memset(c, 0, sizeof *c);
    c->jump = -1;
    if (parse_addr(&c->a1)) {
      skip_ws();
      if (peek() == ',') {
        next();
        skip_ws();
        if (peek() == '+' || peek() == '~') {
          c->a2.kind = next() == '+' ? A_PLUS : A_MULT;
          c->a2.n = read_number();
        } else if (!parse_addr(&c->a2)) {
          parse_error("unexpected `,'");
        }
        if (c->a1.kind == A_LINE && c->a1.n == 0) {
          if (c->a2.kind != A_RE) parse_error("invalid usage of line address 0");
          c->a1.kind = A_ZERO;
        }
      } else if (c->a1.kind == A_LINE && c->a1.n == 0) {
        parse_error("invalid usage of line address 0");
      }
    }
    skip_ws();
    while (peek() == '!') { next(); c->neg = 1; skip_ws(); }
    int name = next();
    c->name = (char)name;
    ncmds++;
    switch (name) {
    case '{':
      if (depth == 256) parse_error("too many {");
      stack[depth++] = ncmds - 1;
      continue;
    case '}':
      if (!depth) parse_error("unexpected `}'");
      if (c->a1.kind) parse_error("} doesn't want any addresses");
      cmds[stack[--depth]].jump = ncmds - 1;
      end_of_cmd();
      continue;
    case 'a': case 'i': case 'c':
      c->text = read_text();
      continue;
    case ':':
      if (c->a1.kind) parse_error(": doesn't want any addresses");
      c->text = read_word(1);
      if (!*c->text) parse_error("\":\" lacks a label");
      if (peek() == ';') next();
      continue;
    case 'b': case 't': case 'T':
      c->text = read_word(1);
      if (peek() == ';') next();
      continue;
    case 'r': case 'R': case 'w': case 'W':
      c->text = read_word(0);
      if (name == 'w' || name == 'W') c->wfile = open_w(c->text);
      continue;
    case 's': parse_s(c); end_of_cmd(); continue;
    case 'y': parse_y(c); end_of_cmd(); continue;
    case 'q': case 'Q': case 'l': case 'L':
      skip_ws();
      c->exit_code = (int)read_number();
      end_of_cmd();
      continue;
    case '=': case 'd': case 'D': case 'g': case 'G': case 'h': case 'H': case 'n': case 'N':
    case 'p': case 'P': case 'x': case 'z': case 'F':
      end_of_cmd();
      continue;
    case 0:
      parse_error("missing command");
      break;
    default:
      parse_error("unknown command: `%c'", name);
    }
  }
  if (depth) { pos = 0; parse_error("unmatched `{'"); }
  /* resolve branch targets */
  for (long i = 0; i < ncmds; i++) {
    struct cmd *c = &cmds[i];
    if (!strchr("btT", c->name) || !*c->text) continue;
    long j;
    for (j = 0; j < ncmds; j++) if (cmds[j].name == ':' && strcmp(cmds[j].text, c->text) == 0) break;
    if (j == ncmds) diex_(4, "can't find label for jump to `%s'", c->text);
    c->jump = j;
  }
}

/* ---------- input ---------- */

static char **files;
static int nfiles, file_idx = -1;
static FILE *in;
static const char *in_name;
static int status;
static char *la;             /* lookahead line */
static size_t la_cap;
static ssize_t la_len = -1;  /* -1: none buffered */
static int la_nl;
static long lineno;

/* in-place editing */
static FILE *out;
static char *tmp_name;
static int missing_nl;       /* the last line written to out had no newline */

static void finish_in_place(void) {
  if (!opt_i || !tmp_name) return;
  fclose(out);
  if (*in_place_suffix) {
    char *bak = xmalloc(strlen(in_name) + strlen(in_place_suffix) + 1);
    strcpy(bak, in_name);
    strcat(bak, in_place_suffix);
    if (rename(in_name, bak) != 0) warn_("cannot rename %s", in_name);
    free(bak);
  }
  if (rename(tmp_name, in_name) != 0) warn_("cannot rename %s", tmp_name);
  free(tmp_name);
  tmp_name = NULL;
  out = stdout;
}

/* Open the next readable file; 0 when there is none. */
static int open_next_file(void) {
  for (;;) {
    if (in && in != stdin) fclose(in);
    in = NULL;
    finish_in_place();
    if (++file_idx >= nfiles) return 0;
    in_name = files[file_idx];
    if (strcmp(in_name, "-") == 0 && !opt_i) { in = stdin; return 1; }
    in = fopen(in_name, "r");
    if (!in) { warn_("can't read %s", in_name); status = 2; continue; }
    if (opt_i) {
      struct stat st;
      if (fstat(fileno(in), &st) == 0 && !S_ISREG(st.st_mode)) {
        warnx_("couldn't edit %s: not a regular file", in_name);
        status = 4;
        continue;
      }
      size_t n = strlen(in_name);
      tmp_name = xmalloc(n + 16);
      const char *slash = strrchr(in_name, '/');
      size_t dirlen = slash ? (size_t)(slash - in_name + 1) : 0;
      for (int k = 0;; k++) {
        snprintf(tmp_name, n + 16, "%.*ssed%06d", (int)dirlen, in_name, k);
        int fd = open(tmp_name, O_WRONLY | O_CREAT | O_EXCL, 0666);
        if (fd >= 0) { out = fdopen(fd, "w"); break; }
        if (errno != EEXIST || k > 999) die_(4, "couldn't open temporary file %s", tmp_name);
      }
      missing_nl = 0;
    }
    if (opt_s || opt_i) lineno = 0;
    return 1;
  }
}

/* Fill the lookahead from the current file (and later ones unless -s/-i). */
static void fill_lookahead(int cross_files) {
  if (la_len >= 0) return;
  for (;;) {
    if (!in) {
      if (!cross_files && file_idx >= 0) return;
      if (!open_next_file()) return;
    }
    ssize_t n = getdelim(&la, &la_cap, opt_z ? 0 : '\n', in);
    if (n > 0) {
      la_nl = la[n - 1] == (opt_z ? 0 : '\n');
      if (la_nl) la[--n] = 0;
      la_len = n;
      return;
    }
    if (!cross_files) return;
    if (in != stdin) fclose(in);
    in = NULL;
    if (file_idx + 1 >= nfiles) { finish_in_place(); file_idx = nfiles; return; }
  }
}

static int separate(void) { return opt_s || opt_i; }

/* Next input line into *ps; 0 at the end of input. */
static int read_line(char **ps, size_t *cap, size_t *len, int *nl) {
  fill_lookahead(!separate());
  if (la_len < 0 && separate()) {
    /* this file is done: move on to the next one */
    while (la_len < 0) {
      if (in && in != stdin) fclose(in);
      in = NULL;
      if (!open_next_file()) return 0;
      fill_lookahead(0);
    }
  }
  if (la_len < 0) return 0;
  if ((size_t)la_len + 1 > *cap) *ps = xrealloc(*ps, *cap = (size_t)la_len + 1);
  memcpy(*ps, la, (size_t)la_len + 1);
  *len = (size_t)la_len;
  *nl = la_nl;
  la_len = -1;
  lineno++;
  return 1;
}

static int is_last_line(void) {
  fill_lookahead(!separate());
  return la_len < 0;
}

/* ---------- execution ---------- */

static char *ps, *hs;               /* pattern and hold space */
static size_t ps_len, ps_cap, hs_len, hs_cap;
static int ps_nl = 1;               /* the current line ended with a newline */
static int tflag;

struct queued { char *text; int is_file; };
static struct queued *appendq;
static size_t nappend;

/* Files (besides out) whose last line was written without its newline. */
static FILE *unterminated[16];
static int nunterminated;

/* Write a line; a line written earlier without its newline gets one first
 * (GNU: only the very last line of an output may lack it). */
static void emit(FILE *f, const char *s, size_t n, int nl) {
  if (f == out) {
    if (missing_nl) putc('\n', f);
  } else {
    for (int i = 0; i < nunterminated; i++)
      if (unterminated[i] == f) { putc('\n', f); unterminated[i] = unterminated[--nunterminated]; break; }
  }
  fwrite(s, 1, n, f);
  if (nl) putc(opt_z ? 0 : '\n', f);
  if (f == out) missing_nl = !nl;
  else if (!nl && nunterminated < 16) unterminated[nunterminated++] = f;
}

static void flush_appends(void) {
  for (size_t i = 0; i < nappend; i++) {
    if (appendq[i].is_file) {
      FILE *f = fopen(appendq[i].text, "r");
      if (!f) continue;
      char buf[4096];
      size_t n;
      if (missing_nl) { putc('\n', out); missing_nl = 0; }
      while ((n = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, n, out);
      fclose(f);
    } else {
      emit(out, appendq[i].text, strlen(appendq[i].text), 1);
    }
  }
  nappend = 0;
}

static void queue(const char *text, int is_file) {
  appendq = xrealloc(appendq, sizeof *appendq * (nappend + 1));
  appendq[nappend].text = (char *)text;
  appendq[nappend].is_file = is_file;
  nappend++;
}

static void ps_reserve(size_t n) {
  if (n + 1 > ps_cap) ps = xrealloc(ps, ps_cap = (n + 1) * 2);
}

static regex_t *use_re(regex_t *re) {
  if (!re) re = last_re;
  if (!re) diex_(4, "no previous regular expression");
  last_re = re;
  return re;
}

static int match_addr(struct addr *a) {
  switch (a->kind) {
  case A_LINE: return lineno == a->n;
  case A_LAST: return is_last_line();
  case A_RE: return regexec(use_re(a->re), ps, 0, NULL, 0) == 0;
  case A_STEP: return a->step <= 0 ? lineno == a->n : lineno >= a->n && (lineno - a->n) % a->step == 0;
  default: return 0;
  }
}

static int selected(struct cmd *c) {
  int m;
  if (c->a1.kind == A_NONE) return !c->neg;
  if (c->a2.kind == A_NONE) return match_addr(&c->a1) != c->neg;
  if (c->in_range) {
    m = 1;
    switch (c->a2.kind) {
    case A_LINE: if (lineno >= c->a2.n) c->in_range = 0; break;
    case A_PLUS: case A_MULT: if (lineno >= c->range_end) c->in_range = 0; break;
    case A_LAST: if (is_last_line()) c->in_range = 0; break;
    case A_RE: if (regexec(use_re(c->a2.re), ps, 0, NULL, 0) == 0) c->in_range = 0; break;
    }
  } else if (c->a1.kind == A_ZERO ? lineno == 1 : match_addr(&c->a1) ||
             /* GNU: a line-number start that was skipped (d, N) still opens the range */
             (c->a1.kind == A_LINE && lineno > c->a1.n && !c->range_done)) {
    m = 1;
    c->in_range = 1;
    c->range_done = 1;
    switch (c->a2.kind) {
    case A_LINE: if (c->a2.n <= lineno) c->in_range = 0; break;
    case A_PLUS: c->range_end = lineno + c->a2.n; if (c->a2.n == 0) c->in_range = 0; break;
    case A_MULT:
      if (c->a2.n <= 0 || lineno % c->a2.n == 0) c->in_range = 0;
      else c->range_end = (lineno / c->a2.n + 1) * c->a2.n;
      break;
    case A_LAST: if (is_last_line()) c->in_range = 0; break;
    case A_RE:
      if (c->a1.kind == A_ZERO && regexec(use_re(c->a2.re), ps, 0, NULL, 0) == 0) c->in_range = 0;
      break;
    }
  } else {
    m = 0;
  }
  return m != c->neg;
}

/* Append the replacement for one match to the buffer. */
static void add_repl(char **buf, size_t *n, size_t *cap, const char *repl, const regmatch_t *m) {
  for (const char *p = repl; *p; p++) {
    const char *src = p;
    size_t len = 1;
    if (*p == '&') { src = ps + m[0].rm_so; len = (size_t)(m[0].rm_eo - m[0].rm_so); }
    else if (*p == '\\' && p[1]) {
      p++;
      if (isdigit((unsigned char)*p)) {
        int g = *p - '0';
        if (m[g].rm_so < 0) continue;
        src = ps + m[g].rm_so;
        len = (size_t)(m[g].rm_eo - m[g].rm_so);
      } else {
        src = p;
      }
    }
    if (*n + len + 1 > *cap) *buf = xrealloc(*buf, *cap = (*n + len + 1) * 2);
    memcpy(*buf + *n, src, len);
    *n += len;
  }
}

static int do_subst(struct cmd *c) {
  regex_t *re = use_re(c->re);
  regmatch_t m[10];
  size_t cap = ps_len * 2 + 64, n = 0, off = 0;
  char *buf = xmalloc(cap);
  int count = 0, did = 0;
  long prev_end = -1;
  int nth = c->nth ? c->nth : 1;
  while (off <= ps_len && regexec(re, ps + off, 10, m, off ? REG_NOTBOL : 0) == 0) {
    for (int g = 0; g < 10; g++) if (m[g].rm_so >= 0) { m[g].rm_so += (regoff_t)off; m[g].rm_eo += (regoff_t)off; }
    size_t so = (size_t)m[0].rm_so, eo = (size_t)m[0].rm_eo;
    int empty_after_match = so == eo && (long)so == prev_end;
    if (!empty_after_match) {
      count++;
      if (n + (so - off) + 1 > cap) buf = xrealloc(buf, cap = (n + so - off + 1) * 2);
      memcpy(buf + n, ps + off, so - off);
      n += so - off;
      if (count >= nth) {
        add_repl(&buf, &n, &cap, c->repl, m);
        did = 1;
      } else {
        if (n + (eo - so) + 1 > cap) buf = xrealloc(buf, cap = (n + eo - so + 1) * 2);
        memcpy(buf + n, ps + so, eo - so);
        n += eo - so;
      }
      prev_end = (long)eo;
    } else {
      so = eo = off;
    }
    if (eo == so) {
      /* an empty match: copy one character and move past it */
      if (so >= ps_len) { off = ps_len + 1; break; }
      if (n + 2 > cap) buf = xrealloc(buf, cap *= 2);
      buf[n++] = ps[so];
      off = so + 1;
    } else {
      off = eo;
    }
    if (did && !c->global) break;
  }
  if (!did) { free(buf); return 0; }
  if (off < ps_len) {
    if (n + (ps_len - off) + 1 > cap) buf = xrealloc(buf, cap = n + ps_len - off + 1);
    memcpy(buf + n, ps + off, ps_len - off);
    n += ps_len - off;
  }
  buf = xrealloc(buf, n + 1);
  buf[n] = 0;
  free(ps);
  ps = buf;
  ps_len = n;
  ps_cap = n + 1;
  return 1;
}

/* l: unambiguous form, wrapped at width-1 characters with '\'. */
static void do_list(int width) {
  int col = 0;
  for (size_t i = 0; i <= ps_len; i++) {
    char b[8];
    if (i == ps_len) { strcpy(b, "$"); }
    else {
      unsigned char ch = (unsigned char)ps[i];
      const char *esc = ch == '\\' ? "\\\\" : ch == '\a' ? "\\a" : ch == '\b' ? "\\b" : ch == '\f' ? "\\f"
                      : ch == '\n' ? "\\n" : ch == '\r' ? "\\r" : ch == '\t' ? "\\t" : ch == '\v' ? "\\v" : NULL;
      if (esc) strcpy(b, esc);
      else if (ch < 32 || ch >= 127) snprintf(b, sizeof b, "\\%03o", ch);
      else { b[0] = (char)ch; b[1] = 0; }
    }
    int l = (int)strlen(b);
    if (width > 1 && i < ps_len && col + l > width - 1) { fputs("\\\n", out); col = 0; }
    fputs(b, out);
    col += l;
  }
  putc('\n', out);
}

static void end_cycle(void) {
  if (!opt_n) emit(out, ps, ps_len, ps_nl);
  flush_appends();
}

/* Run the script on the current pattern space. 1: quit after this cycle. */
enum { NEXT_CYCLE, QUIT, QUIT_SILENT, RESTART };

static int run_script(int *exit_code) {
  for (long pc = 0; pc < ncmds; pc++) {
    struct cmd *c = &cmds[pc];
    if (c->name == '}' || c->name == ':') continue;
    if (!selected(c)) {
      if (c->name == '{') pc = c->jump;
      continue;
    }
    switch (c->name) {
    case '{': break;
    case '=': fprintf(out, "%ld\n", lineno); break;
    case 'a': if (*c->text) queue(c->text, 0); break;
    case 'i': emit(out, c->text, strlen(c->text), 1); break;
    case 'c':
      if (c->a2.kind == A_NONE || c->neg || !c->in_range) emit(out, c->text, strlen(c->text), 1);
      ps_len = 0;
      flush_appends();
      return NEXT_CYCLE | 0x100;   /* deleted: no autoprint */
    case 'r': queue(c->text, 1); break;
    case 'R': {
      if (!c->wfile) c->wfile = fopen(c->text, "r");
      char *l = NULL;
      size_t lc = 0;
      ssize_t k;
      if (c->wfile && (k = getline(&l, &lc, c->wfile)) > 0) {
        if (l[k - 1] == '\n') l[k - 1] = 0;
        queue(l, 0);
      } else {
        free(l);
      }
      break;
    }
    case 'w': emit(c->wfile, ps, ps_len, ps_nl); break;
    case 'W': { char *nl = memchr(ps, '\n', ps_len); emit(c->wfile, ps, nl ? (size_t)(nl - ps) : ps_len, 1); break; }
    case 'd': flush_appends(); return NEXT_CYCLE | 0x100;
    case 'D': {
      char *nl = memchr(ps, '\n', ps_len);
      if (!nl) { flush_appends(); return NEXT_CYCLE | 0x100; }
      size_t skip = (size_t)(nl - ps) + 1;
      memmove(ps, ps + skip, ps_len - skip + 1);
      ps_len -= skip;
      flush_appends();
      return RESTART;
    }
    case 'g': ps_reserve(hs_len); memcpy(ps, hs ? hs : "", hs_len); ps_len = hs_len; ps[ps_len] = 0; break;
    case 'G':
      ps_reserve(ps_len + 1 + hs_len);
      ps[ps_len++] = '\n';
      memcpy(ps + ps_len, hs ? hs : "", hs_len);
      ps_len += hs_len;
      ps[ps_len] = 0;
      break;
    case 'h':
      if (ps_len + 1 > hs_cap) hs = xrealloc(hs, hs_cap = ps_len + 1);
      memcpy(hs, ps, ps_len + 1);
      hs_len = ps_len;
      break;
    case 'H':
      if (hs_len + ps_len + 2 > hs_cap) hs = xrealloc(hs, hs_cap = (hs_len + ps_len + 2) * 2);
      hs[hs_len++] = '\n';
      memcpy(hs + hs_len, ps, ps_len + 1);
      hs_len += ps_len;
      break;
    case 'x': {
      if (!hs) { hs = xstrdup(""); hs_cap = 1; }
      char *t = ps; ps = hs; hs = t;
      size_t tl = ps_len; ps_len = hs_len; hs_len = tl;
      size_t tc = ps_cap; ps_cap = hs_cap; hs_cap = tc;
      break;
    }
    case 'l': do_list(c->exit_code ? c->exit_code : 70); break;
    case 'n':
      if (is_last_line()) { *exit_code = 0; return QUIT; }
      if (!opt_n) emit(out, ps, ps_len, ps_nl);
      flush_appends();
      read_line(&ps, &ps_cap, &ps_len, &ps_nl);
      tflag = 0;   /* a new input line resets t (GNU) */
      break;
    case 'N': {
      if (is_last_line()) { *exit_code = 0; return QUIT; }
      flush_appends();
      char *l = NULL;
      size_t lc = 0, ll;
      int nl;
      read_line(&l, &lc, &ll, &nl);
      tflag = 0;
      ps_reserve(ps_len + 1 + ll);
      ps[ps_len++] = '\n';
      memcpy(ps + ps_len, l, ll + 1);
      ps_len += ll;
      ps_nl = nl;
      free(l);
      break;
    }
    case 'p': emit(out, ps, ps_len, ps_nl); break;
    case 'P': { char *nl = memchr(ps, '\n', ps_len); emit(out, ps, nl ? (size_t)(nl - ps) : ps_len, nl ? 1 : ps_nl); break; }
    case 'q': *exit_code = c->exit_code; return QUIT;
    case 'Q': *exit_code = c->exit_code; return QUIT_SILENT;
    case 's':
      if (do_subst(c)) {
        tflag = 1;
        for (int k = 0; k < c->print; k++) emit(out, ps, ps_len, ps_nl);
        if (c->wfile) emit(c->wfile, ps, ps_len, ps_nl);
      }
      break;
    case 't': if (tflag) { tflag = 0; pc = c->jump < 0 ? ncmds : c->jump; } break;
    case 'T': if (!tflag) pc = c->jump < 0 ? ncmds : c->jump; else tflag = 0; break;
    case 'b': pc = c->jump < 0 ? ncmds : c->jump; break;
    case 'y': for (size_t k = 0; k < ps_len; k++) ps[k] = (char)c->ymap[(unsigned char)ps[k]]; break;
    case 'z': ps_len = 0; ps[0] = 0; break;
    case 'F': fprintf(out, "%s\n", in_name && strcmp(in_name, "-") ? in_name : "-"); break;
    }
  }
  return NEXT_CYCLE;
}

static void add_script(char **buf, size_t *len, const char *s) {
  size_t n = strlen(s);
  *buf = xrealloc(*buf, *len + n + 2);
  if (*len) (*buf)[(*len)++] = '\n';
  memcpy(*buf + *len, s, n + 1);
  *len += n;
}

int main(int argc, char **argv) {
  prog = "sed";
  out = stdout;
  char *sc = NULL;
  size_t sclen = 0;
  int have_script = 0, c;
  /* -i takes an optional suffix glued to it; --long options by hand */
  for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
    if (strcmp(argv[i], "--version") == 0) { puts("This is not GNU sed version 4.0"); return 0; }
    if (strcmp(argv[i], "--help") == 0) { puts("Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]..."); return 0; }
    if (strncmp(argv[i], "--in-place", 10) == 0) { opt_i = 1; if (argv[i][10] == '=') in_place_suffix = argv[i] + 11; argv[i] = "-s"; }
    else if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "--silent") == 0) argv[i] = "-n";
    else if (strcmp(argv[i], "--regexp-extended") == 0) argv[i] = "-E";
    else if (strcmp(argv[i], "--separate") == 0) argv[i] = "-s";
    else if (strncmp(argv[i], "--expression=", 13) == 0) { add_script(&sc, &sclen, argv[i] + 13); have_script = 1; argv[i] = "-s"; opt_s = -1; }
  }
  while ((c = getopt_(argc, argv, "ne:f:Eri::szul:")) != -1) {
    switch (c) {
    case 'n': opt_n = 1; break;
    case 'e': add_script(&sc, &sclen, optarg); have_script = 1; break;
    case 'f': {
      FILE *f = strcmp(optarg, "-") == 0 ? stdin : fopen(optarg, "r");
      if (!f) die_(1, "couldn't open file %s", optarg);
      char *l = NULL, *all = NULL;
      size_t lc = 0, al = 0;
      ssize_t k;
      while ((k = getline(&l, &lc, f)) > 0) {
        all = xrealloc(all, al + (size_t)k + 1);
        memcpy(all + al, l, (size_t)k + 1);
        al += (size_t)k;
      }
      if (al && all[al - 1] == '\n') all[--al] = 0;
      add_script(&sc, &sclen, all ? all : "");
      free(all);
      free(l);
      if (f != stdin) fclose(f);
      have_script = 1;
      break;
    }
    case 'E': case 'r': opt_E = 1; break;
    case 'i': opt_i = 1; if (optarg) in_place_suffix = optarg; break;
    case 's': if (opt_s != -1) opt_s = 1; break;
    case 'z': opt_z = 1; break;
    case 'u': case 'l': break;
    default: usage_hint(); return 1;
    }
  }
  if (opt_s == -1) opt_s = 0;
  if (!have_script) {
    if (optind >= argc) {
      fprintf(stderr, "Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n");
      return 1;
    }
    add_script(&sc, &sclen, argv[optind++]);
  }
  script = sc ? sc : xstrdup("");
  parse_script();
  /* 0,/re/ ranges start active */
  static char *dflt[] = {"-", NULL};
  files = optind < argc ? argv + optind : dflt;
  nfiles = optind < argc ? argc - optind : 1;
  if (opt_i && optind >= argc) diex_(1, "no input files");
  int exit_code = 0, restart = 0;
  ps = xmalloc(ps_cap = 256);
  ps[0] = 0;
  for (;;) {
    if (!restart) {
      if (!read_line(&ps, &ps_cap, &ps_len, &ps_nl)) break;
      tflag = 0;
    }
    restart = 0;
    int r = run_script(&exit_code);
    if (r & 0x100) continue;   /* d, D without newline, c */
    if (r == RESTART) { restart = 1; continue; }
    if (r == QUIT_SILENT) break;
    end_cycle();
    if (r == QUIT) break;
  }
  /* q inside -i: copy the rest of the file unchanged */
  if (opt_i && tmp_name) {
    fill_lookahead(0);
    while (la_len >= 0) {
      emit(out, la, (size_t)la_len, la_nl);
      la_len = -1;
      fill_lookahead(0);
    }
    finish_in_place();
  }
  if (fflush(stdout) != 0) die_(4, "couldn't flush stdout");
  return exit_code ? exit_code : status;
}
