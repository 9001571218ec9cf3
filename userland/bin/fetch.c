/*
 * fetch: an HTTP/1.1 client over the socket calls.
 *   fetch [-fiILOsv] [-o FILE] [-X METHOD] [-H 'NAME: VALUE']... [-d DATA] URL
 * GET (HEAD with -I, -X for another method, POST with -d DATA, or
 * -d @FILE), the body to stdout or FILE (-o; -O: the URL's last path
 * segment). -i prints the response's head before the body, -v the request
 * and the response heads on stderr, -L follows redirects (up to 10), -f
 * fails on a status of 400 or more (exit 22) instead of printing the body,
 * -s is silent about errors. Bodies of a known length, chunked, or up to the
 * connection's end. Only http:// URLs (there is no TLS here); a host outside
 * the guest's loopback is reached only as the network policy allows
 * (docs/NETWORK.md). Exit statuses are curl's: 3 bad URL, 6 name not
 * resolved, 7 connection failed, 18 body cut short, 22 HTTP error (-f),
 * 23 write error, 47 too many redirects, 56 receive failure.
 * Spec: RFC 9112 (messages, chunked coding), RFC 3986 (reference resolution).
 */
#define _GNU_SOURCE
#include "lib/util.h"
#include <netdb.h>
#include <sys/socket.h>

static int head_only, include, follow, fail_http, silent, verbose;
static const char *method, *data, *outfile;
static int remote_name;
static char *extra[64];
static int nextra;

static int quit(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int quit(int status, const char *fmt, ...) {
  if (!silent) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "fetch: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
  }
  exit(status);
}

struct url {
  char host[256];
  char port[8];
  char *path; /* from the first '/', with the query */
  int v6;
};

/* http://HOST[:PORT][/PATH]; -1 for anything else. */
static int parse_url(const char *s, struct url *u) {
  if (strncasecmp(s, "http://", 7)) return -1;
  s += 7;
  const char *end = s + strcspn(s, "/?#");
  const char *hp = s;
  u->v6 = 0;
  if (*hp == '[') {
    const char *close = memchr(hp, ']', (size_t)(end - hp));
    if (!close || close - hp - 1 >= (long)sizeof u->host) return -1;
    memcpy(u->host, hp + 1, (size_t)(close - hp - 1));
    u->host[close - hp - 1] = 0;
    u->v6 = 1;
    hp = close + 1;
    if (hp < end && *hp != ':') return -1;
  } else {
    const char *colon = memchr(hp, ':', (size_t)(end - hp));
    const char *hend = colon ? colon : end;
    if (hend == hp || hend - hp >= (long)sizeof u->host) return -1;
    memcpy(u->host, hp, (size_t)(hend - hp));
    u->host[hend - hp] = 0;
    hp = hend;
  }
  strcpy(u->port, "80");
  if (hp < end && *hp == ':') {
    size_t n = (size_t)(end - hp - 1);
    if (n == 0 || n >= sizeof u->port) return -1;
    memcpy(u->port, hp + 1, n);
    u->port[n] = 0;
    for (char *p = u->port; *p; p++) if (*p < '0' || *p > '9') return -1;
  }
  const char *frag = strchr(end, '#');
  size_t plen = frag ? (size_t)(frag - end) : strlen(end);
  u->path = xmalloc(plen + 2);
  if (plen == 0 || *end != '/') {
    u->path[0] = '/';
    memcpy(u->path + 1, end, plen);
    u->path[plen + 1] = 0;
  } else {
    memcpy(u->path, end, plen);
    u->path[plen] = 0;
  }
  return 0;
}

/* Buffered reading of the response. */
static char rbuf[65536];
static size_t rlen, roff;
static int sock;

static ssize_t fill(void) {
  if (roff < rlen) return (ssize_t)(rlen - roff);
  ssize_t n;
  do n = recv(sock, rbuf, sizeof rbuf, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0) quit(56, "recv failure: %s", strerror(errno));
  rlen = (size_t)n;
  roff = 0;
  return n;
}

/* One line without its CRLF (or LF); NULL at EOF before any byte. */
static char *get_line(void) {
  static char line[16384];
  size_t n = 0;
  for (;;) {
    if (fill() == 0) {
      if (n == 0) return NULL;
      break;
    }
    char c = rbuf[roff++];
    if (c == '\n') break;
    if (n < sizeof line - 1) line[n++] = c;
  }
  if (n > 0 && line[n - 1] == '\r') n--;
  line[n] = 0;
  return line;
}

static int out_fd = 1;

static void emit(const char *p, size_t n) {
  if (write_all(out_fd, p, n) < 0) quit(23, "failure writing output: %s", strerror(errno));
}

/* `want` body bytes (-1: up to EOF) to the output; the bytes missing when the connection ended first. */
static long long copy_body(long long want) {
  while (want != 0) {
    ssize_t avail = fill();
    if (avail == 0) return want < 0 ? 0 : want;
    size_t n = (size_t)avail;
    if (want > 0 && (long long)n > want) n = (size_t)want;
    emit(rbuf + roff, n);
    roff += n;
    if (want > 0) want -= (long long)n;
  }
  return 0;
}

static void chunked_body(void) {
  for (;;) {
    char *line = get_line();
    if (!line) quit(18, "transfer closed with outstanding read data remaining");
    char *end;
    long long size = strtoll(line, &end, 16);
    if (end == line || size < 0) quit(56, "bad chunk size '%s'", line);
    if (size == 0) {
      while ((line = get_line()) && *line) {} /* trailers */
      return;
    }
    if (copy_body(size) > 0) quit(18, "transfer closed with outstanding read data remaining");
    line = get_line(); /* the chunk's CRLF */
    if (!line) quit(18, "transfer closed with outstanding read data remaining");
  }
}

static int dial(const struct url *u) {
  struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res;
  int r = getaddrinfo(u->host, u->port, &hints, &res);
  if (r) quit(6, "could not resolve host: %s (%s)", u->host, r == EAI_SYSTEM ? strerror(errno) : gai_strerror(r));
  int s = -1, err = 0;
  for (struct addrinfo *ai = res; ai && s < 0; ai = ai->ai_next) {
    s = socket(ai->ai_family, SOCK_STREAM, 0);
    if (s < 0) continue;
    if (connect(s, ai->ai_addr, ai->ai_addrlen) != 0) {
      err = errno;
      close(s);
      s = -1;
    }
  }
  freeaddrinfo(res);
  if (s < 0) quit(7, "connect to %s port %s failed: %s", u->host, u->port, strerror(err));
  return s;
}

static void send_all(const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = send(sock, p, n, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      quit(55, "send failure: %s", strerror(errno));
    }
    p += w;
    n -= (size_t)w;
  }
}

/* One exchange: the status, and the Location of a redirect (malloc'd) in *location. */
static int exchange(const struct url *u, const char *m, const char *body, size_t body_len, char **location) {
  sock = dial(u);
  rlen = roff = 0;
  size_t cap = 1024 + strlen(u->path) + strlen(u->host);
  for (int i = 0; i < nextra; i++) cap += strlen(extra[i]) + 2;
  char *req = xmalloc(cap);
  int n = snprintf(req, cap, "%s %s HTTP/1.1\r\nHost: %s%s%s%s%s\r\nUser-Agent: tabkernel-fetch\r\nAccept: */*\r\nConnection: close\r\n",
                   m, u->path, u->v6 ? "[" : "", u->host, u->v6 ? "]" : "", strcmp(u->port, "80") ? ":" : "",
                   strcmp(u->port, "80") ? u->port : "");
  for (int i = 0; i < nextra; i++) n += snprintf(req + n, cap - (size_t)n, "%s\r\n", extra[i]);
  if (body) n += snprintf(req + n, cap - (size_t)n, "Content-Length: %zu\r\nContent-Type: application/x-www-form-urlencoded\r\n", body_len);
  n += snprintf(req + n, cap - (size_t)n, "\r\n");
  if (verbose) fprintf(stderr, "> %.*s", n, req);
  send_all(req, (size_t)n);
  if (body) send_all(body, body_len);
  free(req);

  char *line = get_line();
  int status;
  if (!line || sscanf(line, "HTTP/%*d.%*d %d", &status) != 1) quit(56, "not an HTTP response");
  if (verbose) fprintf(stderr, "< %s\n", line);
  if (include || head_only) {
    emit(line, strlen(line));
    emit("\r\n", 2);
  }
  long long length = -1;
  int chunked = 0;
  *location = NULL;
  while ((line = get_line()) && *line) {
    if (verbose) fprintf(stderr, "< %s\n", line);
    if (include || head_only) {
      emit(line, strlen(line));
      emit("\r\n", 2);
    }
    char *colon = strchr(line, ':');
    if (!colon) continue;
    *colon = 0;
    char *v = colon + 1;
    while (*v == ' ' || *v == '\t') v++;
    if (!strcasecmp(line, "Content-Length")) length = atoll(v);
    else if (!strcasecmp(line, "Transfer-Encoding") && strcasestr(v, "chunked")) chunked = 1;
    else if (!strcasecmp(line, "Location")) *location = xstrdup(v);
  }
  if (!line) quit(56, "the response's head was cut short");
  if (include || head_only) emit("\r\n", 2);
  int redirect = follow && *location && (status == 301 || status == 302 || status == 303 || status == 307 || status == 308);
  int no_body = !strcmp(m, "HEAD") || status == 204 || status == 304 || status < 200;
  if (fail_http && status >= 400) quit(22, "the requested URL returned error: %d", status);
  if (redirect) {
    close(sock);
    return status;
  }
  if (!no_body) {
    if (chunked) chunked_body();
    else {
      long long missing = copy_body(length);
      if (missing > 0) quit(18, "transfer closed with %lld bytes remaining to read", missing);
    }
  }
  close(sock);
  return status;
}

/* Where a redirect's Location leads from `base` (RFC 3986 §5.2, for the forms servers send). */
static int resolve(const struct url *base, const char *loc, struct url *out) {
  if (!strncasecmp(loc, "http://", 7)) return parse_url(loc, out);
  if (!strncasecmp(loc, "https://", 8)) return -1;
  *out = *base;
  if (loc[0] == '/' && loc[1] == '/') {
    char *abs = xmalloc(strlen(loc) + 6);
    sprintf(abs, "http:%s", loc);
    int r = parse_url(abs, out);
    free(abs);
    return r;
  }
  if (loc[0] == '/') {
    out->path = xstrdup(loc);
    return 0;
  }
  const char *slash = strrchr(base->path, '/');
  size_t keep = slash ? (size_t)(slash - base->path + 1) : 1;
  out->path = xmalloc(keep + strlen(loc) + 1);
  memcpy(out->path, base->path, keep);
  strcpy(out->path + keep, loc);
  return 0;
}

int main(int argc, char **argv) {
  prog = "fetch";
  int c;
  while ((c = getopt_(argc, argv, "fiILOo:svX:H:d:")) != -1) {
    switch (c) {
      case 'f': fail_http = 1; break;
      case 'i': include = 1; break;
      case 'I': head_only = 1; break;
      case 'L': follow = 1; break;
      case 'O': remote_name = 1; break;
      case 'o': outfile = optarg; break;
      case 's': silent = 1; break;
      case 'v': verbose = 1; break;
      case 'X': method = optarg; break;
      case 'H':
        if (nextra < (int)(sizeof extra / sizeof extra[0])) extra[nextra++] = optarg;
        break;
      case 'd': data = optarg; break;
      default:
        fprintf(stderr, "usage: fetch [-fiILOsv] [-o FILE] [-X METHOD] [-H HEADER]... [-d DATA] URL\n");
        return 2;
    }
  }
  if (optind != argc - 1) {
    fprintf(stderr, "usage: fetch [-fiILOsv] [-o FILE] [-X METHOD] [-H HEADER]... [-d DATA] URL\n");
    return 2;
  }
  const char *target = argv[optind];
  struct url u;
  if (!strncasecmp(target, "https://", 8)) quit(1, "%s: https is not supported (no TLS here); use http://", target);
  if (parse_url(target, &u) != 0) quit(3, "%s: not an http:// URL", target);
  char *body = NULL;
  size_t body_len = 0;
  if (data) {
    if (data[0] == '@') {
      int fd = open_in(data + 1);
      if (fd < 0) quit(26, "%s: %s", data + 1, strerror(errno));
      body = slurp(fd, &body_len);
      if (!body) quit(26, "%s: %s", data + 1, strerror(errno));
    } else {
      body = xstrdup(data);
      body_len = strlen(body);
    }
  }
  const char *m = method ? method : head_only ? "HEAD" : body ? "POST" : "GET";
  if (remote_name && !outfile) {
    const char *q = u.path + strcspn(u.path, "?");
    const char *s = q;
    while (s > u.path && s[-1] != '/') s--;
    if (s == q) quit(23, "no file name in the URL for -O");
    outfile = strndup(s, (size_t)(q - s));
  }
  if (outfile && strcmp(outfile, "-")) {
    out_fd = open(outfile, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (out_fd < 0) quit(23, "%s: %s", outfile, strerror(errno));
  }
  for (int hops = 0;; hops++) {
    char *location;
    int status = exchange(&u, m, body, body_len, &location);
    int redirect = follow && location && (status == 301 || status == 302 || status == 303 || status == 307 || status == 308);
    if (!redirect) break;
    if (hops >= 10) quit(47, "maximum (10) redirects followed");
    struct url next;
    if (resolve(&u, location, &next) != 0) quit(1, "cannot follow redirect to %s", location);
    free(location);
    u = next;
    if (status == 303 || ((status == 301 || status == 302) && !strcmp(m, "POST"))) {
      m = "GET";
      body = NULL;
      body_len = 0;
    }
  }
  if (out_fd != 1 && close(out_fd) != 0) quit(23, "%s: %s", outfile, strerror(errno));
  return 0;
}
