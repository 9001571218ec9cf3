/* The bodies of digest.h: MD5 (RFC 1321), SHA-1 and SHA-256 (FIPS 180-4), and the coreutils front end. */
#include "digest.h"
#include "util.h"
#include <strings.h>

struct digest {
  int kind;
  uint32_t h[8];
  uint64_t len;
  unsigned char buf[64];
  size_t nbuf;
};

static uint32_t rol(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

static uint32_t ror(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static void md5_block(uint32_t *h, const unsigned char *p) {
  static const uint32_t K[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};
  static const int R[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                            5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
                            4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                            6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};
  uint32_t w[16];
  for (int i = 0; i < 16; i++) w[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
  for (int i = 0; i < 64; i++) {
    uint32_t f;
    int g;
    if (i < 16) { f = (b & c) | (~b & d); g = i; }
    else if (i < 32) { f = (d & b) | (~d & c); g = (5 * i + 1) % 16; }
    else if (i < 48) { f = b ^ c ^ d; g = (3 * i + 5) % 16; }
    else { f = c ^ (b | ~d); g = (7 * i) % 16; }
    uint32_t t = d;
    d = c;
    c = b;
    b = b + rol(a + f + K[i] + w[g], R[i]);
    a = t;
  }
  h[0] += a; h[1] += b; h[2] += c; h[3] += d;
}

static void sha1_block(uint32_t *h, const unsigned char *p) {
  uint32_t w[80];
  for (int i = 0; i < 16; i++) w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
  for (int i = 16; i < 80; i++) w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
  for (int i = 0; i < 80; i++) {
    uint32_t f, k;
    if (i < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
    else if (i < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
    else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
    else { f = b ^ c ^ d; k = 0xca62c1d6; }
    uint32_t t = rol(a, 5) + f + e + k + w[i];
    e = d; d = c; c = rol(b, 30); b = a; a = t;
  }
  h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
}

static void sha256_block(uint32_t *h, const unsigned char *p) {
  static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
  uint32_t w[64];
  for (int i = 0; i < 16; i++) w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
  for (int i = 16; i < 64; i++) {
    uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
  for (int i = 0; i < 64; i++) {
    uint32_t t1 = hh + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
    uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
  }
  h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

static void digest_init(struct digest *d, int kind) {
  static const uint32_t md5[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
  static const uint32_t sha1[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
  static const uint32_t sha256[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  memset(d, 0, sizeof *d);
  d->kind = kind;
  memcpy(d->h, kind == MD5 ? md5 : kind == SHA1 ? sha1 : sha256, kind == MD5 ? 16 : kind == SHA1 ? 20 : 32);
}

static void digest_block(struct digest *d, const unsigned char *p) {
  if (d->kind == MD5) md5_block(d->h, p);
  else if (d->kind == SHA1) sha1_block(d->h, p);
  else sha256_block(d->h, p);
}

static void digest_update(struct digest *d, const unsigned char *p, size_t n) {
  d->len += n;
  while (n > 0) {
    size_t take = 64 - d->nbuf < n ? 64 - d->nbuf : n;
    memcpy(d->buf + d->nbuf, p, take);
    d->nbuf += take;
    p += take;
    n -= take;
    if (d->nbuf == 64) { digest_block(d, d->buf); d->nbuf = 0; }
  }
}

/* Finish and write the hex digest to out (65 bytes is enough). */
static void digest_hex(struct digest *d, char *out) {
  uint64_t bits = d->len * 8;
  unsigned char pad = 0x80, zero = 0, lenb[8];
  digest_update(d, &pad, 1);
  while (d->nbuf != 56) digest_update(d, &zero, 1);
  for (int i = 0; i < 8; i++) lenb[i] = (unsigned char)(d->kind == MD5 ? bits >> (8 * i) : bits >> (56 - 8 * i));
  digest_update(d, lenb, 8);
  int words = d->kind == MD5 ? 4 : d->kind == SHA1 ? 5 : 8;
  for (int i = 0; i < words; i++) {
    uint32_t v = d->h[i];
    if (d->kind == MD5) v = (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
    sprintf(out + 8 * i, "%08x", v);
  }
}

/* Hash a file ("-" is stdin) into hex; -1 with errno on failure. */
static int digest_file(const char *name, int kind, char *hex) {
  int fd = open_in(name);
  if (fd < 0) return -1;
  struct digest d;
  digest_init(&d, kind);
  static unsigned char buf[65536];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) digest_update(&d, buf, (size_t)n);
  int e = errno;
  if (fd > 0) close(fd);
  if (n < 0) { errno = e; return -1; }
  digest_hex(&d, hex);
  return 0;
}

int digest_main(int argc, char **argv, int kind) {
  int c, check = 0, quiet = 0, status_only = 0, warn = 0, status = 0;
  size_t hexlen = kind == MD5 ? 32 : kind == SHA1 ? 40 : 64;
  const char *algo = kind == MD5 ? "MD5" : kind == SHA1 ? "SHA1" : "SHA256";
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--quiet")) argv[i] = (char *)"-q";
    else if (!strcmp(argv[i], "--status")) argv[i] = (char *)"-s";
    else if (!strcmp(argv[i], "--check")) argv[i] = (char *)"-c";
    else if (!strcmp(argv[i], "--warn")) argv[i] = (char *)"-w";
  }
  while ((c = getopt_(argc, argv, "cbtqsw")) != -1) {
    switch (c) {
    case 'c': check = 1; break;
    case 'b': case 't': break;
    case 'q': quiet = 1; break;
    case 's': status_only = 1; break;
    case 'w': warn = 1; break;
    default: usage_hint(); return 1;
    }
  }
  char *dflt[] = {"-", NULL};
  char hex[72];
  for (char **f = optind < argc ? argv + optind : dflt; *f; f++) {
    if (!check) {
      if (digest_file(*f, kind, hex) != 0) { warn_("%s", *f); status = 1; continue; }
      printf("%s  %s\n", hex, *f);
      continue;
    }
    FILE *list = fopen_in(*f);
    if (!list) { status = 1; continue; }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long bad = 0, unreadable = 0, malformed = 0, lines = 0;
    while ((n = getline(&line, &cap, list)) > 0) {
      if (line[n - 1] == '\n') line[--n] = 0;
      lines++;
      if ((size_t)n < hexlen + 2 || strspn(line, "0123456789abcdefABCDEF") != hexlen || line[hexlen] != ' ' ||
          (line[hexlen + 1] != ' ' && line[hexlen + 1] != '*')) {
        malformed++;
        if (warn) warnx_("%s: %ld: improperly formatted %s checksum line", *f, lines, algo);
        continue;
      }
      const char *name = line + hexlen + 2;
      if (digest_file(name, kind, hex) != 0) {
        unreadable++;
        if (!status_only) { warn_("%s", name); printf("%s: FAILED open or read\n", name); }
        continue;
      }
      int match = strncasecmp(hex, line, hexlen) == 0;
      if (!match) bad++;
      if (!status_only && !(quiet && match)) printf("%s: %s\n", name, match ? "OK" : "FAILED");
    }
    free(line);
    fclose_in(list);
    fflush(stdout);
    if (lines == malformed) { warnx_("%s: no properly formatted checksum lines found", *f); status = 1; continue; }
    if (!status_only) {
      if (malformed) warnx_("WARNING: %ld line%s improperly formatted", malformed, malformed > 1 ? "s are" : " is");
      if (unreadable) warnx_("WARNING: %ld listed file%s could not be read", unreadable, unreadable > 1 ? "s" : "");
      if (bad) warnx_("WARNING: %ld computed checksum%s did NOT match", bad, bad > 1 ? "s" : "");
    }
    if (bad || unreadable) status = 1;
  }
  if (fflush(stdout) != 0) die_(1, "write error");
  return status;
}
