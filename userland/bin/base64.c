/*
 * base64: encode (default) or decode (-d) base64, RFC 4648. Encoded lines
 * wrap at 76 columns (-w COLS, 0 for none); -i ignores garbage when
 * decoding. Spec: GNU coreutils base64.
 */
#include "lib/util.h"

static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int val(int c) {
  const char *p = c ? strchr(A, c) : NULL;
  return p ? (int)(p - A) : -1;
}

static long col;

/* Four output characters for 1-3 input bytes, wrapping at `wrap` columns. */
static void put_quantum(const unsigned char *q, int nq, long wrap) {
  char o[4];
  o[0] = A[q[0] >> 2];
  o[1] = A[((q[0] & 3) << 4) | (nq > 1 ? q[1] >> 4 : 0)];
  o[2] = nq > 1 ? A[((q[1] & 15) << 2) | (nq > 2 ? q[2] >> 6 : 0)] : '=';
  o[3] = nq > 2 ? A[q[2] & 63] : '=';
  for (int k = 0; k < 4; k++) {
    if (wrap && col == wrap) { putchar('\n'); col = 0; }
    putchar(o[k]);
    col++;
  }
}

int main(int argc, char **argv) {
  prog = "base64";
  int c, decode = 0, ignore = 0;
  long wrap = 76;
  while ((c = getopt_(argc, argv, "diw:")) != -1) {
    switch (c) {
    case 'd': decode = 1; break;
    case 'i': ignore = 1; break;
    case 'w': wrap = atol(optarg); if (wrap < 0) diex_(1, "invalid wrap size: '%s'", optarg); break;
    default: usage_hint(); return 1;
    }
  }
  if (argc - optind > 1) { warnx_("extra operand '%s'", argv[optind + 1]); usage_hint(); return 1; }
  const char *name = optind < argc ? argv[optind] : "-";
  int fd = open_in(name);
  if (fd < 0) die_(1, "%s", name);
  static unsigned char buf[65536];
  ssize_t n;
  if (!decode) {
    unsigned char q[3];
    int nq = 0;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
      for (ssize_t i = 0; i < n; i++) {
        q[nq++] = buf[i];
        if (nq == 3) { put_quantum(q, 3, wrap); nq = 0; }
      }
    }
    if (n < 0) die_(1, "read error");
    if (nq) put_quantum(q, nq, wrap);
    if (wrap && col) putchar('\n');
    if (fflush(stdout) != 0) die_(1, "write error");
    return 0;
  }
  int acc = 0, bits = 0, pad = 0;
  while ((n = read(fd, buf, sizeof buf)) > 0) {
    for (ssize_t i = 0; i < n; i++) {
      int ch = buf[i];
      if (ch == '\n' || ch == '\r') continue;
      if (ch == '=') { pad = 1; continue; }
      int v = val(ch);
      if (v < 0 || pad) {
        if (ignore && v < 0) continue;
        fflush(stdout);
        diex_(1, "invalid input");
      }
      acc = (acc << 6) | v;
      bits += 6;
      if (bits >= 8) { bits -= 8; putchar((acc >> bits) & 255); }
    }
  }
  if (fflush(stdout) != 0) die_(1, "write error");
  return 0;
}
