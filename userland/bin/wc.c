/*
 * wc: count lines, words, characters and bytes. -l -w -m -c -L (longest
 * line); the default is -lwc. Columns are right-aligned to a width that
 * fits the total size of the regular files (at least 7 when an operand is
 * not a regular file), and unpadded when one count of one operand is asked
 * for, exactly as GNU coreutils computes it. Characters are UTF-8 sequences.
 * Spec: POSIX wc.
 */
#include "lib/util.h"
#include <ctype.h>

enum { LINES, WORDS, CHARS, BYTES, MAXLEN, NCOUNTS };
static int show[NCOUNTS];
static unsigned long long total[NCOUNTS];

struct input {
  const char *name;
  int fd;
  int failed;
  struct stat st;
};

static int count(int fd, unsigned long long *c) {
  static char buf[65536];
  ssize_t n;
  int inword = 0;
  unsigned long long linelen = 0;
  if (!show[WORDS] && !show[CHARS] && !show[MAXLEN]) {
    /* lines and bytes only: no per-byte classification (wc -l is common) */
    while ((n = read(fd, buf, sizeof buf)) > 0) {
      c[BYTES] += (unsigned long long)n;
      for (ssize_t i = 0; i < n; i++) c[LINES] += buf[i] == '\n';
    }
    return n < 0 ? -1 : 0;
  }
  while ((n = read(fd, buf, sizeof buf)) > 0) {
    c[BYTES] += (unsigned long long)n;
    for (ssize_t i = 0; i < n; i++) {
      unsigned char ch = (unsigned char)buf[i];
      if ((ch & 0xC0) != 0x80) c[CHARS]++;
      if (ch == '\n') {
        c[LINES]++;
        if (linelen > c[MAXLEN]) c[MAXLEN] = linelen;
        linelen = 0;
      } else if (ch == '\t') {
        linelen = (linelen / 8 + 1) * 8;
      } else if ((ch & 0xC0) != 0x80 && (ch >= 32 || ch >= 128)) {
        linelen++;
      }
      if (isspace(ch)) inword = 0;
      else if (!inword) { inword = 1; c[WORDS]++; }
    }
  }
  if (linelen > c[MAXLEN]) c[MAXLEN] = linelen;
  return n < 0 ? -1 : 0;
}

static void print_counts(const unsigned long long *c, int width, const char *name) {
  int first = 1;
  for (int k = 0; k < NCOUNTS; k++) {
    if (!show[k]) continue;
    printf(first ? "%*llu" : " %*llu", width, c[k]);
    first = 0;
  }
  if (name) printf(" %s", name);
  putchar('\n');
}

int main(int argc, char **argv) {
  prog = "wc";
  int c, status = 0;
  while ((c = getopt_(argc, argv, "lwmcL")) != -1) {
    switch (c) {
    case 'l': show[LINES] = 1; break;
    case 'w': show[WORDS] = 1; break;
    case 'm': show[CHARS] = 1; break;
    case 'c': show[BYTES] = 1; break;
    case 'L': show[MAXLEN] = 1; break;
    default: usage_hint(); return 1;
    }
  }
  int nshow = show[LINES] + show[WORDS] + show[CHARS] + show[BYTES] + show[MAXLEN];
  if (!nshow) { show[LINES] = show[WORDS] = show[BYTES] = 1; nshow = 3; }
  int nfiles = argc - optind;
  int implicit = nfiles == 0;
  if (implicit) nfiles = 1;
  struct input *in = xmalloc(sizeof *in * (size_t)nfiles);
  /* 1. Open everything first: the column width depends on every size. */
  for (int i = 0; i < nfiles; i++) {
    in[i].name = implicit ? NULL : argv[optind + i];
    in[i].fd = implicit ? 0 : open_in(in[i].name);
    in[i].failed = in[i].fd < 0 || fstat(in[i].fd, &in[i].st) != 0;
    if (in[i].fd < 0) { warn_("%s", in[i].name); status = 1; }
  }
  int width = 1;
  if (!(nfiles == 1 && nshow == 1) && !in[0].failed) {
    int minw = 1;
    unsigned long long regular = 0;
    for (int i = 0; i < nfiles; i++) {
      if (in[i].failed) continue;
      if (S_ISREG(in[i].st.st_mode)) regular += (unsigned long long)in[i].st.st_size;
      else minw = 7;
    }
    for (; regular >= 10; regular /= 10) width++;
    if (width < minw) width = minw;
  }
  /* 2. Count and print each. */
  for (int i = 0; i < nfiles; i++) {
    if (in[i].fd < 0) continue;
    unsigned long long cnt[NCOUNTS] = {0};
    if (S_ISDIR(in[i].st.st_mode)) {
      errno = EISDIR;
      warn_("%s", in[i].name);
      status = 1;
    } else if (count(in[i].fd, cnt) != 0) {
      warn_("%s", in[i].name ? in[i].name : "standard input");
      status = 1;
    }
    for (int k = 0; k < NCOUNTS; k++) total[k] = k == MAXLEN ? (cnt[k] > total[k] ? cnt[k] : total[k]) : total[k] + cnt[k];
    print_counts(cnt, width, in[i].name && strcmp(in[i].name, "-") == 0 && implicit ? NULL : in[i].name);
    if (in[i].fd > 0) close(in[i].fd);
  }
  if (nfiles > 1) print_counts(total, width, "total");
  return status;
}
