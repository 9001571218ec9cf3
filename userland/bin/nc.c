/*
 * nc: read and write across a network connection (OpenBSD netcat's options).
 *   nc [-46DdhklNnuvz] [-p PORT] [-s ADDR] [-w SECS] [HOST] PORT
 *   nc -l [-k] [-u] [-s ADDR] [-p PORT] [HOST] [PORT]
 *   nc -U [-l] PATH
 * A client connects to HOST:PORT (a name or an address), a server (-l)
 * listens on [HOST:]PORT (every address without HOST) and takes one client,
 * or one after another with -k. Then stdin goes to the socket and the socket
 * to stdout until the peer closes; at EOF on stdin, -N shuts down the
 * sending side (the peer then reads EOF), -d does not read stdin at all.
 * -u is UDP: each read of stdin is one datagram; a UDP server answers the
 * first sender. -U is an AF_UNIX stream socket. -z only checks that PORT
 * (or each of a range LO-HI) takes connections: exit 0 when one did;
 * -v says what happened on stderr. -w SECS gives up a connect, and stops a
 * connection idle for that long. -n: HOST is numeric (no lookup).
 * Spec: OpenBSD nc(1).
 */
#include "lib/util.h"
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

static int family = AF_UNSPEC, udp, listen_mode, keep, scan, verbose, no_stdin, shut_on_eof, numeric, unix_mode;
static int wait_ms = -1;
static const char *source;
static const char *source_port;

static void usage(void) {
  fprintf(stderr, "usage: nc [-46DdhklNnuvz] [-p port] [-s source] [-w timeout] [destination] [port]\n");
  exit(1);
}

/* Addresses of host:port (host NULL: every address, for a server). */
static struct addrinfo *lookup(const char *host, const char *port, int passive) {
  struct addrinfo hints = {.ai_family = family, .ai_socktype = udp ? SOCK_DGRAM : SOCK_STREAM,
                           .ai_flags = (passive ? AI_PASSIVE : 0) | (numeric ? AI_NUMERICHOST : 0)}, *res;
  int r = getaddrinfo(host, port, &hints, &res);
  if (r) diex_(1, "getaddrinfo for host \"%s\" port %s: %s", host ? host : "", port, r == EAI_SYSTEM ? strerror(errno) : gai_strerror(r));
  return res;
}

/* A connect that gives up after -w: 0, or -1 with errno. */
static int connect_timed(int s, const struct sockaddr *a, socklen_t len) {
  if (wait_ms < 0) return connect(s, a, len);
  int fl = fcntl(s, F_GETFL);
  fcntl(s, F_SETFL, fl | O_NONBLOCK);
  int r = connect(s, a, len);
  if (r != 0 && errno == EINPROGRESS) {
    struct pollfd p = {s, POLLOUT, 0};
    if (poll(&p, 1, wait_ms) != 1) {
      errno = ETIMEDOUT;
      return -1;
    }
    int err = 0;
    socklen_t el = sizeof err;
    getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &el);
    if (err) {
      errno = err;
      return -1;
    }
    r = 0;
  }
  fcntl(s, F_SETFL, fl);
  return r;
}

static void bind_source(int s, int fam) {
  if (!source && !source_port) return;
  struct addrinfo *res = lookup(source, source_port ? source_port : "0", 1), *ai;
  for (ai = res; ai && ai->ai_family != fam; ai = ai->ai_next) {}
  if (!ai || bind(s, ai->ai_addr, ai->ai_addrlen) != 0) die_(1, "bind failed");
  freeaddrinfo(res);
}

/* Connected to the first address of host:port that answers; -1 when none did (reported with -v). */
static int dial(const char *host, const char *port) {
  struct addrinfo *res = lookup(host, port, 0);
  int s = -1, err = 0;
  for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
    s = socket(ai->ai_family, ai->ai_socktype, 0);
    if (s < 0) continue;
    bind_source(s, ai->ai_family);
    if (connect_timed(s, ai->ai_addr, ai->ai_addrlen) == 0) break;
    err = errno;
    close(s);
    s = -1;
  }
  freeaddrinfo(res);
  if (s < 0) {
    errno = err;
    if (verbose || !scan) warn_("connect to %s port %s (%s) failed", host, port, udp ? "udp" : "tcp");
  } else if (verbose) {
    fprintf(stderr, "Connection to %s %s port [%s/*] succeeded!\n", host, port, udp ? "udp" : "tcp");
  }
  return s;
}

static int listener(const char *host, const char *port) {
  struct addrinfo *res = lookup(host, port, 1);
  int s = -1, one = 1;
  for (struct addrinfo *ai = res; ai && s < 0; ai = ai->ai_next) {
    s = socket(ai->ai_family, ai->ai_socktype, 0);
    if (s < 0) continue;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(s, ai->ai_addr, ai->ai_addrlen) != 0 || (!udp && listen(s, 5) != 0)) {
      close(s);
      s = -1;
    }
  }
  freeaddrinfo(res);
  if (s < 0) die_(1, "bind failed");
  if (verbose) fprintf(stderr, "Listening on %s %s\n", host ? host : "0.0.0.0", port);
  return s;
}

static int unix_socket(const char *path, int server) {
  struct sockaddr_un a;
  memset(&a, 0, sizeof a);
  a.sun_family = AF_UNIX;
  if (strlen(path) >= sizeof a.sun_path) diex_(1, "%s: path too long", path);
  strcpy(a.sun_path, path);
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  if (s < 0) die_(1, "socket");
  if (server) {
    if (bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 5) != 0) die_(1, "%s", path);
    return s;
  }
  if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) die_(1, "%s", path);
  return s;
}

/*
 * stdin to the socket, the socket to stdout, until the peer closes (or, when
 * stdin is not read, until it does). A UDP server sends back to whoever sent
 * its first datagram.
 */
static void relay(int s) {
  static char buf[65536];
  int in_open = !no_stdin;
  struct sockaddr_storage peer;
  socklen_t plen = 0;
  for (;;) {
    struct pollfd p[2] = {{s, POLLIN, 0}, {0, POLLIN, 0}};
    int r = poll(p, in_open ? 2 : 1, wait_ms);
    if (r < 0) {
      if (errno == EINTR) continue;
      die_(1, "poll");
    }
    if (r == 0) return; /* idle for -w */
    if (p[0].revents) {
      struct sockaddr_storage from;
      socklen_t flen = sizeof from;
      ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);
      if (n < 0) {
        if (errno == EAGAIN) continue;
        if (errno == ECONNREFUSED && udp) continue;
        warn_("read");
        return;
      }
      if (n == 0 && !udp) return;
      if (udp && listen_mode && plen == 0 && flen > 0) {
        peer = from;
        plen = flen;
      }
      if (write_all(1, buf, (size_t)n) < 0) return;
    }
    if (in_open && p[1].revents) {
      ssize_t n = read(0, buf, sizeof buf);
      if (n <= 0) {
        in_open = 0;
        if (shut_on_eof && !udp) shutdown(s, SHUT_WR);
        continue;
      }
      ssize_t w = udp && listen_mode ? (plen ? sendto(s, buf, (size_t)n, 0, (struct sockaddr *)&peer, plen) : n)
                                     : send(s, buf, (size_t)n, MSG_NOSIGNAL) == n ? n : -1;
      if (w < 0 && !(udp && errno == ECONNREFUSED)) {
        warn_("write");
        return;
      }
    }
  }
}

int main(int argc, char **argv) {
  prog = "nc";
  int c;
  while ((c = getopt_(argc, argv, "46DdhklNnp:s:Uuvw:z")) != -1) {
    switch (c) {
      case '4': family = AF_INET; break;
      case '6': family = AF_INET6; break;
      case 'D': break;
      case 'd': no_stdin = 1; break;
      case 'k': keep = 1; break;
      case 'l': listen_mode = 1; break;
      case 'N': shut_on_eof = 1; break;
      case 'n': numeric = 1; break;
      case 'p': source_port = optarg; break;
      case 's': source = optarg; break;
      case 'U': unix_mode = 1; break;
      case 'u': udp = 1; break;
      case 'v': verbose = 1; break;
      case 'w': {
        char *end;
        double secs = strtod(optarg, &end);
        if (*end || secs < 0) diex_(1, "timeout invalid: %s", optarg);
        wait_ms = (int)(secs * 1000);
        break;
      }
      case 'z': scan = 1; break;
      default: usage();
    }
  }
  int nargs = argc - optind;
  char **args = argv + optind;
  if (unix_mode) {
    if (nargs != 1) usage();
    int s = unix_socket(args[0], listen_mode);
    do {
      int conn = listen_mode ? accept(s, NULL, NULL) : s;
      if (conn < 0) die_(1, "accept");
      relay(conn);
      if (listen_mode) close(conn);
    } while (listen_mode && keep);
    return 0;
  }
  if (listen_mode) {
    /* nc -l PORT, nc -l HOST PORT, nc -l -p PORT [HOST] */
    const char *host = NULL, *port = source_port;
    if (nargs == 2) host = args[0], port = args[1];
    else if (nargs == 1 && !port) port = args[0];
    else if (nargs == 1) host = args[0];
    else if (nargs > 2) usage();
    if (!port) usage();
    if (source && !host) host = source;
    source = NULL;
    source_port = NULL;
    int s = listener(host, port);
    if (udp) {
      relay(s);
      return 0;
    }
    do {
      struct sockaddr_storage peer;
      socklen_t plen = sizeof peer;
      int conn = accept(s, (struct sockaddr *)&peer, &plen);
      if (conn < 0) die_(1, "accept");
      if (verbose) {
        char host[64] = "?", serv[16] = "?";
        getnameinfo((struct sockaddr *)&peer, plen, host, sizeof host, serv, sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV);
        fprintf(stderr, "Connection received on %s %s\n", host, serv);
      }
      relay(conn);
      close(conn);
    } while (keep);
    return 0;
  }
  if (nargs != 2) usage();
  const char *host = args[0];
  if (scan) {
    /* PORT or LO-HI: 0 when any took the connection. */
    char *dash = strchr(args[1], '-');
    long lo = strtol(args[1], NULL, 10), hi = dash ? strtol(dash + 1, NULL, 10) : lo;
    if (lo < 1 || hi > 65535 || hi < lo) diex_(1, "port range not valid: %s", args[1]);
    int any = 0;
    for (long p = lo; p <= hi; p++) {
      char port[8];
      snprintf(port, sizeof port, "%ld", p);
      int s = dial(host, port);
      if (s >= 0) {
        any = 1;
        close(s);
      }
    }
    return any ? 0 : 1;
  }
  int s = dial(host, args[1]);
  if (s < 0) return 1;
  relay(s);
  return 0;
}
