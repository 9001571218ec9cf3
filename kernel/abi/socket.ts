// The socket ABI: the constants and address layouts tabkernel's socket calls
// (abi/syscalls.ts "sockets", userland/libc/socket.c) share with C programs.
// Where wasi-libc's headers define a name, its value is kept, since programs
// compiled against them use it: AF_INET is 1, SOCK_STREAM is WASI's filetype
// 6, SOL_SOCKET 0x7fffffff, MSG_PEEK WASI's RECV_PEEK. The names wasi-libc
// leaves out (SO_REUSEADDR, MSG_NOSIGNAL, …) take musl's (Linux's) values;
// tabkernel_abi.h exports them all as TK_* (abi/tabkernel.ts lists them) and
// the libc's <sys/socket.h> maps the POSIX names onto them.
// Addresses travel as the guest's own struct sockaddr bytes, in wasi-libc's
// layout (its structs are 16-byte aligned: sockaddr_in is 16 bytes,
// sockaddr_in6 32), with tabkernel's sockaddr_un (a 108-byte sun_path, which
// wasi-libc's lacks) and a 128-byte sockaddr_storage.
// Spec: POSIX <sys/socket.h>, <netinet/in.h>, <sys/un.h>; Linux socket(7), ip(7), unix(7).

/** Address families (wasi-libc's <sys/socket.h>). */
export const AddressFamily = { UNSPEC: 0, INET: 1, INET6: 2, UNIX: 3 } as const;

/** Socket types: WASI's socket filetypes, as wasi-libc defines SOCK_DGRAM and SOCK_STREAM. */
export const SockType = { DGRAM: 5, STREAM: 6 } as const;

/** Flags or'ed into socket()'s and socketpair()'s type, and accept4()'s flags. */
export const SockFlag = { NONBLOCK: 0x4000, CLOEXEC: 0x2000 } as const;

/** Option levels: SOL_SOCKET is wasi-libc's; the others are the protocol numbers. */
export const SockLevel = { SOCKET: 0x7fffffff, IP: 0, TCP: 6, UDP: 17, IPV6: 41 } as const;

/** IP protocol numbers socket() accepts (0: the type's own). */
export const IpProto = { TCP: 6, UDP: 17 } as const;

/**
 * SOL_SOCKET options (SO_TYPE is wasi-libc's 3; the rest musl's, with
 * wasm32's SO_RCVTIMEO and SO_SNDTIMEO). The kernel keeps the int ones;
 * SO_LINGER is the libc's (accepted, reads back off); the timeouts are
 * not kept (ENOPROTOOPT).
 */
export const SockOpt = {
  REUSEADDR: 2, TYPE: 3, ERROR: 4, BROADCAST: 6, SNDBUF: 7, RCVBUF: 8, KEEPALIVE: 9,
  LINGER: 13, REUSEPORT: 15, ACCEPTCONN: 30, PROTOCOL: 38, DOMAIN: 39, RCVTIMEO: 66, SNDTIMEO: 67,
} as const;

/** IPPROTO_TCP options. */
export const TcpOpt = { NODELAY: 1 } as const;
/** IPPROTO_IPV6 options. */
export const Ipv6Opt = { V6ONLY: 26 } as const;

/** send/recv flags: PEEK and WAITALL are WASI's riflags (wasi-libc's values); the rest Linux's. */
export const MsgFlag = { PEEK: 1, WAITALL: 2, DONTWAIT: 0x40, NOSIGNAL: 0x4000 } as const;
/** recv's output flag: a datagram was longer than the buffer (WASI's RECV_DATA_TRUNCATED). */
export const MSG_TRUNC = 1;

/** shutdown's `how`: WASI's sdflags, as wasi-libc's SHUT_RD (1), SHUT_WR (2), SHUT_RDWR (3). */
export const Shut = { RD: 1, WR: 2 } as const;

/** struct sockaddr_in (wasi-libc): sin_family u16, sin_port u16 (network order), sin_addr. */
export const SOCKADDR_IN = { SIZE: 16, FAMILY: 0, PORT: 2, ADDR: 4 } as const;
/** struct sockaddr_in6 (wasi-libc): …, sin6_flowinfo u32, sin6_addr[16], sin6_scope_id u32. */
export const SOCKADDR_IN6 = { SIZE: 32, FAMILY: 0, PORT: 2, FLOWINFO: 4, ADDR: 8, SCOPE_ID: 24 } as const;
/** struct sockaddr_un (tabkernel's <sys/un.h>): sun_family u16, sun_path[108]; 112 bytes with wasi-libc's 16-byte alignment. */
export const SOCKADDR_UN = { SIZE: 112, FAMILY: 0, PATH: 2, PATH_MAX: 108 } as const;
/** The largest address the kernel reads or writes (tabkernel's struct sockaddr_storage). */
export const SOCKADDR_MAX = 128;

/** One address of tk_resolve's answer: family u16 (AF_INET, AF_INET6), 2 bytes of padding, 16 address bytes (4 used for AF_INET). */
export const RESOLVED = { SIZE: 20, FAMILY: 0, ADDR: 4 } as const;
/** The most addresses one tk_resolve answers. */
export const RESOLVE_MAX = 32;

/** The most a listen() backlog may be (Linux's net.core.somaxconn). */
export const SOMAXCONN = 4096;
