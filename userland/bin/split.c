/*
 * split: split a file into pieces named PREFIXaa, PREFIXab, ... (PREFIX "x").
 * -l N lines per piece (1000), -b N[KMG] bytes, -n N equal pieces;
 * -a LEN suffix length (2), -d numeric suffixes. Spec: POSIX split.
 */
#include "lib/util.h"

static int suffix_len = 2, numeric;
static const char *prefix = "x";
static long long piece;

static FILE *next_piece(void) {
  char *name = xmalloc(strlen(prefix) + (size_t)suffix_len + 1);
  strcpy(name, prefix);
  long long k = piece++;
  int base = numeric ? 10 : 26;
  char *s = name + strlen(prefix);
  for (int i = suffix_len - 1; i >= 0; i--) { s[i] = (char)(numeric ? '0' + k % base : 'a' + k % base); k /= base; }
  s[suffix_len] = 0;
  if (k) diex_(1, "output file suffixes exhausted");
  FILE *f = fopen(name, "w");
  if (!f) die_(1, "%s", name);
  free(name);
  return f;
}

int main(int argc, char **argv) {
  prog = "split";
  int c;
  long long lines = 1000, bytes = 0, chunks = 0;
  while ((c = getopt_(argc, argv, "l:b:n:a:d")) != -1) {
    switch (c) {
    case 'l': lines = parse_count(optarg); if (lines <= 0) diex_(1, "invalid number of lines: '%s'", optarg); break;
    case 'b': bytes = parse_count(optarg); if (bytes <= 0) diex_(1, "invalid number of bytes: '%s'", optarg); break;
    case 'n': chunks = parse_count(optarg); if (chunks <= 0) diex_(1, "invalid number of chunks: '%s'", optarg); break;
    case 'a': suffix_len = atoi(optarg); if (suffix_len < 1) diex_(1, "invalid suffix length: '%s'", optarg); break;
    case 'd': numeric = 1; break;
    default: usage_hint(); return 1;
    }
  }
  const char *name = optind < argc ? argv[optind] : "-";
  if (optind + 1 < argc) prefix = argv[optind + 1];
  FILE *in = fopen_in(name);
  if (!in) return 1;
  FILE *out = NULL;
  int ch;
  long long n = 0;
  if (chunks) {
    /* equal pieces need the size: read it all */
    size_t cap = 65536, len = 0;
    char *buf = xmalloc(cap);
    size_t r;
    while ((r = fread(buf + len, 1, cap - len, in)) > 0) { len += r; if (len == cap) buf = xrealloc(buf, cap *= 2); }
    size_t each = len / (size_t)chunks, off = 0;
    for (long long i = 0; i < chunks; i++) {
      size_t take = i + 1 == chunks ? len - off : each;
      out = next_piece();
      fwrite(buf + off, 1, take, out);
      fclose(out);
      off += take;
    }
    return 0;
  }
  while ((ch = getc(in)) != EOF) {
    if (!out) { out = next_piece(); n = 0; }
    putc(ch, out);
    if (bytes ? ++n >= bytes : (ch == '\n' && ++n >= lines)) { fclose(out); out = NULL; }
  }
  if (out) fclose(out);
  return 0;
}
