/*
 * httpd: serve a directory over HTTP/1.1.
 *   httpd [-p PORT] [-b ADDR] [-q] [DIR]
 * GET and HEAD (others: 405, or 501 for what HTTP does not know); files with
 * a Content-Type from their extension, directories as index.html or a
 * listing (a directory named without its trailing slash is redirected to
 * it, 301), 404 and 403, a single byte range (206, 416), HTTP/1.1
 * keep-alive (HTTP/1.0 with "Connection: keep-alive"), pipelined requests.
 * One process serves every connection from one poll() loop, each socket
 * non-blocking; a body is sent from the file in 64 KiB pieces as the client
 * takes them. Requests are logged to stderr in the common log format (-q:
 * not). It prints the URL to open: TABKERNEL_PORT_URL, when set (the page
 * sets it to where its service worker forwards a port: "…/port/"), with the
 * port appended (or put where "{port}" stands), else http://127.0.0.1:PORT/.
 * Spec: RFC 9110 (semantics, ranges), RFC 9112 (HTTP/1.1 messages).
 */
#define _GNU_SOURCE
#include "lib/util.h"
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>

#define MAX_CONNS 1000
#define HEAD_MAX 16384
#define CHUNK 65536

struct conn {
  int fd;
  char in[HEAD_MAX];
  size_t inlen;
  /* Request body bytes still to read and drop. */
  long long discard;
  /* The response: headers (and a generated body) from `out`, then `left` bytes of `file` from `pos`. */
  char *out;
  size_t outlen, outoff;
  int file;
  off_t pos;
  long long left;
  int keep;
  /* The body's length, for the log. */
  long long body;
  char peer[64];
};

static struct conn *conns[MAX_CONNS];
static int nconns;
static const char *root = ".";
static int quiet;
static char chunk[CHUNK];

static const struct { const char *ext, *type; } types[] = {
  {"html", "text/html; charset=utf-8"}, {"htm", "text/html; charset=utf-8"}, {"css", "text/css; charset=utf-8"},
  {"js", "text/javascript; charset=utf-8"}, {"mjs", "text/javascript; charset=utf-8"}, {"json", "application/json"},
  {"txt", "text/plain; charset=utf-8"}, {"md", "text/markdown; charset=utf-8"}, {"c", "text/plain; charset=utf-8"},
  {"h", "text/plain; charset=utf-8"}, {"sh", "text/plain; charset=utf-8"}, {"csv", "text/csv; charset=utf-8"},
  {"xml", "application/xml"}, {"svg", "image/svg+xml"}, {"png", "image/png"}, {"jpg", "image/jpeg"},
  {"jpeg", "image/jpeg"}, {"gif", "image/gif"}, {"webp", "image/webp"}, {"ico", "image/x-icon"},
  {"wasm", "application/wasm"}, {"pdf", "application/pdf"}, {"zip", "application/zip"}, {"gz", "application/gzip"},
  {"tar", "application/x-tar"}, {"mp3", "audio/mpeg"}, {"mp4", "video/mp4"}, {"webm", "video/webm"},
  {"woff", "font/woff"}, {"woff2", "font/woff2"}, {"ttf", "font/ttf"}, {"otf", "font/otf"},
};

static const char *type_of(const char *path) {
  const char *slash = strrchr(path, '/');
  const char *dot = strrchr(slash ? slash : path, '.');
  if (dot)
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
      if (!strcasecmp(dot + 1, types[i].ext)) return types[i].type;
  return "application/octet-stream";
}

/* RFC 9110's IMF-fixdate. */
static void http_date(time_t t, char *buf, size_t cap) {
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, cap, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/* A growable buffer for a response's head (and a generated body). */
struct buf {
  char *p;
  size_t len, cap;
};
static void put(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct buf *b, const char *fmt, ...) {
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
    va_end(ap);
    if (n >= 0 && b->p && b->len + (size_t)n < b->cap) {
      b->len += (size_t)n;
      return;
    }
    b->cap = (b->cap ? b->cap * 2 : 1024) + (size_t)(n > 0 ? n : 0);
    b->p = xrealloc(b->p, b->cap);
  }
}

static const char *reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Content Too Large";
    case 416: return "Range Not Satisfiable";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

/* The status line and the headers every response has; the caller adds its own, then ends them. */
static void head(struct buf *b, int status, int keep) {
  char date[64];
  http_date(time(NULL), date, sizeof date);
  put(b, "HTTP/1.1 %d %s\r\nDate: %s\r\nServer: tabkernel-httpd\r\n", status, reason(status), date);
  if (!keep) put(b, "Connection: close\r\n");
}

static void log_request(struct conn *c, const char *line, int status, long long bytes) {
  if (quiet) return;
  char date[64];
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(date, sizeof date, "%d/%b/%Y:%H:%M:%S +0000", &tm);
  fprintf(stderr, "%s - - [%s] \"%s\" %d %lld\n", c->peer, date, line, status, bytes);
}

/* A small response whose body is generated (errors, redirects, listings). */
static void respond(struct conn *c, int status, int is_head, const char *type, const char *body, size_t len, const char *extra) {
  struct buf b = {0};
  head(&b, status, c->keep);
  put(&b, "Content-Type: %s\r\nContent-Length: %zu\r\n%s\r\n", type, len, extra ? extra : "");
  if (!is_head) {
    while (b.len + len + 1 > b.cap) b.p = xrealloc(b.p, b.cap *= 2);
    memcpy(b.p + b.len, body, len);
    b.len += len;
  }
  c->out = b.p;
  c->outlen = b.len;
  c->outoff = 0;
  c->body = is_head ? 0 : (long long)len;
}

static void error_page(struct conn *c, int status, int is_head, const char *extra) {
  char body[256];
  int n = snprintf(body, sizeof body, "<!DOCTYPE html>\n<html><head><title>%d %s</title></head><body><h1>%d %s</h1></body></html>\n",
                   status, reason(status), status, reason(status));
  respond(c, status, is_head, "text/html; charset=utf-8", body, (size_t)n, extra);
}

/* %XX decoding; NULL for a malformed escape or a NUL byte. */
static char *url_decode(const char *s, size_t n) {
  char *out = xmalloc(n + 1), *o = out;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '%') {
      if (i + 2 >= n || !isxdigit((unsigned char)s[i + 1]) || !isxdigit((unsigned char)s[i + 2])) { free(out); return NULL; }
      char hex[3] = {s[i + 1], s[i + 2], 0};
      *o = (char)strtol(hex, NULL, 16);
      if (*o == 0) { free(out); return NULL; }
      o++;
      i += 2;
    } else {
      *o++ = s[i];
    }
  }
  *o = 0;
  return out;
}

static void html_escape(struct buf *b, const char *s) {
  for (; *s; s++) {
    switch (*s) {
      case '<': put(b, "&lt;"); break;
      case '>': put(b, "&gt;"); break;
      case '&': put(b, "&amp;"); break;
      case '"': put(b, "&quot;"); break;
      default: put(b, "%c", *s);
    }
  }
}

static void url_escape(struct buf *b, const char *s) {
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;
    if (isalnum(ch) || strchr("-._~/", ch)) put(b, "%c", ch);
    else put(b, "%%%02X", ch);
  }
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* An HTML listing of directory `fs` (its URL path `url`, ending in '/'). */
static int listing(struct conn *c, const char *fs, const char *url, int is_head) {
  DIR *d = opendir(fs);
  if (!d) return errno == EACCES ? 403 : 404;
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    if (n == cap) names = xrealloc(names, (cap = cap ? cap * 2 : 32) * sizeof *names);
    char *full = path_join(fs, e->d_name);
    struct stat st;
    int dir = stat(full, &st) == 0 && S_ISDIR(st.st_mode);
    free(full);
    size_t len = strlen(e->d_name);
    names[n] = xmalloc(len + 2);
    memcpy(names[n], e->d_name, len);
    names[n][len] = dir ? '/' : 0;
    names[n][len + 1] = 0;
    n++;
  }
  closedir(d);
  qsort(names, n, sizeof *names, by_name);
  struct buf b = {0};
  put(&b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Index of ");
  html_escape(&b, url);
  put(&b, "</title></head>\n<body><h1>Index of ");
  html_escape(&b, url);
  put(&b, "</h1>\n<ul>\n");
  if (strcmp(url, "/")) put(&b, "<li><a href=\"../\">../</a></li>\n");
  for (size_t i = 0; i < n; i++) {
    put(&b, "<li><a href=\"");
    url_escape(&b, names[i]);
    put(&b, "\">");
    html_escape(&b, names[i]);
    put(&b, "</a></li>\n");
    free(names[i]);
  }
  free(names);
  put(&b, "</ul>\n</body></html>\n");
  respond(c, 200, is_head, "text/html; charset=utf-8", b.p, b.len, NULL);
  free(b.p);
  return 200;
}

/* Range: bytes=A-B, A-, -N (one range; several are answered whole). 0: none or ignored; 1: [*from, *to]; -1: not satisfiable. */
static int parse_range(const char *v, long long size, long long *from, long long *to) {
  if (strncasecmp(v, "bytes=", 6)) return 0;
  v += 6;
  if (strchr(v, ',')) return 0;
  char *end;
  if (*v == '-') {
    long long n = strtoll(v + 1, &end, 10);
    if (end == v + 1 || *end) return 0;
    if (n == 0 || size == 0) return -1;
    *from = n >= size ? 0 : size - n;
    *to = size - 1;
    return 1;
  }
  long long a = strtoll(v, &end, 10);
  if (end == v || *end != '-' || a < 0) return 0;
  const char *p = end + 1;
  long long b = size - 1;
  if (*p) {
    b = strtoll(p, &end, 10);
    if (end == p || *end || b < a) return 0;
    if (b >= size) b = size - 1;
  }
  if (a >= size) return -1;
  *from = a;
  *to = b;
  return 1;
}

/* The value of header `name` in the request head, trimmed, into out; 0 if absent. */
static int header(const char *headers, const char *name, char *out, size_t cap) {
  size_t nl = strlen(name);
  for (const char *l = headers; l && *l; l = strstr(l, "\r\n") ? strstr(l, "\r\n") + 2 : NULL) {
    if (!strncasecmp(l, name, nl) && l[nl] == ':') {
      const char *v = l + nl + 1;
      while (*v == ' ' || *v == '\t') v++;
      const char *e = strstr(v, "\r\n");
      size_t len = e ? (size_t)(e - v) : strlen(v);
      while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t')) len--;
      if (len >= cap) len = cap - 1;
      memcpy(out, v, len);
      out[len] = 0;
      return 1;
    }
  }
  return 0;
}

/* Answer the request whose head is c->in[0..len) (NUL-terminated there): set up the response. */
static void handle(struct conn *c, char *req) {
  char *eol = strstr(req, "\r\n");
  *eol = 0;
  char line[1024];
  snprintf(line, sizeof line, "%s", req);
  const char *headers = eol + 2;
  static char target[HEAD_MAX];
  char method[16], version[16];
  int status;
  c->keep = 0;
  if (sscanf(req, "%15s %16383s %15s", method, target, version) != 3 || strncmp(version, "HTTP/", 5)) {
    error_page(c, status = 400, 0, NULL);
    log_request(c, line, status, c->body);
    return;
  }
  char v[256];
  int http11 = !strcmp(version, "HTTP/1.1");
  int conn_close = header(headers, "Connection", v, sizeof v) && strcasestr(v, "close");
  int conn_keep = header(headers, "Connection", v, sizeof v) && strcasestr(v, "keep-alive");
  c->keep = http11 ? !conn_close : conn_keep;
  if (header(headers, "Content-Length", v, sizeof v)) c->discard = atoll(v);
  if (header(headers, "Transfer-Encoding", v, sizeof v)) {
    /* A chunked request body: not taken; answered, then the connection closes. */
    c->keep = 0;
    error_page(c, status = 501, 0, NULL);
    log_request(c, line, status, c->body);
    return;
  }
  if (strcmp(version, "HTTP/1.1") && strcmp(version, "HTTP/1.0")) {
    c->keep = 0;
    error_page(c, status = 505, 0, NULL);
    log_request(c, line, status, c->body);
    return;
  }
  int is_head = !strcmp(method, "HEAD");
  if (!is_head && strcmp(method, "GET")) {
    int known = !strcmp(method, "POST") || !strcmp(method, "PUT") || !strcmp(method, "DELETE") || !strcmp(method, "OPTIONS") ||
                !strcmp(method, "PATCH") || !strcmp(method, "TRACE") || !strcmp(method, "CONNECT");
    error_page(c, status = known ? 405 : 501, 0, known ? "Allow: GET, HEAD\r\n" : NULL);
    log_request(c, line, status, c->body);
    return;
  }
  /* The path: the target up to its query, %-decoded; no ".." segment. */
  char *q = strpbrk(target, "?#");
  char *path = url_decode(target, q ? (size_t)(q - target) : strlen(target));
  if (!path || path[0] != '/') {
    error_page(c, status = 400, is_head, NULL);
    log_request(c, line, status, c->body);
    free(path);
    return;
  }
  for (char *s = path; (s = strstr(s, "..")); s += 2) {
    if ((s == path || s[-1] == '/') && (s[2] == '/' || s[2] == 0)) {
      error_page(c, status = 403, is_head, NULL);
      log_request(c, line, status, c->body);
      free(path);
      return;
    }
  }
  char *fs = path_join(root, path + 1);
  struct stat st;
  if (stat(fs, &st) != 0) {
    status = errno == EACCES ? 403 : 404;
    error_page(c, status, is_head, NULL);
  } else if (S_ISDIR(st.st_mode)) {
    if (path[strlen(path) - 1] != '/') {
      struct buf loc = {0};
      put(&loc, "Location: ");
      url_escape(&loc, path);
      put(&loc, "/%s\r\n", q && *q == '?' ? q : "");
      error_page(c, status = 301, is_head, loc.p);
      free(loc.p);
    } else {
      char *index = path_join(fs, "index.html");
      struct stat ist;
      if (stat(index, &ist) == 0 && S_ISREG(ist.st_mode)) {
        free(fs);
        fs = index;
        st = ist;
        goto file;
      }
      free(index);
      status = listing(c, fs, path, is_head);
      if (status != 200) error_page(c, status, is_head, NULL);
    }
  } else {
  file:;
    int f = open(fs, O_RDONLY);
    if (f < 0) {
      error_page(c, status = errno == EACCES ? 403 : 404, is_head, NULL);
    } else {
      long long size = st.st_size, from = 0, to = size - 1;
      int ranged = header(headers, "Range", v, sizeof v) ? parse_range(v, size, &from, &to) : 0;
      if (ranged < 0) {
        char extra[64];
        snprintf(extra, sizeof extra, "Content-Range: bytes */%lld\r\n", size);
        error_page(c, status = 416, is_head, extra);
        close(f);
      } else {
        struct buf b = {0};
        status = ranged ? 206 : 200;
        head(&b, status, c->keep);
        char modified[64];
        http_date(st.st_mtime, modified, sizeof modified);
        put(&b, "Content-Type: %s\r\nContent-Length: %lld\r\nLast-Modified: %s\r\nAccept-Ranges: bytes\r\n",
            type_of(fs), ranged ? to - from + 1 : size, modified);
        if (ranged) put(&b, "Content-Range: bytes %lld-%lld/%lld\r\n", from, to, size);
        put(&b, "\r\n");
        long long want = ranged ? to - from + 1 : size;
        /* A small body goes out with the head, in one send. */
        if (!is_head && want > 0 && want <= CHUNK) {
          while (b.len + (size_t)want > b.cap) b.p = xrealloc(b.p, b.cap *= 2);
          ssize_t r = pread(f, b.p + b.len, (size_t)want, from);
          if (r == want) {
            b.len += (size_t)want;
            is_head = 1; /* nothing left to send from the file */
          }
        }
        c->out = b.p;
        c->outlen = b.len;
        c->outoff = 0;
        if (is_head || size == 0) {
          close(f);
        } else {
          c->file = f;
          c->pos = from;
          c->left = to - from + 1;
        }
        c->body = !strcmp(method, "HEAD") ? 0 : want;
      }
    }
  }
  log_request(c, line, status, c->body);
  free(fs);
  free(path);
}

static void drop(int i) {
  struct conn *c = conns[i];
  close(c->fd);
  if (c->file >= 0) close(c->file);
  free(c->out);
  free(c);
  conns[i] = conns[--nconns];
}

static int sending(struct conn *c) {
  return c->outoff < c->outlen || c->left > 0;
}

/* Parse what came in: a whole head is answered. -1: drop the connection. */
static int take_requests(struct conn *c) {
  while (!sending(c)) {
    if (c->discard > 0) {
      size_t k = (size_t)(c->discard < (long long)c->inlen ? c->discard : (long long)c->inlen);
      memmove(c->in, c->in + k, c->inlen - k);
      c->inlen -= k;
      c->discard -= (long long)k;
      if (c->discard > 0) return 0;
    }
    c->in[c->inlen] = 0;
    char *end = strstr(c->in, "\r\n\r\n");
    if (!end) {
      if (c->inlen >= HEAD_MAX - 1) {
        c->keep = 0;
        error_page(c, 431, 0, NULL);
        return 0;
      }
      return 0;
    }
    size_t used = (size_t)(end + 4 - c->in);
    end[2] = 0; /* headers end with their last CRLF */
    handle(c, c->in);
    memmove(c->in, c->in + used, c->inlen - used);
    c->inlen -= used;
  }
  return 0;
}

/* Send what the client takes now. 1: all sent; 0: more later; -1: the client is gone. */
static int flush_out(struct conn *c) {
  while (c->outoff < c->outlen) {
    ssize_t n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff, MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN ? 0 : -1;
    c->outoff += (size_t)n;
  }
  free(c->out);
  c->out = NULL;
  c->outlen = c->outoff = 0;
  while (c->left > 0) {
    size_t want = c->left < CHUNK ? (size_t)c->left : CHUNK;
    ssize_t r = pread(c->file, chunk, want, c->pos);
    if (r <= 0) return -1; /* the file shrank: the promised length cannot be sent */
    ssize_t n = send(c->fd, chunk, (size_t)r, MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN ? 0 : -1;
    c->pos += n;
    c->left -= n;
  }
  if (c->file >= 0) {
    close(c->file);
    c->file = -1;
  }
  return 1;
}

static void print_url(int port) {
  const char *base = getenv("TABKERNEL_PORT_URL");
  if (base && *base) {
    const char *at = strstr(base, "{port}");
    if (at) printf("%.*s%d%s\n", (int)(at - base), base, port, at + 6);
    else printf("%s%s%d/\n", base, base[strlen(base) - 1] == '/' ? "" : "/", port);
  } else {
    printf("http://127.0.0.1:%d/\n", port);
  }
  fflush(stdout);
}

int main(int argc, char **argv) {
  prog = "httpd";
  int port = 8080, c;
  const char *bind_to = "0.0.0.0";
  while ((c = getopt_(argc, argv, "p:b:q")) != -1) {
    if (c == 'p') {
      char *end;
      long p = strtol(optarg, &end, 10);
      if (*end || p < 0 || p > 65535) diex_(2, "invalid port '%s'", optarg);
      port = (int)p;
    } else if (c == 'b') {
      bind_to = optarg;
    } else if (c == 'q') {
      quiet = 1;
    } else {
      fprintf(stderr, "usage: httpd [-p PORT] [-b ADDR] [-q] [DIR]\n");
      return 2;
    }
  }
  if (optind < argc) root = argv[optind];
  struct stat st;
  if (stat(root, &st) != 0) die_(1, "%s", root);
  if (!S_ISDIR(st.st_mode)) diex_(1, "%s: Not a directory", root);

  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  socklen_t sslen;
  struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
  struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
  if (inet_pton(AF_INET, bind_to, &sin->sin_addr) == 1) {
    sin->sin_family = AF_INET;
    sin->sin_port = htons((uint16_t)port);
    sslen = sizeof *sin;
  } else if (inet_pton(AF_INET6, bind_to, &sin6->sin6_addr) == 1) {
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons((uint16_t)port);
    sslen = sizeof *sin6;
  } else {
    diex_(2, "invalid address '%s'", bind_to);
  }
  int l = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int one = 1;
  if (l < 0) die_(1, "socket");
  setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(l, (struct sockaddr *)&ss, sslen) != 0) die_(1, "bind %s port %d", bind_to, port);
  if (listen(l, 128) != 0) die_(1, "listen");
  if (port == 0) {
    sslen = sizeof ss;
    getsockname(l, (struct sockaddr *)&ss, &sslen);
    port = ntohs(ss.ss_family == AF_INET ? sin->sin_port : sin6->sin6_port);
  }
  print_url(port);

  static struct pollfd pfd[MAX_CONNS + 1];
  for (;;) {
    int n = 0;
    pfd[n++] = (struct pollfd){l, nconns < MAX_CONNS ? POLLIN : 0, 0};
    for (int i = 0; i < nconns; i++) pfd[n++] = (struct pollfd){conns[i]->fd, sending(conns[i]) ? POLLOUT : POLLIN, 0};
    if (poll(pfd, (nfds_t)n, -1) < 0) {
      if (errno == EINTR) continue;
      die_(1, "poll");
    }
    /* Connections first (their indices change as they go), new ones last. */
    for (int i = nconns - 1; i >= 0; i--) {
      struct conn *k = conns[i];
      short ev = pfd[i + 1].revents;
      if (!ev) continue;
      if (!sending(k)) {
        ssize_t r = recv(k->fd, k->in + k->inlen, HEAD_MAX - 1 - k->inlen, 0);
        if (r == 0 || (r < 0 && errno != EAGAIN)) {
          drop(i);
          continue;
        }
        if (r > 0) k->inlen += (size_t)r;
        take_requests(k);
      }
      int gone = 0;
      while (sending(k)) {
        int f = flush_out(k);
        if (f <= 0) {
          gone = f < 0;
          break;
        }
        if (k->keep) take_requests(k); /* pipelined requests already here */
      }
      if (gone || (!sending(k) && !k->keep)) drop(i);
    }
    if (pfd[0].revents & POLLIN) {
      for (;;) {
        struct sockaddr_storage peer;
        socklen_t plen = sizeof peer;
        int fd = accept4(l, (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK);
        if (fd < 0) break;
        if (nconns >= MAX_CONNS) {
          close(fd);
          break;
        }
        struct conn *k = xmalloc(sizeof *k);
        memset(k, 0, sizeof *k);
        k->fd = fd;
        k->file = -1;
        k->keep = 1;
        if (peer.ss_family == AF_INET) inet_ntop(AF_INET, &((struct sockaddr_in *)&peer)->sin_addr, k->peer, sizeof k->peer);
        else if (peer.ss_family == AF_INET6) inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&peer)->sin6_addr, k->peer, sizeof k->peer);
        else strcpy(k->peer, "-");
        conns[nconns++] = k;
      }
    }
  }
}
