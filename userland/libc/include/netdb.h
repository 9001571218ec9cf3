/* Host names (userland/libc/netdb.c): struct hostent, h_errno and the
 * lookups, which find no host — tabkernel has no sockets or name service yet.
 * wasi-libc has no <netdb.h>. */
#ifndef _NETDB_H
#define _NETDB_H
#ifdef __cplusplus
extern "C" {
#endif
#include <sys/socket.h>

struct hostent {
  char *h_name;
  char **h_aliases;
  int h_addrtype;
  int h_length;
  char **h_addr_list;
};
#define h_addr h_addr_list[0]

#define HOST_NOT_FOUND 1
#define TRY_AGAIN 2
#define NO_RECOVERY 3
#define NO_DATA 4

extern int h_errno;
struct hostent *gethostbyname(const char *);
struct hostent *gethostbyaddr(const void *, socklen_t, int);
const char *hstrerror(int);

#ifdef __cplusplus
}
#endif
#endif
