/*
 * seq: print a sequence of numbers. seq [-w] [-s SEP] [-f FMT] [FIRST [INCR]] LAST.
 * Numbers are printed with as many decimals as FIRST and INCR have, unless
 * -f gives a printf floating-point format; -w pads with leading zeros to a
 * common width. Each value is FIRST + i*INCR (no accumulated rounding).
 * Negative operands are numbers, not options. Spec: GNU coreutils seq.
 */
#include "lib/util.h"
#include <ctype.h>
#include <math.h>

static int decimals(const char *s) {
  const char *dot = strchr(s, '.');
  if (!dot || strpbrk(s, "eE")) return 0;
  return (int)strspn(dot + 1, "0123456789");
}

static double number(const char *s) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (end == s || *end || isnan(v)) {
    warnx_("invalid floating point argument: '%s'", s);
    usage_hint();
    exit(1);
  }
  return v;
}

/* |v| below 2^53: an integer a double holds exactly. */
static int integral(double v) {
  return v == trunc(v) && fabs(v) <= 9007199254740992.0;
}

/*
 * Integer sequences without -f, formatted here instead of by printf (GNU seq
 * has a similar fast path): printf's floating-point conversion was nearly
 * all of seq's time, ~0.2 µs a number under WebAssembly (seq 1 1000000:
 * ~200 ms, now ~22 ms). The output is what printf("%0*.0f") prints (zeros
 * after the sign up to `width`), written through stdout in 64 KiB pieces.
 * Integers compare exactly, so the sequence never passes LAST (the slack
 * below made "seq 0 1000000000 999999999" print 1000000000).
 */
static void seq_integers(long long first, long long incr, long long last, int width, const char *sep) {
  static char buf[65536];
  size_t pos = 0, seplen = strlen(sep);
  int longsep = seplen > 1024;   /* written by itself, after what is buffered */
  size_t most = (longsep ? 0 : seplen) + 24 + (size_t)width;   /* one number and its separator */
  for (long long v = first; incr > 0 ? v <= last : v >= last; v += incr) {
    if (pos + most > sizeof buf || (longsep && v != first)) {
      if (fwrite(buf, 1, pos, stdout) != pos) die_(1, "write error");
      pos = 0;
    }
    if (v != first) {
      if (longsep) { if (fputs(sep, stdout) == EOF) die_(1, "write error"); }
      else { memcpy(buf + pos, sep, seplen); pos += seplen; }
    }
    char digits[24];
    int nd = 0;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    for (; u > 0xffffffffULL; u /= 10) digits[nd++] = (char)('0' + u % 10);
    /* 32-bit divisions by 10 are multiplications; 64-bit ones are divisions in wasm32 */
    uint32_t w = (uint32_t)u;
    do { digits[nd++] = (char)('0' + w % 10); w /= 10; } while (w);
    if (v < 0) buf[pos++] = '-';
    for (int z = width - nd - (v < 0); z > 0; z--) buf[pos++] = '0';
    while (nd) buf[pos++] = digits[--nd];
  }
  if (pos && fwrite(buf, 1, pos, stdout) != pos) die_(1, "write error");
}

int main(int argc, char **argv) {
  prog = "seq";
  const char *sep = "\n", *fmt = NULL;
  int equal = 0, i = 1;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (a[0] != '-' || !a[1] || isdigit((unsigned char)a[1]) || a[1] == '.') break;
    if (strcmp(a, "--") == 0) { i++; break; }
    for (const char *p = a + 1; *p; p++) {
      if (*p == 'w') { equal = 1; continue; }
      if (*p == 's' || *p == 'f') {
        const char *v = p[1] ? p + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!v) { warnx_("option requires an argument -- '%c'", *p); usage_hint(); return 1; }
        if (*p == 's') sep = v; else fmt = v;
        break;
      }
      warnx_("invalid option -- '%c'", *p);
      usage_hint();
      return 1;
    }
  }
  int n = argc - i;
  if (n < 1) { warnx_("missing operand"); usage_hint(); return 1; }
  if (n > 3) { warnx_("extra operand '%s'", argv[i + 3]); usage_hint(); return 1; }
  const char *sfirst = n > 1 ? argv[i] : "1", *sincr = n > 2 ? argv[i + 1] : "1";
  const char *slast = argv[i + n - 1];
  double first = number(sfirst), incr = number(sincr), last = number(slast);
  if (incr == 0) { warnx_("invalid Zero increment value: '%s'", sincr); usage_hint(); return 1; }
  int prec = decimals(sfirst) > decimals(sincr) ? decimals(sfirst) : decimals(sincr);
  char deffmt[32];
  if (fmt) {
    /* exactly one floating-point directive, as GNU insists */
    int seen = 0;
    for (const char *p = fmt; *p; p++) {
      if (*p != '%') continue;
      if (p[1] == '%') { p++; continue; }
      const char *q = p + 1;
      q += strspn(q, "-+ #0'");
      q += strspn(q, "0123456789");
      if (*q == '.') { q++; q += strspn(q, "0123456789"); }
      if (!*q || !strchr("aAeEfFgG", *q)) diex_(1, "format '%s' has unknown %%%c directive", fmt, *q ? *q : '%');
      if (seen++) diex_(1, "format '%s' has too many %% directives", fmt);
      p = q;
    }
    if (!seen) diex_(1, "format '%s' has no %% directive", fmt);
  }
  int width = 0, given = fmt != NULL;
  if (!fmt) {
    if (equal) {
      char b[64];
      int w1 = snprintf(b, sizeof b, "%.*f", prec, first);
      int w2 = snprintf(b, sizeof b, "%.*f", prec, last);
      width = w1 > w2 ? w1 : w2;
      /* the operands as written count too ("seq -w 003" pads to 3) */
      int l1 = n > 1 && !strpbrk(sfirst, "eE") ? (int)strlen(sfirst) : 0, l2 = strpbrk(slast, "eE") ? 0 : (int)strlen(slast);
      if (l1 > width) width = l1;
      if (l2 > width) width = l2;
    }
    snprintf(deffmt, sizeof deffmt, equal ? "%%0%d.%df" : "%%%d.%df", width, prec);
    fmt = deffmt;
  }
  if (!given && prec == 0 && width <= 1024 && integral(first) && integral(incr) && integral(last)) {
    seq_integers((long long)first, (long long)incr, (long long)last, equal ? width : 0, sep);
  } else for (long long k = 0;; k++) {
    double v = first + (double)k * incr;
    /* a little slack so 0 0.1 0.3 reaches 0.3 despite binary rounding */
    double slack = fabs(incr) * 1e-9;
    if (incr > 0 ? v > last + slack : v < last - slack) break;
    if (k) fputs(sep, stdout);
    if (v == 0) v = 0;   /* no "-0" */
    printf(fmt, v);
  }
  if (!(incr > 0 ? first > last : first < last)) putchar('\n');
  if (fflush(stdout) != 0) die_(1, "write error");
  return 0;
}
