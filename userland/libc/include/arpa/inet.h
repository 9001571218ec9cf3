/* wasi-libc's <arpa/inet.h>, plus inet_addr, inet_network and inet_ntoa,
 * which it leaves out (userland/libc/inet.c); inet_aton is declared there
 * and defined here. */
#ifndef _TABKERNEL_ARPA_INET_H
#define _TABKERNEL_ARPA_INET_H
#include_next <arpa/inet.h>

#ifdef __cplusplus
extern "C" {
#endif

in_addr_t inet_addr(const char *);
in_addr_t inet_network(const char *);
char *inet_ntoa(struct in_addr);

#ifdef __cplusplus
}
#endif
#endif
