/*
 * The IPv4 text conversions wasi-libc leaves out: inet_aton (declared by
 * it, not defined), inet_addr, inet_network and inet_ntoa. inet_pton and
 * inet_ntop are wasi-libc's. inet_aton takes the classic forms: a.b.c.d,
 * a.b.c (c 16 bits), a.b (b 24 bits), a (32 bits), each part decimal, octal
 * (0…) or hexadecimal (0x…).
 * Spec: POSIX inet_addr(3); 4.2BSD's inet_aton.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int inet_aton(const char *s, struct in_addr *out) {
  uint32_t parts[4];
  int n = 0;
  const char *p = s;
  for (;;) {
    if (!isdigit((unsigned char)*p)) return 0;
    char *end;
    unsigned long v = strtoul(p, &end, 0);
    if (v > 0xffffffffUL) return 0;
    parts[n++] = (uint32_t)v;
    p = end;
    if (*p == '\0') break;
    if (*p != '.' || n == 4) return 0;
    p++;
  }
  uint32_t a;
  switch (n) {
    case 1: a = parts[0]; break;
    case 2: if (parts[0] > 255 || parts[1] > 0xffffff) return 0; a = parts[0] << 24 | parts[1]; break;
    case 3: if (parts[0] > 255 || parts[1] > 255 || parts[2] > 0xffff) return 0; a = parts[0] << 24 | parts[1] << 16 | parts[2]; break;
    default:
      for (int i = 0; i < 4; i++) if (parts[i] > 255) return 0;
      a = parts[0] << 24 | parts[1] << 16 | parts[2] << 8 | parts[3];
  }
  if (out) out->s_addr = htonl(a);
  return 1;
}

in_addr_t inet_addr(const char *s) {
  struct in_addr a;
  return inet_aton(s, &a) ? a.s_addr : INADDR_NONE;
}

in_addr_t inet_network(const char *s) {
  struct in_addr a;
  return inet_aton(s, &a) ? ntohl(a.s_addr) : INADDR_NONE;
}

char *inet_ntoa(struct in_addr in) {
  static char buf[16];
  const unsigned char *b = (const unsigned char *)&in.s_addr;
  snprintf(buf, sizeof buf, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
  return buf;
}
