/* wasi-libc's <sys/socket.h>, plus the BSD socket calls tabkernel's libc
 * has (userland/libc/socket.c over the kernel's sockets: docs/NETWORK.md)
 * and the names wasi-libc leaves out. Values wasi-libc defines stay its own
 * (AF_INET 1, SOCK_STREAM 6, SOL_SOCKET 0x7fffffff, MSG_PEEK 1); the others
 * are Linux's, as tabkernel_abi.h exports them from kernel/abi/socket.ts.
 * No ancillary data travels: sendmsg refuses a control buffer (EOPNOTSUPP)
 * and recvmsg returns none. */
#ifndef _TABKERNEL_SYS_SOCKET_H
#define _TABKERNEL_SYS_SOCKET_H
#include_next <sys/socket.h>
#include <tabkernel_abi.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Each only where wasi-libc lacks it: a newer one defines AF_INET as PF_INET. */
#ifndef AF_LOCAL
#define AF_LOCAL AF_UNIX
#endif
#ifndef PF_UNSPEC
#define PF_UNSPEC AF_UNSPEC
#endif
#ifndef PF_INET
#define PF_INET AF_INET
#endif
#ifndef PF_INET6
#define PF_INET6 AF_INET6
#endif
#ifndef PF_UNIX
#define PF_UNIX AF_UNIX
#endif
#ifndef PF_LOCAL
#define PF_LOCAL AF_UNIX
#endif

#ifndef SO_REUSEADDR
#define SO_REUSEADDR TK_SO_REUSEADDR
#define SO_ERROR TK_SO_ERROR
#define SO_BROADCAST TK_SO_BROADCAST
#define SO_SNDBUF TK_SO_SNDBUF
#define SO_RCVBUF TK_SO_RCVBUF
#define SO_KEEPALIVE TK_SO_KEEPALIVE
#define SO_REUSEPORT TK_SO_REUSEPORT
#define SO_ACCEPTCONN TK_SO_ACCEPTCONN
#define SO_PROTOCOL TK_SO_PROTOCOL
#define SO_DOMAIN TK_SO_DOMAIN
#define SO_LINGER TK_SO_LINGER
#define SO_RCVTIMEO TK_SO_RCVTIMEO
#define SO_SNDTIMEO TK_SO_SNDTIMEO
#endif

/* wasi-libc's MSG_TRUNC names a constant its headers do not have (RIFLAGS for ROFLAGS). */
#undef MSG_TRUNC
#define MSG_TRUNC TK_MSG_TRUNC

#ifndef MSG_DONTWAIT
#define MSG_DONTWAIT TK_MSG_DONTWAIT
#define MSG_NOSIGNAL TK_MSG_NOSIGNAL
#define MSG_CTRUNC 0x0008
#endif

#ifndef SOMAXCONN
#define SOMAXCONN TK_SOMAXCONN
#endif

struct cmsghdr {
  socklen_t cmsg_len;
  int cmsg_level;
  int cmsg_type;
};
#define CMSG_ALIGN(len) (((len) + sizeof(size_t) - 1) & (size_t)~(sizeof(size_t) - 1))
#define CMSG_SPACE(len) (CMSG_ALIGN(len) + CMSG_ALIGN(sizeof(struct cmsghdr)))
#define CMSG_LEN(len) (CMSG_ALIGN(sizeof(struct cmsghdr)) + (len))
#define CMSG_DATA(cmsg) ((unsigned char *)(((struct cmsghdr *)(cmsg)) + 1))
#define CMSG_FIRSTHDR(mhdr) ((size_t)(mhdr)->msg_controllen >= sizeof(struct cmsghdr) ? (struct cmsghdr *)(mhdr)->msg_control : (struct cmsghdr *)0)
#define CMSG_NXTHDR(mhdr, cmsg) ((struct cmsghdr *)0)
#define SCM_RIGHTS 0x01

int socket(int, int, int);
int socketpair(int, int, int, int[2]);
int bind(int, const struct sockaddr *, socklen_t);
int connect(int, const struct sockaddr *, socklen_t);
int listen(int, int);
int getsockname(int, struct sockaddr *__restrict, socklen_t *__restrict);
int getpeername(int, struct sockaddr *__restrict, socklen_t *__restrict);
ssize_t sendto(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
ssize_t recvfrom(int, void *__restrict, size_t, int, struct sockaddr *__restrict, socklen_t *__restrict);
ssize_t sendmsg(int, const struct msghdr *, int);
ssize_t recvmsg(int, struct msghdr *, int);
int setsockopt(int, int, int, const void *, socklen_t);

#ifdef __cplusplus
}
#endif
#endif
