/* The body of escape.h. */
#include "escape.h"

int parse_escape(const char *s, int *out, int octal0) {
  switch (*s) {
  case 'a': *out = '\a'; return 1;
  case 'b': *out = '\b'; return 1;
  case 'e': *out = 27; return 1;
  case 'f': *out = '\f'; return 1;
  case 'n': *out = '\n'; return 1;
  case 'r': *out = '\r'; return 1;
  case 't': *out = '\t'; return 1;
  case 'v': *out = '\v'; return 1;
  case '\\': *out = '\\'; return 1;
  case 'c': *out = ESC_STOP; return 1;
  case 'x': {
    int v = 0, i = 1;
    for (; i <= 2; i++) {
      char c = s[i];
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (d < 0) break;
      v = v * 16 + d;
    }
    if (i == 1) { *out = '\\'; return 0; }
    *out = v;
    return i;
  }
  }
  if (*s >= '0' && *s <= '7') {
    int i = 0, v = 0, max = 3;
    if (octal0 && *s == '0') { i = 1; max = 4; }
    for (; i < max && s[i] >= '0' && s[i] <= '7'; i++) v = v * 8 + (s[i] - '0');
    *out = v & 255;
    return i;
  }
  *out = '\\';
  return 0;
}
