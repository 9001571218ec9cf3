/* The body of mode.h: chmod's mode grammar, shared by chmod and mkdir -m. */
#include "mode.h"
#include <ctype.h>

/* Apply a mode string to `old`; -1 if it is not a valid mode. */
long mode_apply(const char *spec, mode_t old, int isdir) {
  if (isdigit((unsigned char)*spec)) {
    char *end;
    long m = strtol(spec, &end, 8);
    return *end || m < 0 || m > 07777 ? -1 : m;
  }
  mode_t mode = old & 07777;
  const char *p = spec;
  for (;;) {
    mode_t who = 0;
    for (; *p && strchr("ugoa", *p); p++)
      who |= *p == 'u' ? 04700 : *p == 'g' ? 02070 : *p == 'o' ? 01007 : 07777;
    /* Without who, the umask limits what is set or cleared (POSIX chmod). */
    mode_t limit = 07777;
    if (who == 0) {
      mode_t mask = umask(0);
      umask(mask);
      who = 07777;
      limit = ~mask;
    }
    if (!*p || !strchr("+-=", *p)) return -1;
    while (*p && strchr("+-=", *p)) {
      char op = *p++;
      mode_t bits = 0;
      if (*p && strchr("ugo", *p)) {
        mode_t src = *p == 'u' ? (mode >> 6) & 7 : *p == 'g' ? (mode >> 3) & 7 : mode & 7;
        bits = src << 6 | src << 3 | src;
        p++;
      } else {
        for (; *p && strchr("rwxXst", *p); p++) {
          switch (*p) {
            case 'r': bits |= 0444; break;
            case 'w': bits |= 0222; break;
            case 'x': bits |= 0111; break;
            case 'X': if (isdir || (mode & 0111)) bits |= 0111; break;
            case 's': bits |= 06000; break;
            case 't': bits |= 01000; break;
          }
        }
      }
      bits &= who & limit;
      if (op == '+') mode |= bits;
      else if (op == '-') mode &= ~bits;
      else mode = (mode & ~(who & limit & 07777)) | bits;
    }
    if (!*p) break;
    if (*p != ',') return -1;
    p++;
  }
  return mode;
}
