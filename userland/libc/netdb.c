/*
 * Host names: gethostbyname, gethostbyaddr and h_errno (<netdb.h>, as POSIX
 * 2001 had them). tabkernel has no sockets and no name service yet, so no
 * name resolves: both answer NULL with h_errno HOST_NOT_FOUND — what a
 * resolver says of a name it does not know. tar calls gethostbyname before
 * reaching a remote archive (host:file).
 */
#include <netdb.h>
#include <stddef.h>

int h_errno;

struct hostent *gethostbyname(const char *name) {
  (void)name;
  h_errno = HOST_NOT_FOUND;
  return NULL;
}

struct hostent *gethostbyaddr(const void *addr, socklen_t len, int type) {
  (void)addr;
  (void)len;
  (void)type;
  h_errno = HOST_NOT_FOUND;
  return NULL;
}

const char *hstrerror(int err) {
  switch (err) {
    case HOST_NOT_FOUND: return "Unknown host";
    case TRY_AGAIN: return "Host name lookup failure";
    case NO_RECOVERY: return "Unknown server error";
    case NO_DATA: return "No address associated with name";
    default: return "Unknown resolver error";
  }
}
