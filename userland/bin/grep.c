/*
 * grep: print lines that match patterns.
 * Patterns: -G basic (default), -E extended, -F fixed strings; -e PAT (many),
 * -f FILE, or the first operand; a pattern with newlines is several.
 * Matching: -i ignore case, -v invert, -w whole words, -x whole lines.
 * Output: -c counts, -l/-L file names, -q quiet, -o only the matched parts,
 * -n line numbers, -b byte offsets, -H/-h file names on/off, -s no
 * messages about files, -m NUM stop after NUM lines, -A/-B/-C NUM context,
 * -r/-R recurse into directories, -a treat binary as text, -Z NUL after names.
 * Exit: 0 a line was selected, 1 none, 2 an error (unless -q found a match).
 * Spec: POSIX grep; GNU grep for the extensions and messages.
 */
#include "lib/util.h"
#include <ctype.h>
#include <dirent.h>
#include <regex.h>
#include "lib/regerr.h"
#include <strings.h>

static int o_E, o_F, o_i, o_v, o_w, o_x, o_c, o_l, o_L, o_q, o_o, o_n, o_b, o_s, o_r, o_a, o_Z;
static int with_name = -1;
static long max_count = -1, after = 0, before = 0;
static int context;   /* -A/-B/-C given (even 0): groups are separated by "--" */
static int status = 1, error_seen;

static char **pats;
static size_t npats;
static int have_patterns;   /* -e or -f was given (an empty -f file means no pattern at all) */
static regex_t *res;
static size_t *plens;   /* pattern lengths */
static char *fixed;     /* per pattern: searched as a fixed string (-F, or literal()) */

static void add_pattern(const char *p) {
  have_patterns = 1;
  /* a pattern with newlines is one pattern per line */
  const char *s = p;
  for (;;) {
    const char *nl = strchr(s, '\n');
    size_t n = nl ? (size_t)(nl - s) : strlen(s);
    pats = xrealloc(pats, sizeof *pats * (npats + 1));
    pats[npats] = strndup(s, n);
    npats++;
    if (!nl) break;
    s = nl + 1;
  }
}

static int is_word(int c) { return isalnum(c) || c == '_'; }

/* Fixed-string search from `from`; case-folded when -i. */
static const char *find_fixed(const char *hay, size_t hlen, size_t from, const char *pat, size_t plen) {
  if (plen == 0) return hay + from;
  if (from > hlen || hlen - from < plen) return NULL;
  const char *p = hay + from, *end = hay + hlen - plen + 1;   /* the last start, + 1 */
  if (!o_i) {
    while ((p = memchr(p, (unsigned char)pat[0], (size_t)(end - p))) != NULL) {
      if (memcmp(p + 1, pat + 1, plen - 1) == 0) return p;
      p++;
    }
    return NULL;
  }
  for (; p < end; p++)
    if (strncasecmp(p, pat, plen) == 0) return p;
  return NULL;
}

/*
 * A pattern without special characters (in BRE or ERE) matches exactly its
 * bytes: search for it as a fixed string, as GNU grep does, instead of with
 * regexec (musl's TRE costs ~0.3 µs a line). Only printable ASCII, so -i means
 * the same with strncasecmp as with REG_ICASE.
 */
static int literal(const char *p) {
  for (; *p; p++)
    if (*p < 0x20 || *p > 0x7e || strchr("\\.[]*^$+?(){}|", *p)) return 0;
  return 1;
}

/* Leftmost match of pattern k in line[from..len): start/end offsets. */
static int match_one(size_t k, const char *line, size_t len, size_t from, size_t *so, size_t *eo) {
  if (fixed[k]) {
    const char *p = find_fixed(line, len, from, pats[k], plens[k]);
    if (!p) return 0;
    *so = (size_t)(p - line);
    *eo = *so + plens[k];
    return 1;
  }
  regmatch_t m;
  if (from > len) return 0;
  if (regexec(&res[k], line + from, 1, &m, from > 0 ? REG_NOTBOL : 0) != 0) return 0;
  *so = from + (size_t)m.rm_so;
  *eo = from + (size_t)m.rm_eo;
  return 1;
}

/* Leftmost match satisfying -w/-x, over all patterns. */
static int find_match(const char *line, size_t len, size_t from, size_t *so, size_t *eo) {
  int found = 0;
  size_t bs = 0, be = 0;
  for (size_t k = 0; k < npats; k++) {
    size_t start = from, s, e;
    while (start <= len && match_one(k, line, len, start, &s, &e)) {
      int ok = 1;
      if (o_x) ok = s == 0 && e == len;
      else if (o_w) ok = (s == 0 || !is_word((unsigned char)line[s - 1])) && (e == len || !is_word((unsigned char)line[e]))
                         && (e > s || len == 0);
      if (ok) {
        if (!found || s < bs || (s == bs && e > be)) { bs = s; be = e; found = 1; }
        break;
      }
      if (o_x) break;
      start = s + 1;
    }
  }
  if (found) { *so = bs; *eo = be; }
  return found;
}

static void print_prefix(const char *name, long lineno, long long off, char sep) {
  if (with_name) { fputs(name, stdout); if (o_Z) putchar(0); else putchar(sep); }
  if (o_n) printf("%ld%c", lineno, sep);
  if (o_b) printf("%lld%c", off, sep);
}

/*
 * The lines of an fd, read in large blocks and handed out where they lie
 * (getline copied every line out of stdio's buffer). buf[start, end) is
 * unread; a byte after `end` is always spare, so every line, the last one
 * too, is followed by a writable byte: its '\n', which becomes the NUL
 * regexec needs, then the '\n' written after it. A read returns what the
 * pipe has, so lines are matched as they arrive.
 */
struct input {
  int fd;
  char *buf;
  size_t cap, start, end;
  size_t scanned;   /* bytes from `start` known to hold no '\n' (a long line read in pieces) */
  int eof, err;
  int nul;   /* a NUL byte was read: lines must be checked for one */
};

static char *next_line(struct input *in, size_t *n) {
  for (;;) {
    char *p = in->buf + in->start;
    size_t avail = in->end - in->start;
    char *nl = avail > in->scanned ? memchr(p + in->scanned, '\n', avail - in->scanned) : NULL;
    if (nl || (in->eof && avail)) {
      *n = nl ? (size_t)(nl - p) + 1 : avail;
      in->start += *n;
      in->scanned = 0;
      return p;
    }
    if (in->eof) return NULL;
    in->scanned = avail;
    if (in->start > 0) {
      memmove(in->buf, p, avail);
      in->start = 0;
      in->end = avail;
    }
    if (in->cap - in->end < 65536 + 1) in->buf = xrealloc(in->buf, in->cap = in->cap ? in->cap * 2 : 2 * 65536);
    ssize_t r = read(in->fd, in->buf + in->end, in->cap - in->end - 1);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      in->eof = 1;
      if (r < 0) in->err = errno;
      continue;
    }
    if (memchr(in->buf + in->end, 0, (size_t)r)) in->nul = 1;
    in->end += (size_t)r;
  }
}

/*
 * With one fixed pattern and nothing that needs every line (-v, -n, -b,
 * context, -i/-w/-x), the lines without the pattern can be passed over
 * unlooked-at, as GNU grep does: find the pattern in the unread bytes and
 * move to the start of its line (or past the last whole line when it is
 * not there). A NUL in the input (binary files) turns this off.
 */
static int skipping;

static void skip_to_match(struct input *in) {
  const char *p = in->buf + in->start, *end = in->buf + in->end;
  const char *hit = find_fixed(p, (size_t)(end - p), 0, pats[0], plens[0]);
  const char *q = hit ? hit : end;
  while (q > p && q[-1] != '\n') q--;
  if (q > p) in->scanned = 0;
  in->start = (size_t)(q - in->buf);
}

/* Print a line of the input and its newline (line[len] is writable, see struct input). */
static void put_line(char *line, size_t len) {
  line[len] = '\n';
  fwrite(line, 1, len + 1, stdout);
}

/* Search one open stream. Returns the number of selected lines. */
static long grep_stream(int fd, const char *name) {
  static struct input in;
  in.fd = fd;
  in.start = in.end = in.scanned = 0;
  in.eof = in.err = in.nul = 0;
  char *line;
  size_t n;
  long lineno = 0, count = 0, last_printed = 0, pending_after = 0;
  long long off = 0;
  /* -B: a ring of previous lines */
  char **ring = before ? xmalloc(sizeof(char *) * (size_t)before) : NULL;
  long long *ring_off = before ? xmalloc(sizeof(long long) * (size_t)before) : NULL;
  long ring_n = 0;
  for (long i = 0; i < before; i++) ring[i] = NULL;
  int binary = 0, quiet = o_q || o_l || o_L || o_c;
  for (;;) {
    if (skipping && !in.nul) skip_to_match(&in);
    if ((line = next_line(&in, &n)) == NULL) break;
    lineno++;
    size_t len = n;
    if (line[len - 1] == '\n') len--;
    line[len] = 0;   /* regexec reads to the NUL */
    /* NUL is an ordinary byte to grep but ends regexec's string: match on a
     * copy with NUL as '\n' (no line holds one, and '.' matches it) */
    char *subject = line;
    if (in.nul && memchr(line, 0, len)) {
      if (!o_a) binary = 1;
      subject = xmalloc(len + 1);
      for (size_t i = 0; i <= len; i++) subject[i] = i < len && line[i] == 0 ? '\n' : line[i];
    }
    size_t so, eo;
    int hit = find_match(subject, len, 0, &so, &eo) != o_v;
    if (subject != line) free(subject);
    long long this_off = off;
    off += n;
    if (!hit) {
      if (pending_after > 0 && !quiet && !binary) {
        print_prefix(name, lineno, this_off, '-');
        put_line(line, len);
        last_printed = lineno;
        pending_after--;
      } else if (before) {
        free(ring[ring_n % before]);
        ring[ring_n % before] = strndup(line, len);
        ring_off[ring_n % before] = this_off;
        ring_n++;
      }
      continue;
    }
    count++;
    status = 0;
    if (o_q) break;
    if (!quiet && !binary) {
      /* context before, and the "--" between groups */
      long have = ring_n < before ? ring_n : before;
      if (context && last_printed && lineno - have > last_printed + 1) puts("--");
      for (long i = ring_n - have; i < ring_n; i++) {
        print_prefix(name, lineno - (ring_n - i), ring_off[i % before], '-');
        puts(ring[i % before]);
      }
      ring_n = 0;
      if (o_o) {
        if (!o_v) {
          size_t from = 0;
          while (from <= len && find_match(line, len, from, &so, &eo)) {
            if (eo > so) {
              print_prefix(name, lineno, this_off + (long long)so, ':');
              fwrite(line + so, 1, eo - so, stdout);
              putchar('\n');
            }
            from = eo > so ? eo : so + 1;
          }
        }
      } else {
        print_prefix(name, lineno, this_off, ':');
        put_line(line, len);
      }
      last_printed = lineno;
      pending_after = after;
    }
    if (max_count >= 0 && count >= max_count) break;
  }
  if (in.err) { errno = in.err; if (!o_s) warn_("%s", name); error_seen = 1; }
  for (long i = 0; i < before; i++) free(ring[i]);
  free(ring);
  free(ring_off);
  if (binary && count && !quiet) { fflush(stdout); fprintf(stderr, "grep: %s: binary file matches\n", name); }   /* GNU 3.5+ */
  return count;
}

static void grep_path(const char *path, const char *shown, int top);

static void grep_dir(const char *path) {
  DIR *d = opendir(path);
  if (!d) { if (!o_s) warn_("%s", path); error_seen = 1; return; }
  char **names = NULL;
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    names = xrealloc(names, sizeof *names * (n + 1));
    names[n++] = xstrdup(e->d_name);
  }
  closedir(d);
  for (size_t i = 0; i < n; i++) {
    char *p = strcmp(path, ".") == 0 && o_r == 2 ? xstrdup(names[i]) : path_join(path, names[i]);
    grep_path(p, p, 0);
    free(p);
    free(names[i]);
  }
  free(names);
}

static void grep_path(const char *path, const char *shown, int top) {
  struct stat st;
  if (strcmp(path, "-") == 0) {
    long c = grep_stream(0, "(standard input)");
    if (o_c) { if (with_name) printf("%s:", "(standard input)"); printf("%ld\n", c); }
    if ((o_l && c) || (o_L && !c)) { fputs("(standard input)", stdout); putchar(o_Z ? 0 : '\n'); }
    return;
  }
  if ((top ? stat(path, &st) : lstat(path, &st)) != 0) {
    if (!o_s) warn_("%s", path);
    error_seen = 1;
    return;
  }
  if (S_ISDIR(st.st_mode)) {
    if (o_r) { grep_dir(path); return; }
    if (!o_s) warnx_("%s: Is a directory", path);
    error_seen = 1;
    return;
  }
  if (!top && !S_ISREG(st.st_mode)) return;   /* symlinks and devices below -r */
  int fd = open(path, O_RDONLY);
  if (fd < 0) { if (!o_s) warn_("%s", path); error_seen = 1; return; }
  long c = grep_stream(fd, shown);
  close(fd);
  if (o_c) { if (with_name) printf("%s%c", shown, o_Z ? 0 : ':'); printf("%ld\n", c); }
  if ((o_l && c) || (o_L && !c)) { fputs(shown, stdout); putchar(o_Z ? 0 : '\n'); }
}

static long num(const char *s) {
  char *end;
  long v = strtol(s, &end, 10);
  if (end == s || *end || v < 0) diex_(2, "invalid context length argument");
  return v;
}

int main(int argc, char **argv) {
  /* egrep and fgrep are links to this program (userland/build.sh): grep -E, grep -F. */
  char self[64];
  base_name(argv[0] ? argv[0] : "grep", self, sizeof self);
  prog = "grep";
  if (!strcmp(self, "egrep")) prog = "egrep", o_E = 1;
  if (!strcmp(self, "fgrep")) prog = "fgrep", o_F = 1;
  int c;
  /* long options people use */
  int k = 1, i = 1;
  for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
    if (strncmp(argv[i], "--color", 7) == 0 || strncmp(argv[i], "--colour", 8) == 0) continue;
    if (strcmp(argv[i], "--include") == 0 || strcmp(argv[i], "--exclude") == 0) { i++; continue; }
    argv[k++] = argv[i];
  }
  while (i < argc) argv[k++] = argv[i++];
  argv[k] = NULL;
  argc = k;
  while ((c = getopt_(argc, argv, "EFGivwxclLqsonbhHrRe:f:m:A:B:C:aIZUyz")) != -1) {
    switch (c) {
    case 'E': o_E = 1; o_F = 0; break;
    case 'F': o_F = 1; o_E = 0; break;
    case 'G': o_E = o_F = 0; break;
    case 'i': case 'y': o_i = 1; break;
    case 'v': o_v = 1; break;
    case 'w': o_w = 1; break;
    case 'x': o_x = 1; break;
    case 'c': o_c = 1; break;
    case 'l': o_l = 1; o_L = 0; break;
    case 'L': o_L = 1; o_l = 0; break;
    case 'q': o_q = 1; break;
    case 's': o_s = 1; break;
    case 'o': o_o = 1; break;
    case 'n': o_n = 1; break;
    case 'b': o_b = 1; break;
    case 'h': with_name = 0; break;
    case 'H': with_name = 1; break;
    case 'r': case 'R': o_r = 1; break;
    case 'e': add_pattern(optarg); break;
    case 'f': {
      FILE *f = strcmp(optarg, "-") == 0 ? stdin : fopen(optarg, "r");
      if (!f) die_(2, "%s", optarg);
      char *l = NULL;
      size_t cap = 0;
      ssize_t n;
      have_patterns = 1;
      while ((n = getline(&l, &cap, f)) > 0) {
        if (l[n - 1] == '\n') l[n - 1] = 0;
        add_pattern(l);
      }
      free(l);
      if (f != stdin) fclose(f);
      break;
    }
    case 'm': max_count = num(optarg); break;
    case 'A': after = num(optarg); context = 1; break;
    case 'B': before = num(optarg); context = 1; break;
    case 'C': after = before = num(optarg); context = 1; break;
    case 'a': o_a = 1; break;
    case 'Z': o_Z = 1; break;
    case 'I': case 'U': case 'z': break;
    default: usage_hint(); return 2;
    }
  }
  if (!have_patterns) {
    if (optind >= argc) { fprintf(stderr, "Usage: grep [OPTION]... PATTERNS [FILE]...\n"); usage_hint(); return 2; }
    add_pattern(argv[optind++]);
  }
  plens = xmalloc(sizeof *plens * npats);
  fixed = xmalloc(npats);
  res = xmalloc(sizeof *res * npats);
  for (size_t p = 0; p < npats; p++) {
    plens[p] = strlen(pats[p]);
    fixed[p] = o_F || literal(pats[p]);
  }
  for (size_t p = 0; p < npats; p++) {
    if (fixed[p]) continue;
    int flags = (o_E ? REG_EXTENDED : 0) | (o_i ? REG_ICASE : 0);
    int rc = regcomp(&res[p], pats[p], flags);
    if (rc != 0) {
      char msg[256];
      diex_(2, "%s", regerr_gnu(rc, &res[p], msg, sizeof msg));
    }
  }
  skipping = npats == 1 && fixed[0] && plens[0] > 0 && !o_i && !o_w && !o_x && !o_v && !o_n && !o_b && !context;
  int nfiles = argc - optind;
  if (with_name < 0) with_name = nfiles > 1 || (o_r && !(nfiles == 1 && strcmp(argv[optind], "-") != 0 && 0));
  if (o_r && nfiles == 1) {
    struct stat st;
    with_name = with_name && (stat(argv[optind], &st) != 0 || S_ISDIR(st.st_mode) || nfiles > 1);
  }
  if (nfiles == 0) {
    if (o_r) { o_r = 2; grep_path(".", ".", 1); }
    else grep_path("-", "-", 1);
  } else {
    for (int j = optind; j < argc; j++) {
      grep_path(argv[j], argv[j], 1);
      if (o_q && status == 0) break;
    }
  }
  fflush(stdout);
  if (o_q && status == 0) return 0;
  return error_seen ? 2 : status;
}
