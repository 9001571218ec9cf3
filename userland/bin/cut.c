/*
 * cut: print selected parts of lines. -b LIST bytes, -c LIST characters
 * (bytes here, as in coreutils), -f LIST fields separated by -d DELIM (TAB
 * by default); -s drops lines without a delimiter, --complement inverts the
 * selection, --output-delimiter=STR joins fields; -n is ignored. LIST is
 * N, N-, N-M, -M separated by commas. Spec: POSIX cut.
 */
#include "lib/util.h"
#include <limits.h>

static unsigned char *sel;   /* sel[i] for position i (1-based) */
static size_t nsel;          /* positions beyond nsel: open_end */
static int open_end;         /* an "N-" range was given */
static size_t open_from = SIZE_MAX;
static int complement;

static int selected(size_t i) {
  int s = i < nsel ? sel[i] : (open_end && i >= open_from);
  if (open_end && i >= open_from) s = 1;
  return complement ? !s : s;
}

static void parse_list(const char *list) {
  nsel = 1;
  const char *p = list;
  for (;;) {
    size_t a = 1, b;
    char *end;
    if (*p == '-') {
      b = strtoul(p + 1, &end, 10);
      if (end == p + 1) diex_(1, "invalid range with no endpoint: -");
    } else {
      a = strtoul(p, &end, 10);
      if (end == p) diex_(1, "invalid byte/character position '%s'", p);
      if (a == 0) diex_(1, "byte/character positions are numbered from 1");
      b = a;
      if (*end == '-') {
        p = end + 1;
        if (*p == ',' || !*p) { if (a < open_from) open_from = a; open_end = 1; b = 0; end = (char *)p; }
        else {
          b = strtoul(p, &end, 10);
          if (end == p) diex_(1, "invalid byte/character position '%s'", p);
          if (b < a) { warnx_("invalid decreasing range"); usage_hint(); exit(1); }
        }
      }
    }
    if (b) {
      if (b + 1 > nsel) {
        sel = xrealloc(sel, b + 1);
        memset(sel + nsel, 0, b + 1 - nsel);
        nsel = b + 1;
      }
      for (size_t i = a; i <= b; i++) sel[i] = 1;
    }
    p = end;
    if (*p == ',' || *p == ' ') { p++; continue; }
    if (*p) diex_(1, "invalid byte/character position '%s'", p);
    break;
  }
}

int main(int argc, char **argv) {
  prog = "cut";
  char mode = 0;
  const char *list = NULL, *odelim = NULL;
  char delim = '\t';
  int only_delimited = 0, status = 0;
  /* long options first */
  int k = 1, i = 1;
  for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
    if (strcmp(argv[i], "--complement") == 0) complement = 1;
    else if (strncmp(argv[i], "--output-delimiter=", 19) == 0) odelim = argv[i] + 19;
    else if (strcmp(argv[i], "--only-delimited") == 0) only_delimited = 1;
    else argv[k++] = argv[i];
  }
  while (i < argc) argv[k++] = argv[i++];
  argv[k] = NULL;
  argc = k;
  int c;
  while ((c = getopt_(argc, argv, "b:c:f:d:snz")) != -1) {
    switch (c) {
    case 'b': case 'c': case 'f':
      if (mode) diex_(1, "only one type of list may be specified");
      mode = (char)c;
      list = optarg;
      break;
    case 'd':
      if (strlen(optarg) > 1) diex_(1, "the delimiter must be a single character");
      delim = optarg[0];
      break;
    case 's': only_delimited = 1; break;
    case 'n': case 'z': break;
    default: usage_hint(); return 1;
    }
  }
  if (!mode) { warnx_("you must specify a list of bytes, characters, or fields"); usage_hint(); return 1; }
  if (mode == 'f') {
    char *l = xstrdup(list);
    /* messages name fields */
    if (strspn(l, "0123456789-, ") != strlen(l)) diex_(1, "invalid field value '%s'", l);
    for (char *p = l; *p; p++) if ((p == l || p[-1] == ',' || p[-1] == '-') && *p == '0' && (p[1] == ',' || p[1] == '-' || !p[1])) { warnx_("fields are numbered from 1"); usage_hint(); return 1; }
    free(l);
  }
  parse_list(list);
  char dstr[2] = {delim, 0};
  if (!odelim) odelim = mode == 'f' ? dstr : NULL;
  char *dflt[] = {"-", NULL};
  char **files = optind < argc ? argv + optind : dflt;
  char *line = NULL;
  size_t cap = 0;
  for (; *files; files++) {
    FILE *f = fopen_in(*files);
    if (!f) { status = 1; continue; }
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
      int nl = line[n - 1] == '\n';
      size_t len = (size_t)n - (size_t)nl;
      if (mode != 'f') {
        int prev = 0;
        for (size_t j = 0; j < len; j++) {
          if (!selected(j + 1)) { prev = 0; continue; }
          if (odelim && !prev && j > 0) {
            /* a new range starts: separate it from the previous one */
            int any = 0;
            for (size_t q = 0; q < j; q++) if (selected(q + 1)) { any = 1; break; }
            if (any) fputs(odelim, stdout);
          }
          putchar(line[j]);
          prev = 1;
        }
        putchar('\n');
        continue;
      }
      if (!memchr(line, delim, len)) {
        if (!only_delimited) { fwrite(line, 1, len, stdout); putchar('\n'); }
        continue;
      }
      size_t field = 1, start = 0;
      int first = 1;
      for (size_t j = 0; j <= len; j++) {
        if (j < len && line[j] != delim) continue;
        if (selected(field)) {
          if (!first) fputs(odelim, stdout);
          fwrite(line + start, 1, j - start, stdout);
          first = 0;
        }
        field++;
        start = j + 1;
      }
      putchar('\n');
    }
    fclose_in(f);
  }
  if (fflush(stdout) != 0) die_(1, "write error");
  return status;
}
