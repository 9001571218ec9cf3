/*
 * paste: merge corresponding lines of files, joined by TABs (or the
 * delimiters of -d LIST, used in turn; \n \t \\ \0 escapes). -s pastes each
 * file's lines onto one line instead. "-" is stdin (may appear many times).
 * Spec: POSIX paste.
 */
#include "lib/util.h"

static char *delims;
static size_t ndelims;

static void parse_delims(const char *s) {
  delims = xmalloc(strlen(s) + 1);
  for (; *s; s++) {
    char c = *s;
    if (c == '\\' && s[1]) {
      s++;
      c = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s == '0' ? 0 : *s;
    }
    delims[ndelims++] = c;
  }
}

static int readline_(FILE *f, char **l, size_t *cap) {
  ssize_t n = getline(l, cap, f);
  if (n <= 0) return 0;
  if ((*l)[n - 1] == '\n') (*l)[n - 1] = 0;
  return 1;
}

static void put_delim(size_t i) {
  if (!ndelims) return;
  char c = delims[i % ndelims];
  if (c) putchar(c);
}

int main(int argc, char **argv) {
  prog = "paste";
  int c, serial = 0, status = 0;
  parse_delims("\t");
  while ((c = getopt_(argc, argv, "d:sz")) != -1) {
    switch (c) {
    case 'd': free(delims); ndelims = 0; parse_delims(optarg); break;
    case 's': serial = 1; break;
    case 'z': break;
    default: usage_hint(); return 1;
    }
  }
  char *dflt[] = {"-", NULL};
  char **names = optind < argc ? argv + optind : dflt;
  int n = optind < argc ? argc - optind : 1;
  FILE **f = xmalloc(sizeof *f * (size_t)n);
  for (int i = 0; i < n; i++) {
    f[i] = strcmp(names[i], "-") == 0 ? stdin : fopen(names[i], "r");
    if (!f[i]) die_(1, "%s", names[i]);
  }
  char *l = NULL;
  size_t cap = 0;
  if (serial) {
    for (int i = 0; i < n; i++) {
      size_t k = 0;
      int any = 0;
      while (readline_(f[i], &l, &cap)) {
        if (any) put_delim(k++);
        fputs(l, stdout);
        any = 1;
      }
      putchar('\n');
    }
  } else {
    int *done = xmalloc(sizeof *done * (size_t)n);
    memset(done, 0, sizeof *done * (size_t)n);
    for (;;) {
      int got = 0;
      /* one output line: a field from each file, empty once it is done */
      char **fields = xmalloc(sizeof *fields * (size_t)n);
      for (int i = 0; i < n; i++) {
        fields[i] = NULL;
        if (!done[i] && readline_(f[i], &l, &cap)) { fields[i] = xstrdup(l); got = 1; }
        else done[i] = 1;
      }
      if (got) {
        for (int i = 0; i < n; i++) {
          if (i) put_delim((size_t)i - 1);
          if (fields[i]) fputs(fields[i], stdout);
        }
        putchar('\n');
      }
      for (int i = 0; i < n; i++) free(fields[i]);
      free(fields);
      if (!got) break;
    }
  }
  if (fflush(stdout) != 0) die_(1, "write error");
  return status;
}
