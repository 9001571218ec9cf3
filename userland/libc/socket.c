/*
 * BSD sockets over the kernel's (kernel/net/, docs/NETWORK.md): socket,
 * socketpair, bind, listen, accept, accept4, connect, send, recv, sendto,
 * recvfrom, sendmsg, recvmsg, getsockname, getpeername, getsockopt,
 * setsockopt. accept, accept4, send, recv and getsockopt replace
 * wasi-libc's, which speak WASI's narrower sock_* calls (their objects are
 * then never linked); wasi-libc's shutdown stays (WASI's sock_shutdown is
 * the kernel's). Options are ints, as the kernel keeps them; SO_LINGER is
 * accepted and reads back off (a close never lingers here). No ancillary
 * data: sendmsg with a control buffer is EOPNOTSUPP, recvmsg returns none.
 * Spec: POSIX <sys/socket.h>.
 */
#include <errno.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include <tabkernel.h>

_Static_assert(sizeof(struct sockaddr_storage) == TK_SOCKADDR_MAX, "kernel/abi/socket.ts SOCKADDR_MAX");

static int fail(int e) {
  errno = e;
  return -1;
}

int socket(int domain, int type, int protocol) {
  int32_t fd;
  int r = tk_socket(domain, type, protocol, &fd);
  return r ? fail(r) : fd;
}

int socketpair(int domain, int type, int protocol, int fds[2]) {
  int32_t f[2];
  int r = tk_socketpair(domain, type, protocol, f);
  if (r) return fail(r);
  fds[0] = f[0];
  fds[1] = f[1];
  return 0;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len) {
  int r = tk_bind(fd, addr, len);
  return r ? fail(r) : 0;
}

int listen(int fd, int backlog) {
  int r = tk_listen(fd, backlog);
  return r ? fail(r) : 0;
}

int accept4(int fd, struct sockaddr *restrict addr, socklen_t *restrict len, int flags) {
  int32_t nfd;
  if (addr && !len) return fail(EFAULT);
  int r = tk_accept(fd, flags, addr, addr ? len : NULL, &nfd);
  return r ? fail(r) : nfd;
}

int accept(int fd, struct sockaddr *restrict addr, socklen_t *restrict len) {
  return accept4(fd, addr, len, 0);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len) {
  int r = tk_connect(fd, addr, len);
  return r ? fail(r) : 0;
}

ssize_t sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *to, socklen_t tolen) {
  struct iovec v = {(void *)buf, n};
  size_t sent;
  int r = tk_sendto(fd, &v, 1, flags, to, to ? tolen : 0, &sent);
  return r ? fail(r) : (ssize_t)sent;
}

ssize_t send(int fd, const void *buf, size_t n, int flags) {
  return sendto(fd, buf, n, flags, NULL, 0);
}

ssize_t recvfrom(int fd, void *restrict buf, size_t n, int flags, struct sockaddr *restrict from, socklen_t *restrict fromlen) {
  struct iovec v = {buf, n};
  size_t got;
  if (from && !fromlen) return fail(EFAULT);
  int r = tk_recvfrom(fd, &v, 1, flags, from, from ? fromlen : NULL, &got, NULL);
  return r ? fail(r) : (ssize_t)got;
}

ssize_t recv(int fd, void *buf, size_t n, int flags) {
  return recvfrom(fd, buf, n, flags, NULL, NULL);
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags) {
  if (msg->msg_controllen > 0) return fail(EOPNOTSUPP);
  size_t sent;
  int r = tk_sendto(fd, msg->msg_iov, (size_t)msg->msg_iovlen, flags, msg->msg_name, msg->msg_name ? msg->msg_namelen : 0, &sent);
  return r ? fail(r) : (ssize_t)sent;
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags) {
  size_t got;
  int32_t oflags = 0;
  int r = tk_recvfrom(fd, msg->msg_iov, (size_t)msg->msg_iovlen, flags, msg->msg_name,
                      msg->msg_name ? &msg->msg_namelen : NULL, &got, &oflags);
  if (r) return fail(r);
  msg->msg_controllen = 0;
  msg->msg_flags = (oflags & TK_MSG_TRUNC) ? MSG_TRUNC : 0;
  return (ssize_t)got;
}

int getsockname(int fd, struct sockaddr *restrict addr, socklen_t *restrict len) {
  int r = tk_sockname(fd, 0, addr, len);
  return r ? fail(r) : 0;
}

int getpeername(int fd, struct sockaddr *restrict addr, socklen_t *restrict len) {
  int r = tk_sockname(fd, 1, addr, len);
  return r ? fail(r) : 0;
}

int getsockopt(int fd, int level, int name, void *restrict value, socklen_t *restrict len) {
  if (level == SOL_SOCKET && name == SO_LINGER) {
    if (*len < sizeof(struct linger)) return fail(EINVAL);
    int32_t type;
    int r = tk_sockopt(fd, SOL_SOCKET, SO_TYPE, 0, 0, &type); /* EBADF, ENOTSOCK */
    if (r) return fail(r);
    *(struct linger *)value = (struct linger){0, 0};
    *len = sizeof(struct linger);
    return 0;
  }
  if (*len < sizeof(int)) return fail(EINVAL);
  int32_t v;
  int r = tk_sockopt(fd, level, name, 0, 0, &v);
  if (r) return fail(r);
  *(int *)value = v;
  *len = sizeof(int);
  return 0;
}

int setsockopt(int fd, int level, int name, const void *value, socklen_t len) {
  if (level == SOL_SOCKET && name == SO_LINGER) {
    if (len < sizeof(struct linger)) return fail(EINVAL);
    int32_t type;
    int r = tk_sockopt(fd, SOL_SOCKET, SO_TYPE, 0, 0, &type);
    return r ? fail(r) : 0;
  }
  if (len < sizeof(int)) return fail(EINVAL);
  int r = tk_sockopt(fd, level, name, 1, *(const int *)value, NULL);
  return r ? fail(r) : 0;
}
