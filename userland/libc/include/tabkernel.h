/*
 * tabkernel's own system calls: the import module "tabkernel".
 * Each returns 0 or a WASI errno (see <wasi/api.h>); results come back through
 * pointers. The POSIX functions in userland/libc/ are thin wrappers over
 * these; programs should use the POSIX names. Their constants and structs
 * are tabkernel_abi.h, generated from kernel/abi/tabkernel.ts. The kernel side is
 * kernel/syscall/process.ts (and friends); the numbers of the kernel's own
 * list are in kernel/abi/syscalls.ts. docs/SYSCALLS.md lists every call.
 */
#ifndef _TABKERNEL_H
#define _TABKERNEL_H

#include <stddef.h>
#include <stdint.h>
#include "tabkernel_abi.h"

#define TK_IMPORT(name) __attribute__((import_module("tabkernel"), import_name(#name)))

/* argv and envp travel as NUL-terminated strings packed back to back. */
int32_t tk_spawn(const char *path, size_t path_len, const char *argv, size_t argv_len,
                 const char *envp, size_t envp_len, const void *actions, size_t actions_len,
                 const struct tk_spawnattr *attr, int32_t *pid) TK_IMPORT(spawn);
int32_t tk_exec(const char *path, size_t path_len, const char *argv, size_t argv_len,
                const char *envp, size_t envp_len) TK_IMPORT(exec);
/* fork: asyncify unwinds and rewinds through this import; buf is the asyncify data area. */
int32_t tk_fork(void *buf, size_t buf_len, int32_t *pid) TK_IMPORT(fork);
int32_t tk_wait(int32_t pid, int32_t options, int32_t *status, int32_t *waited) TK_IMPORT(wait);
int32_t tk_pipe(int32_t fds[2], int32_t flags) TK_IMPORT(pipe);
/* dup: lowest free fd >= min (flags: FD_CLOEXEC). dup2: exactly newfd (dup3 semantics if flags). */
int32_t tk_dup(int32_t fd, int32_t min, int32_t flags, int32_t *newfd) TK_IMPORT(dup);
int32_t tk_dup2(int32_t fd, int32_t newfd, int32_t flags) TK_IMPORT(dup2);
/* fd flags (FD_CLOEXEC): set when set >= 0; the old value in *old. */
int32_t tk_fd_cloexec(int32_t fd, int32_t set, int32_t *old) TK_IMPORT(fd_cloexec);
int32_t tk_getpid(int32_t *pid, int32_t *ppid) TK_IMPORT(getpid);
/* The CPU time of the children waited for, theirs included, in ns (RUSAGE_CHILDREN). */
int32_t tk_childtimes(uint64_t *ns) TK_IMPORT(childtimes);
int32_t tk_kill(int32_t pid, int32_t sig) TK_IMPORT(kill);
/* handler: TK_SIG_DFL, TK_SIG_IGN, TK_SIG_QUERY (leave it unchanged), otherwise a function table index (ENOTSUP in a program
   that does not export the trampoline __tk_sigtramp, userland/libc/signal.c). */
int32_t tk_sigaction(int32_t sig, uint32_t handler, uint32_t flags, uint64_t mask,
                     uint32_t *old_handler, uint32_t *old_flags, uint64_t *old_mask) TK_IMPORT(sigaction);
int32_t tk_sigprocmask(int32_t how, uint64_t set, uint64_t *old) TK_IMPORT(sigprocmask);
int32_t tk_sigpending(uint64_t *set) TK_IMPORT(sigpending);
/* Replace the mask with `mask` and wait for a signal; always ends with EINTR. */
int32_t tk_sigsuspend(uint64_t mask) TK_IMPORT(sigsuspend);
int32_t tk_alarm(uint32_t seconds, uint32_t *previous) TK_IMPORT(alarm);
int32_t tk_setpgid(int32_t pid, int32_t pgid) TK_IMPORT(setpgid);
int32_t tk_getpgid(int32_t pid, int32_t *pgid) TK_IMPORT(getpgid);
int32_t tk_setsid(int32_t *sid) TK_IMPORT(setsid);
int32_t tk_getsid(int32_t pid, int32_t *sid) TK_IMPORT(getsid);
int32_t tk_tcsetpgrp(int32_t fd, int32_t pgid) TK_IMPORT(tcsetpgrp);
int32_t tk_tcgetpgrp(int32_t fd, int32_t *pgid) TK_IMPORT(tcgetpgrp);
/* Terminal window size: rows, cols (op 0 = get, 1 = set). */
int32_t tk_winsize(int32_t fd, int32_t op, uint16_t *rows, uint16_t *cols) TK_IMPORT(winsize);
/* Terminal attributes (struct termios, 60 bytes as <termios.h> lays it out). */
int32_t tk_tcgetattr(int32_t fd, void *termios) TK_IMPORT(tcgetattr);
int32_t tk_tcsetattr(int32_t fd, int32_t when, const void *termios) TK_IMPORT(tcsetattr);
/* The N of /dev/pts/N for a PTY master fd. */
int32_t tk_ptsname(int32_t fd, uint32_t *n) TK_IMPORT(ptsname);
/* The kernel's record of the working directory (absolute). */
int32_t tk_chdir(const char *path, size_t len) TK_IMPORT(chdir);
/* The working directory becomes the directory open on fd (ENOTDIR, EBADF, ENOENT once it is gone). */
int32_t tk_fchdir(int32_t fd) TK_IMPORT(fchdir);
int32_t tk_getcwd(char *buf, size_t len, size_t *used) TK_IMPORT(getcwd);
int32_t tk_umask(uint32_t mask, uint32_t *old) TK_IMPORT(umask);
/* Resource limits of pid (0: self): the old ones in *old_cur and *old_max; replaced when set != 0.
   ~0 is RLIM_INFINITY. Errors: EINVAL, EPERM (RLIMIT_NOFILE past 1024), ESRCH. */
int32_t tk_prlimit(int32_t pid, int32_t resource, int32_t set, uint64_t cur, uint64_t max,
                   uint64_t *old_cur, uint64_t *old_max) TK_IMPORT(prlimit);
/* Permission bits, relative to a directory fd as wasi-libc resolves paths. */
int32_t tk_chmod(int32_t dirfd, const char *path, size_t len, uint32_t mode, int32_t follow) TK_IMPORT(chmod);
int32_t tk_fchmod(int32_t fd, uint32_t mode) TK_IMPORT(fchmod);
int32_t tk_getmode(int32_t dirfd, const char *path, size_t len, int32_t follow, uint32_t *mode) TK_IMPORT(getmode);
int32_t tk_fgetmode(int32_t fd, uint32_t *mode) TK_IMPORT(fgetmode);
/* statvfs of path from dirfd (len 0: of what dirfd is). */
int32_t tk_statvfs(int32_t dirfd, const char *path, size_t len, int32_t follow, struct tk_statvfs *out) TK_IMPORT(statvfs);
/* fcntl record locks (cmd F_GETLK 5, F_SETLK 6, F_SETLKW 7; type F_RDLCK 0, F_WRLCK 1,
   F_UNLCK 2; whence SEEK_*). F_GETLK fills *out (may be NULL otherwise): the
   lock in the way, or type F_UNLCK; len 0 means "to the end". Errors: EBADF,
   EINVAL, EOVERFLOW, EAGAIN (F_SETLK), EINTR and EDEADLK (F_SETLKW). */
int32_t tk_fcntl_lock(int32_t fd, int32_t cmd, int32_t type, int32_t whence, int64_t start, int64_t len,
                      struct tk_lock *out) TK_IMPORT(fcntl_lock);
/* flock: op LOCK_SH 1, LOCK_EX 2, LOCK_UN 8, | LOCK_NB 4 (EAGAIN instead of waiting). */
int32_t tk_flock(int32_t fd, int32_t op) TK_IMPORT(flock);
/* poll_oneoff's wait (n may be 0: a signal alone ends it) with the signal mask
   replaced by `mask` for it (TK_MASK_UNCHANGED: kept), atomically. A pending
   signal of `accept` ends it, taken instead of handled (*sig; 0: none), with no
   event. EINTR: a caught signal ended it, its handler ran with `mask` still in
   place, and the caller restores *old_mask (pselect, ppoll). Any other end
   puts the old mask back in the kernel. Never restarted (SA_RESTART). */
int32_t tk_ppoll(const void *in, void *out, size_t n, uint64_t mask, uint64_t accept,
                 size_t *nevents, uint64_t *old_mask, int32_t *sig) TK_IMPORT(ppoll);
/* The host's images (docs/IMAGES.md): op TK_IMAGE_*, ref ('' for LIST). A
   pull's progress is written on progress_fd while the call runs — a bar per
   layer on a terminal, a line per layer otherwise; never blocking, never
   signalling (TK_NO_PROGRESS_FD: none). The answer (PULL, FETCH: the image as
   JSON; LIST, INSPECT: the text to print), or on an error its message, goes
   to buf; *used is its length (ERANGE when it does not fit: *used is the
   size needed). EBADF: progress_fd is not open for writing; EINVAL: a bad
   reference; ENOENT: no such image in the store; EIO: the registry or the
   bytes failed; ENOSYS: the host keeps no images. */
int32_t tk_image(int32_t op, const char *ref, size_t ref_len, int32_t progress_fd, char *buf,
                 size_t buf_len, size_t *used) TK_IMPORT(image);
/* exec of image ref's command in a fresh container of it (Docker's rules:
   args, NUL-terminated, replace Cmd; a non-empty entrypoint replaces
   Entrypoint and drops Cmd; env entries NAME=VALUE set, NAME unsets, over
   the image's Env): the caller's mount namespace becomes the container's,
   its cwd the image's WorkingDir, its directory fds are closed. An image the store lacks is pulled first,
   with no progress shown (tk_image TK_IMAGE_FETCH before shows it). No return
   on success; on an error its message goes to msg (*used: its length). */
int32_t tk_container(const char *ref, size_t ref_len, const char *entrypoint, size_t entrypoint_len,
                     const char *args, size_t args_len, const char *env, size_t env_len,
                     char *msg, size_t msg_len, size_t *used) TK_IMPORT(container);
/* setjmp/longjmp built with invoke trampolines (programs that fork;
   userland/libc/setjmp.c): unwind to the nearest env.invoke_* call, which
   returns as if its callee had; answered in the process, never the kernel. */
_Noreturn void tk_longjmp(void) TK_IMPORT(longjmp);
/* libc, not a kernel call: whether a file exec refused with ENOEXEC is a
   script for /bin/sh (no NUL byte in its first line), as execvp and the shell
   judge before running it with the shell. */
int __tk_is_script(const char *path);
/* The root directory as a close-on-exec fd >= min (programs of the root image only). */
int32_t tk_openroot(int32_t min, int32_t *fd) TK_IMPORT(openroot);
/* Sockets (kernel/syscall/sock.ts; docs/NETWORK.md): the POSIX calls of
   userland/libc/socket.c wrap these. Addresses are struct sockaddr bytes
   (TK_AF_*, at most TK_SOCKADDR_MAX); an address the kernel answers is cut
   to *len bytes and *len set to its real length (addr NULL: not wanted).
   type and accept's flags take TK_SOCK_NONBLOCK and TK_SOCK_CLOEXEC; flags
   of sendto and recvfrom are TK_MSG_*; iovs are struct iovec arrays. */
int32_t tk_socket(int32_t domain, int32_t type, int32_t protocol, int32_t *fd) TK_IMPORT(socket);
int32_t tk_socketpair(int32_t domain, int32_t type, int32_t protocol, int32_t fds[2]) TK_IMPORT(socketpair);
int32_t tk_bind(int32_t fd, const void *addr, uint32_t len) TK_IMPORT(bind);
int32_t tk_listen(int32_t fd, int32_t backlog) TK_IMPORT(listen);
int32_t tk_accept(int32_t fd, int32_t flags, void *addr, uint32_t *len, int32_t *newfd) TK_IMPORT(accept);
int32_t tk_connect(int32_t fd, const void *addr, uint32_t len) TK_IMPORT(connect);
int32_t tk_sendto(int32_t fd, const void *iovs, size_t iovcnt, int32_t flags, const void *addr, uint32_t len,
                  size_t *sent) TK_IMPORT(sendto);
/* *oflags: TK_MSG_TRUNC when a datagram was longer than the buffers (may be NULL). */
int32_t tk_recvfrom(int32_t fd, void *iovs, size_t iovcnt, int32_t flags, void *addr, uint32_t *len,
                    size_t *received, int32_t *oflags) TK_IMPORT(recvfrom);
/* getsockname (peer 0) and getpeername (peer 1). */
int32_t tk_sockname(int32_t fd, int32_t peer, void *addr, uint32_t *len) TK_IMPORT(sockname);
/* An int option: set it to value (set 1), or read it into *out (set 0). ENOPROTOOPT: unknown. */
int32_t tk_sockopt(int32_t fd, int32_t level, int32_t name, int32_t set, int32_t value, int32_t *out) TK_IMPORT(sockopt);
/* One address of tk_resolve's answer (family TK_AF_INET: 4 bytes of addr used). */
struct tk_addr {
  uint16_t family;
  uint16_t pad;
  uint8_t addr[16];
};
_Static_assert(sizeof(struct tk_addr) == TK_RESOLVED_SIZE && __builtin_offsetof(struct tk_addr, addr) == TK_RESOLVED_ADDR, "kernel/abi/socket.ts");
/* The addresses of host name `name` of family (TK_AF_UNSPEC: both), at most
   max into out, *count the number found (up to TK_RESOLVE_MAX). ENOENT: no
   such name; EACCES: the policy grants no connection to it; EAGAIN: the
   host's resolver failed; EINVAL: not a host name. */
int32_t tk_resolve(const char *name, size_t len, int32_t family, struct tk_addr *out, size_t max,
                   size_t *count) TK_IMPORT(resolve);

#endif
