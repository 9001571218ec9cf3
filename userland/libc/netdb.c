/*
 * Names and services: getaddrinfo, freeaddrinfo, gai_strerror, getnameinfo,
 * and the older gethostbyname, getservbyname, getservbyport. Numeric
 * addresses are parsed here (inet_pton); names go to the kernel's resolver
 * (tk_resolve: localhost, host.tabkernel.internal, and names the host
 * resolves under the network policy: kernel/net/resolver.ts). Services are
 * numbers or a few well-known names (no /etc/services). Reverse lookups
 * know the loopback (localhost) and the host's alias; other addresses stay
 * numeric (NI_NAMEREQD: EAI_NONAME). Without a family in the hints IPv4
 * addresses come first, so a client that takes the first one reaches a
 * server bound to 0.0.0.0 as well as one bound to ::.
 * Spec: POSIX getaddrinfo(3), getnameinfo(3); RFC 3493.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <tabkernel.h>

int h_errno;

static const struct { const char *name; int port; } services[] = {
  {"echo", 7}, {"discard", 9}, {"daytime", 13}, {"ftp", 21}, {"ssh", 22}, {"telnet", 23}, {"smtp", 25},
  {"domain", 53}, {"http", 80}, {"www", 80}, {"pop3", 110}, {"imap", 143}, {"https", 443}, {"http-alt", 8080},
};
#define NSERVICES (sizeof services / sizeof services[0])

/* A service's port: a number, or a known name; -1 for neither. */
static int service_port(const char *serv, int numeric_only) {
  char *end;
  long v = strtol(serv, &end, 10);
  if (*serv && *end == '\0') return v >= 0 && v <= 65535 ? (int)v : -1;
  if (numeric_only) return -1;
  for (size_t i = 0; i < NSERVICES; i++)
    if (!strcmp(services[i].name, serv)) return services[i].port;
  return -1;
}

/* One result for each socket type wanted, chained on *tail. */
static int add(struct addrinfo ***tail, int family, const void *addr, int port, const struct addrinfo *hints, const char *canon) {
  static const int types[] = {SOCK_STREAM, SOCK_DGRAM};
  for (int i = 0; i < 2; i++) {
    int type = types[i];
    if (hints && hints->ai_socktype && hints->ai_socktype != type) continue;
    struct addrinfo *ai = calloc(1, sizeof *ai + sizeof(struct sockaddr_storage));
    if (!ai) return EAI_MEMORY;
    ai->ai_family = family;
    ai->ai_socktype = type;
    ai->ai_protocol = type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
    ai->ai_addr = (struct sockaddr *)(ai + 1);
    if (family == AF_INET) {
      struct sockaddr_in *sin = (struct sockaddr_in *)ai->ai_addr;
      sin->sin_family = AF_INET;
      sin->sin_port = htons((uint16_t)port);
      memcpy(&sin->sin_addr, addr, 4);
      ai->ai_addrlen = sizeof *sin;
    } else {
      struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ai->ai_addr;
      sin6->sin6_family = AF_INET6;
      sin6->sin6_port = htons((uint16_t)port);
      memcpy(&sin6->sin6_addr, addr, 16);
      ai->ai_addrlen = sizeof *sin6;
    }
    if (canon && !(ai->ai_canonname = strdup(canon))) {
      free(ai);
      return EAI_MEMORY;
    }
    canon = NULL; /* only the first result carries it */
    **tail = ai;
    *tail = &ai->ai_next;
  }
  return 0;
}

int getaddrinfo(const char *restrict node, const char *restrict serv, const struct addrinfo *restrict hints,
                struct addrinfo **restrict res) {
  int family = hints ? hints->ai_family : AF_UNSPEC;
  int flags = hints ? hints->ai_flags : 0;
  if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6) return EAI_FAMILY;
  if (hints && hints->ai_socktype && hints->ai_socktype != SOCK_STREAM && hints->ai_socktype != SOCK_DGRAM) return EAI_SOCKTYPE;
  if (!node && !serv) return EAI_NONAME;
  int port = 0;
  if (serv && (port = service_port(serv, flags & AI_NUMERICSERV)) < 0) return EAI_SERVICE;

  struct tk_addr found[TK_RESOLVE_MAX];
  size_t n = 0;
  unsigned char a[16];
  if (!node) {
    /* AI_PASSIVE: the wildcard addresses; otherwise the loopback. */
    static const unsigned char any6[16], loop6[16] = {[15] = 1};
    uint32_t v4 = htonl((flags & AI_PASSIVE) ? INADDR_ANY : INADDR_LOOPBACK);
    if (family != AF_INET6) { found[n].family = AF_INET; memcpy(found[n++].addr, &v4, 4); }
    if (family != AF_INET) { found[n].family = AF_INET6; memcpy(found[n++].addr, (flags & AI_PASSIVE) ? any6 : loop6, 16); }
  } else if (family != AF_INET6 && inet_pton(AF_INET, node, a) == 1) {
    found[n].family = AF_INET;
    memcpy(found[n++].addr, a, 4);
  } else if (family != AF_INET && inet_pton(AF_INET6, node, a) == 1) {
    found[n].family = AF_INET6;
    memcpy(found[n++].addr, a, 16);
  } else if (flags & AI_NUMERICHOST) {
    return EAI_NONAME;
  } else {
    size_t count = 0;
    int r = tk_resolve(node, strlen(node), family, found, TK_RESOLVE_MAX, &count);
    switch (r) {
      case 0: break;
      case ENOENT: case EINVAL: return EAI_NONAME;
      case EAGAIN: return EAI_AGAIN;
      case EACCES: return EAI_FAIL;
      case EAFNOSUPPORT: return EAI_FAMILY;
      default: errno = r; return EAI_SYSTEM;
    }
    n = count < TK_RESOLVE_MAX ? count : TK_RESOLVE_MAX;
  }
  struct addrinfo *head = NULL, **tail = &head;
  const char *canon = (flags & AI_CANONNAME) && node ? node : NULL;
  /* IPv4 first, then IPv6 (see the header). */
  for (int pass = 0; pass < 2; pass++) {
    for (size_t i = 0; i < n; i++) {
      int f = found[i].family;
      if ((pass == 0) != (f == AF_INET)) continue;
      int r = add(&tail, f, found[i].addr, port, hints, canon);
      if (r) {
        freeaddrinfo(head);
        return r;
      }
      if (head) canon = NULL;
    }
  }
  if (!head) return EAI_NONAME;
  *res = head;
  return 0;
}

void freeaddrinfo(struct addrinfo *ai) {
  while (ai) {
    struct addrinfo *next = ai->ai_next;
    free(ai->ai_canonname);
    free(ai);
    ai = next;
  }
}

const char *gai_strerror(int e) {
  switch (e) {
    case 0: return "Success";
    case EAI_BADFLAGS: return "Invalid flags";
    case EAI_NONAME: return "Name does not resolve";
    case EAI_AGAIN: return "Temporary failure in name resolution";
    case EAI_FAIL: return "Non-recoverable failure in name resolution";
    case EAI_NODATA: return "No address for the name";
    case EAI_FAMILY: return "Unrecognized address family or invalid length";
    case EAI_SOCKTYPE: return "Unrecognized socket type";
    case EAI_SERVICE: return "Unrecognized service";
    case EAI_MEMORY: return "Out of memory";
    case EAI_SYSTEM: return "System error";
    case EAI_OVERFLOW: return "Overflow";
    default: return "Unknown error";
  }
}

/* The name the kernel's resolver would give this address back as, or NULL. */
static const char *known_name(int family, const unsigned char *a) {
  if (family == AF_INET && a[0] == 127) return "localhost";
  if (family == AF_INET && a[0] == 10 && a[1] == 0 && a[2] == 2 && a[3] == 2) return "host.tabkernel.internal";
  static const unsigned char loop6[16] = {[15] = 1};
  if (family == AF_INET6 && !memcmp(a, loop6, 16)) return "localhost";
  return NULL;
}

int getnameinfo(const struct sockaddr *restrict sa, socklen_t salen, char *restrict host, socklen_t hostlen,
                char *restrict serv, socklen_t servlen, int flags) {
  const unsigned char *a;
  int port, family = sa->sa_family;
  if (family == AF_INET && salen >= sizeof(struct sockaddr_in)) {
    const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
    a = (const unsigned char *)&sin->sin_addr;
    port = ntohs(sin->sin_port);
  } else if (family == AF_INET6 && salen >= sizeof(struct sockaddr_in6)) {
    const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
    a = (const unsigned char *)&sin6->sin6_addr;
    port = ntohs(sin6->sin6_port);
  } else {
    return EAI_FAMILY;
  }
  if (host && hostlen > 0) {
    const char *name = (flags & NI_NUMERICHOST) ? NULL : known_name(family, a);
    if (!name && (flags & NI_NAMEREQD)) return EAI_NONAME;
    if (name) {
      if (strlen(name) >= hostlen) return EAI_OVERFLOW;
      strcpy(host, name);
    } else if (!inet_ntop(family, a, host, hostlen)) {
      return EAI_OVERFLOW;
    }
  }
  if (serv && servlen > 0) {
    const char *name = NULL;
    if (!(flags & NI_NUMERICSERV))
      for (size_t i = 0; i < NSERVICES && !name; i++)
        if (services[i].port == port) name = services[i].name;
    int w = name ? snprintf(serv, servlen, "%s", name) : snprintf(serv, servlen, "%d", port);
    if (w < 0 || (socklen_t)w >= servlen) return EAI_OVERFLOW;
  }
  return 0;
}

struct hostent *gethostbyname(const char *name) {
  static struct hostent h;
  static char *list[TK_RESOLVE_MAX + 1];
  static struct in_addr addrs[TK_RESOLVE_MAX];
  static char *aliases[1];
  static char canon[256];
  struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res;
  int r = getaddrinfo(name, NULL, &hints, &res);
  if (r) {
    h_errno = r == EAI_AGAIN ? TRY_AGAIN : r == EAI_NONAME ? HOST_NOT_FOUND : NO_RECOVERY;
    return NULL;
  }
  int n = 0;
  for (struct addrinfo *ai = res; ai && n < TK_RESOLVE_MAX; ai = ai->ai_next) {
    addrs[n] = ((struct sockaddr_in *)ai->ai_addr)->sin_addr;
    list[n] = (char *)&addrs[n];
    n++;
  }
  list[n] = NULL;
  freeaddrinfo(res);
  snprintf(canon, sizeof canon, "%s", name);
  h = (struct hostent){.h_name = canon, .h_aliases = aliases, .h_addrtype = AF_INET, .h_length = 4, .h_addr_list = list};
  return &h;
}

static struct servent *servent_of(const char *name, int port, const char *proto) {
  static struct servent s;
  static char *aliases[1];
  static char pname[8];
  snprintf(pname, sizeof pname, "%s", proto && !strcmp(proto, "udp") ? "udp" : "tcp");
  s = (struct servent){.s_name = (char *)name, .s_aliases = aliases, .s_port = htons((uint16_t)port), .s_proto = pname};
  return &s;
}

struct servent *getservbyname(const char *name, const char *proto) {
  for (size_t i = 0; i < NSERVICES; i++)
    if (!strcmp(services[i].name, name)) return servent_of(services[i].name, services[i].port, proto);
  return NULL;
}

struct servent *getservbyport(int port, const char *proto) {
  for (size_t i = 0; i < NSERVICES; i++)
    if (htons((uint16_t)services[i].port) == port) return servent_of(services[i].name, services[i].port, proto);
  return NULL;
}

const char *hstrerror(int e) {
  switch (e) {
    case HOST_NOT_FOUND: return "Unknown host";
    case TRY_AGAIN: return "Host name lookup failure";
    case NO_RECOVERY: return "Unknown server error";
    case NO_DATA: return "No address associated with name";
    default: return "Unknown error";
  }
}
