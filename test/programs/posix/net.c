// Sockets (kernel/net/, kernel/syscall/sock.ts; userland/libc/socket.c,
// netdb.c), checked as Linux behaves:
//   net selftest                 every check below, forking where two ends are needed
//   net echo-server PORT COUNT   accept COUNT connections on 127.0.0.1:PORT, echo each to EOF
//   net echo-client PORT TEXT    connect (retrying while refused), send TEXT, shut down
//                                writing, print what comes back
// Run as `tabkernel run net.wasm selftest`.
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "../tk_test.h"

static void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static int finish(pid_t pid) {
  int st;
  if (waitpid(pid, &st, 0) != pid) return 255;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 200 + WTERMSIG(st);
}

static struct sockaddr_in in4(const char *ip, int port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)port);
  inet_pton(AF_INET, ip, &a.sin_addr);
  return a;
}

static int port_of(int fd) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0) return -1;
  return ss.ss_family == AF_INET ? ntohs(((struct sockaddr_in *)&ss)->sin_port) : ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* A TCP listener on 127.0.0.1 (port 0: an ephemeral one). */
static int listener(int port, int flags) {
  int s = socket(AF_INET, SOCK_STREAM | flags, 0);
  struct sockaddr_in a = in4("127.0.0.1", port);
  if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 16) != 0) return -1;
  return s;
}

static int connect_to(int port, int flags) {
  int c = socket(AF_INET, SOCK_STREAM | flags, 0);
  struct sockaddr_in a = in4("127.0.0.1", port);
  int r = connect(c, (struct sockaddr *)&a, sizeof a);
  if (r != 0 && errno != EINPROGRESS) {
    close(c);
    return -1;
  }
  return c;
}

static int e(int r) {
  return r < 0 ? errno : 0;
}

static ssize_t read_all(int fd, char *buf, size_t max) {
  size_t got = 0;
  while (got < max) {
    ssize_t n = read(fd, buf + got, max - got);
    if (n < 0) return -1;
    if (n == 0) break;
    got += (size_t)n;
  }
  return (ssize_t)got;
}

static void check_pair(void) {
  int sv[2];
  CHECK("socketpair", socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "errno %d", errno);
  CHECK("socketpair.write", write(sv[0], "ping", 4) == 4, "errno %d", errno);
  char buf[16] = {0};
  CHECK("socketpair.read", read(sv[1], buf, sizeof buf) == 4 && !memcmp(buf, "ping", 4), "got '%s'", buf);
  CHECK("socketpair.other way", write(sv[1], "pong", 4) == 4 && read(sv[0], buf, sizeof buf) == 4 && !memcmp(buf, "pong", 4), "errno %d", errno);
  CHECK("socketpair.shutdown", shutdown(sv[0], SHUT_WR) == 0, "errno %d", errno);
  CHECK("socketpair.EOF after SHUT_WR", read(sv[1], buf, sizeof buf) == 0, "errno %d", errno);
  CHECK("socketpair.write after SHUT_WR is EPIPE", e(send(sv[0], "x", 1, MSG_NOSIGNAL)) == EPIPE, "errno %d", errno);
  CHECK("socketpair.still writable the other way", write(sv[1], "z", 1) == 1 && read(sv[0], buf, 1) == 1 && buf[0] == 'z', "errno %d", errno);
  close(sv[0]);
  struct pollfd hp = {sv[1], POLLIN, 0};
  CHECK("socketpair.POLLHUP once the peer closed", poll(&hp, 1, 0) == 1 && (hp.revents & POLLHUP) && (hp.revents & POLLIN), "revents %x", hp.revents);
  CHECK("socketpair.EPIPE once the peer closed (MSG_NOSIGNAL)", e(send(sv[1], "x", 1, MSG_NOSIGNAL)) == EPIPE, "errno %d", errno);
  close(sv[1]);

  /* SIGPIPE's default ends a writer whose peer is gone. */
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  close(sv[1]);
  pid_t pid = fork();
  if (pid == 0) {
    write(sv[0], "x", 1);
    _exit(0);
  }
  int st = finish(pid);
  CHECK("socketpair.SIGPIPE kills a writer", st == 200 + SIGPIPE, "status %d", st);
  close(sv[0]);

  CHECK("socketpair.AF_INET is EOPNOTSUPP", e(socketpair(AF_INET, SOCK_STREAM, 0, sv)) == EOPNOTSUPP, "errno %d", errno);

  /* Datagrams keep their boundaries. */
  CHECK("socketpair.dgram", socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0, "errno %d", errno);
  send(sv[0], "one", 3, 0);
  send(sv[0], "three", 5, 0);
  ssize_t a = recv(sv[1], buf, sizeof buf, 0), b = recv(sv[1], buf + 8, sizeof buf - 8, 0);
  CHECK("socketpair.dgram boundaries", a == 3 && b == 5 && !memcmp(buf, "one", 3) && !memcmp(buf + 8, "three", 5), "%zd %zd", a, b);
  close(sv[0]);
  close(sv[1]);
}

static void check_tcp(void) {
  int s = listener(0, 0);
  int port = port_of(s);
  CHECK("tcp.listen on an ephemeral port", s >= 0 && port >= 32768 && port <= 60999, "port %d errno %d", port, errno);
  int c = connect_to(port, 0);
  CHECK("tcp.connect", c >= 0, "errno %d", errno);
  struct sockaddr_in peer;
  socklen_t plen = sizeof peer;
  int a = accept(s, (struct sockaddr *)&peer, &plen);
  CHECK("tcp.accept", a >= 0 && plen == sizeof peer && peer.sin_family == AF_INET, "errno %d len %u", errno, plen);
  CHECK("tcp.accept reports the client's address", ntohs(peer.sin_port) == port_of(c) && peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
        "peer port %d, client %d", ntohs(peer.sin_port), port_of(c));
  struct sockaddr_in name;
  socklen_t nlen = sizeof name;
  CHECK("tcp.getpeername", getpeername(c, (struct sockaddr *)&name, &nlen) == 0 && ntohs(name.sin_port) == port, "errno %d", errno);
  char buf[64] = {0};
  CHECK("tcp.send", send(c, "hello", 5, 0) == 5, "errno %d", errno);
  CHECK("tcp.recv MSG_PEEK", recv(a, buf, sizeof buf, MSG_PEEK) == 5 && !memcmp(buf, "hello", 5), "errno %d", errno);
  memset(buf, 0, sizeof buf);
  CHECK("tcp.recv", recv(a, buf, sizeof buf, 0) == 5 && !memcmp(buf, "hello", 5), "got '%s'", buf);

  /* A megabyte from a forked child, read back whole and in order. */
  pid_t pid = fork();
  if (pid == 0) {
    static char big[1 << 20];
    for (size_t i = 0; i < sizeof big; i++) big[i] = (char)(i * 7 + i / 251);
    size_t off = 0;
    while (off < sizeof big) {
      ssize_t n = write(c, big + off, sizeof big - off);
      if (n <= 0) _exit(1);
      off += (size_t)n;
    }
    _exit(0);
  }
  static char got[1 << 20];
  ssize_t n = 0;
  while (n < (ssize_t)sizeof got) {
    ssize_t k = read(a, got + n, sizeof got - (size_t)n);
    if (k <= 0) break;
    n += k;
  }
  int bad = -1;
  for (ssize_t i = 0; i < n && bad < 0; i++) if (got[i] != (char)(i * 7 + i / 251)) bad = (int)i;
  CHECK("tcp.1 MiB in order", n == (ssize_t)sizeof got && bad < 0, "read %zd, first bad byte %d", n, bad);
  CHECK("tcp.writer exited", finish(pid) == 0, "");

  /* MSG_WAITALL waits for all the bytes. */
  pid = fork();
  if (pid == 0) {
    for (int i = 0; i < 4; i++) {
      sleep_ms(5);
      write(c, "abcd", 4);
    }
    _exit(0);
  }
  memset(buf, 0, sizeof buf);
  CHECK("tcp.MSG_WAITALL", recv(a, buf, 16, MSG_WAITALL) == 16 && !memcmp(buf, "abcdabcdabcdabcd", 16), "got '%s'", buf);
  finish(pid);

  /* The peer closes: EOF, and poll says so. */
  close(c);
  struct pollfd p = {a, POLLIN, 0};
  CHECK("tcp.poll readable at EOF", poll(&p, 1, 1000) == 1 && (p.revents & POLLIN), "revents %x", p.revents);
  CHECK("tcp.read 0 at EOF", read(a, buf, sizeof buf) == 0, "errno %d", errno);
  close(a);
  close(s);
}

static void check_errors(void) {
  int s = listener(0, 0);
  int port = port_of(s);
  int t = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = in4("127.0.0.1", port);
  CHECK("err.EADDRINUSE", e(bind(t, (struct sockaddr *)&a, sizeof a)) == EADDRINUSE, "errno %d", errno);
  struct sockaddr_in any = in4("0.0.0.0", port);
  CHECK("err.EADDRINUSE on the wildcard", e(bind(t, (struct sockaddr *)&any, sizeof any)) == EADDRINUSE, "errno %d", errno);
  struct sockaddr_in far = in4("8.8.8.8", 0);
  CHECK("err.EADDRNOTAVAIL", e(bind(t, (struct sockaddr *)&far, sizeof far)) == EADDRNOTAVAIL, "errno %d", errno);
  char buf[4];
  CHECK("err.ENOTCONN read", e(read(t, buf, 1)) == ENOTCONN, "errno %d", errno);
  CHECK("err.ENOTCONN send", e(send(t, "x", 1, 0)) == ENOTCONN, "errno %d", errno);
  struct sockaddr_in name;
  socklen_t nlen = sizeof name;
  CHECK("err.ENOTCONN getpeername", e(getpeername(t, (struct sockaddr *)&name, &nlen)) == ENOTCONN, "errno %d", errno);
  CHECK("err.EINVAL accept on a socket not listening", e(accept(t, NULL, NULL)) == EINVAL, "errno %d", errno);
  close(t);
  close(s);
  /* The port is free once its listener closed (there is no TIME_WAIT). */
  t = socket(AF_INET, SOCK_STREAM, 0);
  CHECK("err.rebind after close", bind(t, (struct sockaddr *)&a, sizeof a) == 0, "errno %d", errno);
  close(t);
  t = socket(AF_INET, SOCK_STREAM, 0);
  CHECK("err.ECONNREFUSED", e(connect(t, (struct sockaddr *)&a, sizeof a)) == ECONNREFUSED, "errno %d", errno);
  close(t);

  s = listener(0, 0);
  port = port_of(s);
  int c = connect_to(port, 0);
  a = in4("127.0.0.1", port);
  CHECK("err.EISCONN", e(connect(c, (struct sockaddr *)&a, sizeof a)) == EISCONN, "errno %d", errno);
  CHECK("err.EPROTONOSUPPORT", e(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP)) == EPROTONOSUPPORT, "errno %d", errno);
  CHECK("err.EAFNOSUPPORT", e(socket(77, SOCK_STREAM, 0)) == EAFNOSUPPORT, "errno %d", errno);
  CHECK("err.ENOTSOCK", e(listen(1, 1)) == ENOTSOCK, "errno %d", errno);
  CHECK("err.EBADF", e(listen(999, 1)) == EBADF, "errno %d", errno);
  int d = socket(AF_INET, SOCK_DGRAM, 0);
  CHECK("err.EOPNOTSUPP listen on UDP", e(listen(d, 1)) == EOPNOTSUPP, "errno %d", errno);
  close(d);
  int acc = accept(s, NULL, NULL);

  /* Options. */
  int v = -1;
  socklen_t vl = sizeof v;
  CHECK("opt.SO_TYPE", getsockopt(c, SOL_SOCKET, SO_TYPE, &v, &vl) == 0 && v == SOCK_STREAM, "v %d errno %d", v, errno);
  int one = 1;
  CHECK("opt.SO_REUSEADDR", setsockopt(c, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0 &&
        getsockopt(c, SOL_SOCKET, SO_REUSEADDR, &v, &vl) == 0 && v == 1, "v %d", v);
  CHECK("opt.TCP_NODELAY", setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0, "errno %d", errno);
  CHECK("opt.SO_KEEPALIVE", setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one) == 0, "errno %d", errno);
  int size = 100000;
  CHECK("opt.SO_RCVBUF doubles", setsockopt(c, SOL_SOCKET, SO_RCVBUF, &size, sizeof size) == 0 &&
        getsockopt(c, SOL_SOCKET, SO_RCVBUF, &v, &vl) == 0 && v == 200000, "v %d", v);
  CHECK("opt.SO_ERROR", getsockopt(c, SOL_SOCKET, SO_ERROR, &v, &vl) == 0 && v == 0, "v %d", v);
  CHECK("opt.SO_ACCEPTCONN", getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl) == 0 && v == 1, "v %d", v);
  CHECK("opt.ENOPROTOOPT", e(getsockopt(c, SOL_SOCKET, 12345, &v, &vl)) == ENOPROTOOPT, "errno %d", errno);

  /* A close with bytes unread resets: the peer reads what it was sent, then ECONNRESET once, then EOF; a write, EPIPE. */
  send(c, "sent", 4, 0);
  send(acc, "unread by c", 11, 0);
  close(c);
  char b2[16];
  struct pollfd ep = {acc, POLLIN, 0};
  CHECK("reset.POLLERR", poll(&ep, 1, 0) == 1 && (ep.revents & POLLERR), "revents %x", ep.revents);
  CHECK("reset.bytes sent before", read(acc, b2, sizeof b2) == 4, "errno %d", errno);
  CHECK("reset.ECONNRESET", e(read(acc, b2, sizeof b2)) == ECONNRESET, "errno %d", errno);
  CHECK("reset.then EOF", read(acc, b2, sizeof b2) == 0, "errno %d", errno);
  CHECK("reset.then EPIPE", e(send(acc, "x", 1, MSG_NOSIGNAL)) == EPIPE, "errno %d", errno);
  close(acc);
  close(s);

  /* SO_REUSEADDR lets two sockets bind a port; only one may listen. */
  int r1 = socket(AF_INET, SOCK_STREAM, 0), r2 = socket(AF_INET, SOCK_STREAM, 0);
  setsockopt(r1, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(r2, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in ra = in4("127.0.0.1", 0);
  bind(r1, (struct sockaddr *)&ra, sizeof ra);
  ra.sin_port = htons((uint16_t)port_of(r1));
  CHECK("reuse.two binds", bind(r2, (struct sockaddr *)&ra, sizeof ra) == 0, "errno %d", errno);
  CHECK("reuse.one listens", listen(r1, 1) == 0, "errno %d", errno);
  CHECK("reuse.the other may not", e(listen(r2, 1)) == EADDRINUSE, "errno %d", errno);
  close(r1);
  close(r2);
}

static void check_nonblocking(void) {
  int s = listener(0, SOCK_NONBLOCK);
  int port = port_of(s);
  CHECK("nb.accept EAGAIN", e(accept(s, NULL, NULL)) == EAGAIN, "errno %d", errno);
  struct pollfd p = {s, POLLIN, 0};
  CHECK("nb.listener not readable", poll(&p, 1, 0) == 0, "revents %x", p.revents);
  int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  struct sockaddr_in a = in4("127.0.0.1", port);
  CHECK("nb.connect EINPROGRESS", e(connect(c, (struct sockaddr *)&a, sizeof a)) == EINPROGRESS, "errno %d", errno);
  struct pollfd pc = {c, POLLOUT, 0};
  CHECK("nb.connected: writable", poll(&pc, 1, 1000) == 1 && (pc.revents & POLLOUT), "revents %x", pc.revents);
  int v = -1;
  socklen_t vl = sizeof v;
  CHECK("nb.SO_ERROR 0", getsockopt(c, SOL_SOCKET, SO_ERROR, &v, &vl) == 0 && v == 0, "v %d", v);
  CHECK("nb.listener readable", poll(&p, 1, 1000) == 1 && (p.revents & POLLIN), "revents %x", p.revents);
  int acc = accept4(s, NULL, NULL, SOCK_NONBLOCK);
  CHECK("nb.accept4", acc >= 0 && (fcntl(acc, F_GETFL) & O_NONBLOCK), "errno %d", errno);
  char buf[4096];
  CHECK("nb.read EAGAIN", e(read(acc, buf, sizeof buf)) == EAGAIN, "errno %d", errno);
  struct pollfd pr = {acc, POLLIN, 0};
  CHECK("nb.not readable", poll(&pr, 1, 0) == 0, "revents %x", pr.revents);
  write(c, "x", 1);
  CHECK("nb.readable", poll(&pr, 1, 1000) == 1 && (pr.revents & POLLIN), "revents %x", pr.revents);
  CHECK("nb.read", read(acc, buf, sizeof buf) == 1, "errno %d", errno);
  /* Fill it until it would block; then it is not writable. */
  memset(buf, 'f', sizeof buf);
  long total = 0;
  for (;;) {
    ssize_t n = write(c, buf, sizeof buf);
    if (n < 0) break;
    total += n;
  }
  CHECK("nb.write EAGAIN when full", errno == EAGAIN && total > 0, "errno %d after %ld", errno, total);
  CHECK("nb.not writable when full", poll(&pc, 1, 0) == 0, "revents %x", pc.revents);
  /* MSG_DONTWAIT on a blocking socket. */
  int b = connect_to(port, 0);
  int ba = -1;
  for (int i = 0; i < 100 && ba < 0; i++) ba = accept(s, NULL, NULL);
  CHECK("nb.MSG_DONTWAIT", e(recv(b, buf, 1, MSG_DONTWAIT)) == EAGAIN, "errno %d", errno);
  fd_set rd;
  FD_ZERO(&rd);
  FD_SET(b, &rd);
  struct timeval tv = {0, 0};
  CHECK("nb.select not readable", select(b + 1, &rd, NULL, NULL, &tv) == 0, "");
  send(ba, "y", 1, 0);
  FD_ZERO(&rd);
  FD_SET(b, &rd);
  tv.tv_sec = 1;
  CHECK("nb.select readable", select(b + 1, &rd, NULL, NULL, &tv) == 1 && FD_ISSET(b, &rd), "");
  close(b);
  close(ba);
  close(acc);
  close(c);
  close(s);
}

static void check_unix(void) {
  const char *path = "/tmp/net-test.sock";
  unlink(path);
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un a;
  memset(&a, 0, sizeof a);
  a.sun_family = AF_UNIX;
  strcpy(a.sun_path, path);
  CHECK("unix.bind", bind(s, (struct sockaddr *)&a, sizeof a) == 0, "errno %d", errno);
  CHECK("unix.listen", listen(s, 4) == 0, "errno %d", errno);
  struct stat st;
  CHECK("unix.a socket file", stat(path, &st) == 0 && S_ISSOCK(st.st_mode), "mode %o errno %d", st.st_mode, errno);
  int t = socket(AF_UNIX, SOCK_STREAM, 0);
  CHECK("unix.EADDRINUSE", e(bind(t, (struct sockaddr *)&a, sizeof a)) == EADDRINUSE, "errno %d", errno);
  CHECK("unix.connect", connect(t, (struct sockaddr *)&a, sizeof a) == 0, "errno %d", errno);
  int acc = accept(s, NULL, NULL);
  char buf[32] = {0};
  CHECK("unix.echo", write(t, "over unix", 9) == 9 && read(acc, buf, sizeof buf) == 9 && !strcmp(buf, "over unix"), "got '%s'", buf);
  struct sockaddr_un n;
  socklen_t len = sizeof n;
  CHECK("unix.getsockname", getsockname(s, (struct sockaddr *)&n, &len) == 0 && !strcmp(n.sun_path, path), "'%s'", n.sun_path);
  len = sizeof n;
  CHECK("unix.getpeername", getpeername(t, (struct sockaddr *)&n, &len) == 0 && !strcmp(n.sun_path, path), "'%s'", n.sun_path);
  int d = socket(AF_UNIX, SOCK_DGRAM, 0);
  CHECK("unix.EPROTOTYPE", e(connect(d, (struct sockaddr *)&a, sizeof a)) == EPROTOTYPE, "errno %d", errno);
  close(d);
  close(acc);
  close(t);
  close(s);
  t = socket(AF_UNIX, SOCK_STREAM, 0);
  CHECK("unix.ECONNREFUSED once closed", e(connect(t, (struct sockaddr *)&a, sizeof a)) == ECONNREFUSED, "errno %d", errno);
  unlink(path);
  CHECK("unix.ENOENT once unlinked", e(connect(t, (struct sockaddr *)&a, sizeof a)) == ENOENT, "errno %d", errno);
  close(t);

  /* An abstract name: no file. */
  s = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un ab;
  memset(&ab, 0, sizeof ab);
  ab.sun_family = AF_UNIX;
  memcpy(ab.sun_path, "\0tk-abstract", 12);
  socklen_t ablen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 12);
  CHECK("unix.abstract bind", bind(s, (struct sockaddr *)&ab, ablen) == 0 && listen(s, 1) == 0, "errno %d", errno);
  t = socket(AF_UNIX, SOCK_STREAM, 0);
  CHECK("unix.abstract connect", connect(t, (struct sockaddr *)&ab, ablen) == 0, "errno %d", errno);
  close(t);
  close(s);

  /* Datagrams to a bound path. */
  const char *dpath = "/tmp/net-test.dgram";
  unlink(dpath);
  int r = socket(AF_UNIX, SOCK_DGRAM, 0);
  struct sockaddr_un da;
  memset(&da, 0, sizeof da);
  da.sun_family = AF_UNIX;
  strcpy(da.sun_path, dpath);
  bind(r, (struct sockaddr *)&da, sizeof da);
  int w = socket(AF_UNIX, SOCK_DGRAM, 0);
  CHECK("unix.dgram sendto", sendto(w, "msg", 3, 0, (struct sockaddr *)&da, sizeof da) == 3, "errno %d", errno);
  memset(buf, 0, sizeof buf);
  CHECK("unix.dgram recv", recv(r, buf, sizeof buf, 0) == 3 && !strcmp(buf, "msg"), "errno %d", errno);
  close(w);
  close(r);
  unlink(dpath);
}

static void check_udp(void) {
  int r = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = in4("127.0.0.1", 0);
  CHECK("udp.bind", bind(r, (struct sockaddr *)&a, sizeof a) == 0, "errno %d", errno);
  a.sin_port = htons((uint16_t)port_of(r));
  int w = socket(AF_INET, SOCK_DGRAM, 0);
  CHECK("udp.sendto", sendto(w, "datagram", 8, 0, (struct sockaddr *)&a, sizeof a) == 8, "errno %d", errno);
  char buf[32] = {0};
  struct sockaddr_in from;
  socklen_t flen = sizeof from;
  CHECK("udp.recvfrom", recvfrom(r, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen) == 8 && !strcmp(buf, "datagram"), "errno %d", errno);
  CHECK("udp.the sender's address", flen == sizeof from && ntohs(from.sin_port) == port_of(w) && from.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
        "port %d vs %d", ntohs(from.sin_port), port_of(w));
  sendto(w, "0123456789", 10, 0, (struct sockaddr *)&a, sizeof a);
  struct iovec iov = {buf, 4};
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  CHECK("udp.MSG_TRUNC", recvmsg(r, &msg, 0) == 4 && (msg.msg_flags & MSG_TRUNC), "flags %x", msg.msg_flags);
  CHECK("udp.EDESTADDRREQ", e(send(w, "x", 1, 0)) == EDESTADDRREQ, "errno %d", errno);
  /* Connected to a port nobody has: the next call hears of it. */
  int c = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in nobody = in4("127.0.0.1", 9);
  connect(c, (struct sockaddr *)&nobody, sizeof nobody);
  send(c, "x", 1, 0);
  CHECK("udp.ECONNREFUSED", e(send(c, "x", 1, 0)) == ECONNREFUSED, "errno %d", errno);
  close(c);
  close(w);
  close(r);
}

static void check_inet6(void) {
  int s = socket(AF_INET6, SOCK_STREAM, 0);
  struct sockaddr_in6 a;
  memset(&a, 0, sizeof a);
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_any;
  CHECK("inet6.bind ::", bind(s, (struct sockaddr *)&a, sizeof a) == 0 && listen(s, 4) == 0, "errno %d", errno);
  int port = port_of(s);
  /* Dual stack: an IPv4 client reaches it, and shows as ::ffff:127.0.0.1. */
  int c4 = connect_to(port, 0);
  struct sockaddr_in6 peer;
  socklen_t plen = sizeof peer;
  int acc = accept(s, (struct sockaddr *)&peer, &plen);
  char text[64] = "";
  inet_ntop(AF_INET6, &peer.sin6_addr, text, sizeof text);
  CHECK("inet6.v4 client of a v6 listener", c4 >= 0 && acc >= 0 && !strcmp(text, "::ffff:127.0.0.1"), "'%s'", text);
  close(acc);
  close(c4);
  int c6 = socket(AF_INET6, SOCK_STREAM, 0);
  struct sockaddr_in6 to;
  memset(&to, 0, sizeof to);
  to.sin6_family = AF_INET6;
  to.sin6_addr = in6addr_loopback;
  to.sin6_port = htons((uint16_t)port);
  CHECK("inet6.connect ::1", connect(c6, (struct sockaddr *)&to, sizeof to) == 0, "errno %d", errno);
  acc = accept(s, NULL, NULL);
  char buf[8] = {0};
  CHECK("inet6.echo", write(c6, "v6", 2) == 2 && read(acc, buf, sizeof buf) == 2 && !strcmp(buf, "v6"), "errno %d", errno);
  close(acc);
  close(c6);
  close(s);
}

static void check_names(void) {
  struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
  int r = getaddrinfo("localhost", "http", &hints, &res);
  char text[64] = "";
  if (r == 0) inet_ntop(res->ai_family, res->ai_family == AF_INET ? (void *)&((struct sockaddr_in *)res->ai_addr)->sin_addr : (void *)&((struct sockaddr_in6 *)res->ai_addr)->sin6_addr, text, sizeof text);
  CHECK("gai.localhost", r == 0 && res->ai_family == AF_INET && !strcmp(text, "127.0.0.1") && ntohs(((struct sockaddr_in *)res->ai_addr)->sin_port) == 80,
        "r %d (%s) '%s'", r, gai_strerror(r), text);
  CHECK("gai.localhost has ::1 too", r == 0 && res->ai_next && res->ai_next->ai_family == AF_INET6, "");
  if (r == 0) freeaddrinfo(res);
  hints.ai_flags = AI_PASSIVE;
  hints.ai_family = AF_INET;
  r = getaddrinfo(NULL, "8080", &hints, &res);
  CHECK("gai.passive", r == 0 && ((struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr == INADDR_ANY, "r %d", r);
  if (r == 0) freeaddrinfo(res);
  hints.ai_flags = 0;
  hints.ai_family = AF_UNSPEC;
  r = getaddrinfo("::1", "22", &hints, &res);
  CHECK("gai.numeric v6", r == 0 && res->ai_family == AF_INET6, "r %d", r);
  if (r == 0) freeaddrinfo(res);
  CHECK("gai.bad service", getaddrinfo("localhost", "no-such-service", &hints, &res) == EAI_SERVICE, "");
  hints.ai_flags = AI_NUMERICHOST;
  CHECK("gai.AI_NUMERICHOST", getaddrinfo("localhost", NULL, &hints, &res) == EAI_NONAME, "");
  CHECK("gai.gai_strerror", strlen(gai_strerror(EAI_NONAME)) > 0, "");
  struct sockaddr_in sa = in4("127.0.0.1", 443);
  char host[64], serv[16];
  CHECK("gni.localhost", getnameinfo((struct sockaddr *)&sa, sizeof sa, host, sizeof host, serv, sizeof serv, 0) == 0 &&
        !strcmp(host, "localhost") && !strcmp(serv, "https"), "'%s' '%s'", host, serv);
  CHECK("gni.numeric", getnameinfo((struct sockaddr *)&sa, sizeof sa, host, sizeof host, serv, sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV) == 0 &&
        !strcmp(host, "127.0.0.1") && !strcmp(serv, "443"), "'%s' '%s'", host, serv);
  struct in_addr ia;
  CHECK("inet_aton", inet_aton("127.1", &ia) == 1 && ia.s_addr == htonl(0x7f000001), "%x", ia.s_addr);
  CHECK("inet_ntoa", !strcmp(inet_ntoa(ia), "127.0.0.1"), "");
  CHECK("inet_addr", inet_addr("10.0.2.2") == htonl(0x0a000202) && inet_addr("x") == INADDR_NONE, "");
  struct hostent *h = gethostbyname("localhost");
  CHECK("gethostbyname", h && h->h_addrtype == AF_INET && ((struct in_addr *)h->h_addr)->s_addr == htonl(INADDR_LOOPBACK), "");
}

/* WASI's own sock_* calls on the kernel's sockets. */
static void check_wasi(void) {
  int s = listener(0, 0);
  int c = connect_to(port_of(s), 0);
  __wasi_fd_t acc;
  EXPECT_OK("wasi.sock_accept", __wasi_sock_accept((__wasi_fd_t)s, 0, &acc));
  __wasi_ciovec_t out = {(const uint8_t *)"wasi", 4};
  __wasi_size_t sent = 0;
  EXPECT_OK("wasi.sock_send", __wasi_sock_send((__wasi_fd_t)c, &out, 1, 0, &sent));
  char buf[8] = {0};
  __wasi_iovec_t in = {(uint8_t *)buf, sizeof buf};
  __wasi_size_t got = 0;
  __wasi_roflags_t of = 0;
  EXPECT_OK("wasi.sock_recv", __wasi_sock_recv(acc, &in, 1, 0, &got, &of));
  CHECK("wasi.bytes", got == 4 && !strcmp(buf, "wasi"), "got %u", got);
  EXPECT_OK("wasi.sock_shutdown", __wasi_sock_shutdown((__wasi_fd_t)c, __WASI_SDFLAGS_WR));
  EXPECT_OK("wasi.sock_recv at EOF", __wasi_sock_recv(acc, &in, 1, 0, &got, &of));
  CHECK("wasi.EOF", got == 0, "got %u", got);
  __wasi_fdstat_t st;
  int fe = __wasi_fd_fdstat_get(acc, &st);
  CHECK("wasi.filetype", fe == 0 && st.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM, "%d", st.fs_filetype);
  EXPECT_ERR("wasi.sock_accept ENOTSOCK", __wasi_sock_accept(1, 0, &acc), __WASI_ERRNO_NOTSOCK);
  close(acc);
  close(c);
  close(s);
}

/* A child that dies with a connection open: its peer sees EOF and its port is free again. */
static void check_death(void) {
  int s = listener(0, 0);
  int port = port_of(s);
  int ready[2];
  pipe(ready);
  pid_t pid = fork();
  if (pid == 0) {
    int c = connect_to(port, 0);
    write(c, "bye", 3);
    write(ready[1], "r", 1);
    for (;;) pause();
  }
  char r;
  read(ready[0], &r, 1);
  int acc = accept(s, NULL, NULL);
  kill(pid, SIGKILL);
  finish(pid);
  char buf[8] = {0};
  CHECK("death.bytes before", read(acc, buf, sizeof buf) == 3, "errno %d", errno);
  CHECK("death.EOF", read(acc, buf, sizeof buf) == 0, "errno %d", errno);
  close(acc);
  close(s);
  close(ready[0]);
  close(ready[1]);
  /* A killed server's port is free. */
  pipe(ready);
  pid = fork();
  if (pid == 0) {
    int l = listener(port, 0);
    write(ready[1], l >= 0 ? "y" : "n", 1);
    for (;;) pause();
  }
  read(ready[0], &r, 1);
  kill(pid, SIGKILL);
  finish(pid);
  int again = listener(port, 0);
  CHECK("death.port free again", r == 'y' && again >= 0, "r %c errno %d", r, errno);
  close(again);
}

static int echo_server(int port, int count) {
  int one = 1;
  int s = socket(AF_INET, SOCK_STREAM, 0);
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = in4("127.0.0.1", port);
  if (bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 16) != 0) {
    perror("echo-server: bind");
    return 1;
  }
  for (int i = 0; i < count; i++) {
    int c = accept(s, NULL, NULL);
    if (c < 0) {
      perror("echo-server: accept");
      return 1;
    }
    char buf[4096];
    ssize_t n;
    while ((n = read(c, buf, sizeof buf)) > 0) write(c, buf, (size_t)n);
    close(c);
  }
  return 0;
}

static int echo_client(int port, const char *text) {
  int c = -1;
  for (int i = 0; i < 500 && c < 0; i++) {
    c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = in4("127.0.0.1", port);
    if (connect(c, (struct sockaddr *)&a, sizeof a) != 0) {
      close(c);
      c = -1;
      sleep_ms(10);
    }
  }
  if (c < 0) {
    perror("echo-client: connect");
    return 1;
  }
  size_t len = strlen(text);
  if (write(c, text, len) != (ssize_t)len || shutdown(c, SHUT_WR) != 0) return 1;
  char buf[4096];
  ssize_t n = read_all(c, buf, sizeof buf - 1);
  if (n < 0) return 1;
  buf[n] = 0;
  printf("echo: %s\n", buf);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 4 && !strcmp(argv[1], "echo-server")) return echo_server(atoi(argv[2]), atoi(argv[3]));
  if (argc >= 4 && !strcmp(argv[1], "echo-client")) return echo_client(atoi(argv[2]), argv[3]);
  if (argc < 2 || strcmp(argv[1], "selftest") != 0) {
    fprintf(stderr, "usage: net selftest | echo-server PORT COUNT | echo-client PORT TEXT\n");
    return 2;
  }
  check_pair();
  check_tcp();
  check_errors();
  check_nonblocking();
  check_unix();
  check_udp();
  check_inet6();
  check_names();
  check_wasi();
  check_death();
  return tk_done();
}
