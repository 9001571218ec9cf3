// Syscall ABI fuzzer, the driver half (the generator is
// test/integration/fuzz-abi.test.ts). It declares every import of
// wasi_snapshot_preview1 and of tabkernel with its exact wasm signature, reads
// a script of calls, makes each call and prints its result.
//
// Usage: fuzz --list              one line per import: "ID NAME SIG" (SIG: i = i32, I = i64)
//        fuzz DIR SCRIPT          mkdir DIR, set up files and a pipe there, run SCRIPT
//
// The script is text, read whole before the first call. Each record:
//   C ID NARGS (TAG VALUE)* PLEN HEX|- NREL (OFF TAG VALUE)*
// TAG says how VALUE becomes the argument: 0 as is, 1 the fuzz region's base +
// VALUE, 2 the end of memory + VALUE (signed), 3 this process's pid + VALUE,
// 4 the index of the driver's own signal handler. The PLEN bytes (hex) are
// copied to the start of the fuzz region before the call, then each
// relocation stores a 32-bit argument value (same tags) at region + OFF:
// iovec arrays, path bytes, poll subscriptions, spawn argv and attributes.
//
// The fuzz region is the top FUZZ_PAGES pages of memory, grown after every
// allocation of the driver, so whatever the kernel writes through a pointer
// the generator made lands there or nowhere. Output, to fd OUT_FD (a dup of
// stdout that no generated fd names): "r ERRNO" per call ("r skip" for a call
// that might block when no SIGALRM handler can be installed), then "end N".
//
// What keeps the driver alive: SIGPIPE and SIGXFSZ are ignored and SIGALRM caught, all
// restored (and SIGALRM unblocked) after every sigaction or sigprocmask call;
// every call runs under alarm(1), so a call that blocks ends with EINTR;
// sigsuspend's and ppoll's masks never block SIGALRM (ppoll's EINTR leaves
// its mask in place: restored too); SIGALRM is made pending before sigsuspend
// so it returns at once; a fork child _exits at once. The generator keeps the
// rest: no signal that stops or ends the driver is sent to it, exec and spawn
// name no real program, proc_exit and longjmp (which, with no setjmp to land
// on, ends the driver as a trap) come last.
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <wasi/api.h>

typedef int32_t i32;
typedef int64_t i64;

#define W(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))
#define T(name) __attribute__((import_module("tabkernel"), import_name(#name)))

// ---- every import, with its exact signature --------------------------------
#define IMPORTS(X)                                                          \
  X(W, args_get, "ii") X(W, args_sizes_get, "ii") X(W, environ_get, "ii")   \
  X(W, environ_sizes_get, "ii") X(W, clock_res_get, "ii")                   \
  X(W, clock_time_get, "iIi") X(W, fd_advise, "iIIi") X(W, fd_allocate, "iII") \
  X(W, fd_close, "i") X(W, fd_datasync, "i") X(W, fd_fdstat_get, "ii")      \
  X(W, fd_fdstat_set_flags, "ii") X(W, fd_fdstat_set_rights, "iII")         \
  X(W, fd_filestat_get, "ii") X(W, fd_filestat_set_size, "iI")              \
  X(W, fd_filestat_set_times, "iIIi") X(W, fd_pread, "iiiIi")               \
  X(W, fd_prestat_get, "ii") X(W, fd_prestat_dir_name, "iii")               \
  X(W, fd_pwrite, "iiiIi") X(W, fd_read, "iiii") X(W, fd_readdir, "iiiIi")  \
  X(W, fd_renumber, "ii") X(W, fd_seek, "iIii") X(W, fd_sync, "i")          \
  X(W, fd_tell, "ii") X(W, fd_write, "iiii")                                \
  X(W, path_create_directory, "iii") X(W, path_filestat_get, "iiiii")       \
  X(W, path_filestat_set_times, "iiiiIIi") X(W, path_link, "iiiiiii")       \
  X(W, path_open, "iiiiiIIii") X(W, path_readlink, "iiiiii")                \
  X(W, path_remove_directory, "iii") X(W, path_rename, "iiiiii")            \
  X(W, path_symlink, "iiiii") X(W, path_unlink_file, "iii")                 \
  X(W, poll_oneoff, "iiii") X(W, proc_exit, "i") X(W, proc_raise, "i")      \
  X(W, sched_yield, "") X(W, random_get, "ii") X(W, sock_accept, "iii")     \
  X(W, sock_recv, "iiiiii") X(W, sock_send, "iiiii") X(W, sock_shutdown, "ii") \
  X(T, spawn, "iiiiiiiiii") X(T, exec, "iiiiii") X(T, fork, "iii")          \
  X(T, wait, "iiii") X(T, pipe, "ii") X(T, dup, "iiii") X(T, dup2, "iii")   \
  X(T, fd_cloexec, "iii") X(T, getpid, "ii") X(T, childtimes, "i")        \
  X(T, kill, "ii")                                                          \
  X(T, sigaction, "iiiIiii") X(T, sigprocmask, "iIi") X(T, sigpending, "i") \
  X(T, sigsuspend, "I") X(T, alarm, "ii") X(T, setpgid, "ii")               \
  X(T, getpgid, "ii") X(T, setsid, "i") X(T, getsid, "ii")                  \
  X(T, tcsetpgrp, "ii") X(T, tcgetpgrp, "ii") X(T, winsize, "iiii")         \
  X(T, chdir, "ii") X(T, fchdir, "i") X(T, getcwd, "iii") X(T, umask, "ii") \
  X(T, tcgetattr, "ii") X(T, tcsetattr, "iii") X(T, ptsname, "ii")          \
  X(T, openroot, "ii") X(T, chmod, "iiiii") X(T, fchmod, "ii")              \
  X(T, getmode, "iiiii") X(T, fgetmode, "ii") X(T, prlimit, "iiiIIii")      \
  X(T, statvfs, "iiiii") X(T, fcntl_lock, "iiiiIIi") X(T, flock, "ii")     \
  X(T, ppoll, "iiiIIiii") X(T, image, "iiiiiii") X(T, container, "iiiiiiiiiii") \
  X(T, socket, "iiii") X(T, socketpair, "iiii") X(T, bind, "iii") X(T, listen, "ii") \
  X(T, accept, "iiiii") X(T, connect, "iii") X(T, sendto, "iiiiiii")        \
  X(T, recvfrom, "iiiiiiii") X(T, sockname, "iiii") X(T, sockopt, "iiiiii") \
  X(T, resolve, "iiiiii") X(T, longjmp, "")

// Declarations: z_NAME, typed from the signature string by the call site below.
W(args_get) i32 z_args_get(i32, i32);
W(args_sizes_get) i32 z_args_sizes_get(i32, i32);
W(environ_get) i32 z_environ_get(i32, i32);
W(environ_sizes_get) i32 z_environ_sizes_get(i32, i32);
W(clock_res_get) i32 z_clock_res_get(i32, i32);
W(clock_time_get) i32 z_clock_time_get(i32, i64, i32);
W(fd_advise) i32 z_fd_advise(i32, i64, i64, i32);
W(fd_allocate) i32 z_fd_allocate(i32, i64, i64);
W(fd_close) i32 z_fd_close(i32);
W(fd_datasync) i32 z_fd_datasync(i32);
W(fd_fdstat_get) i32 z_fd_fdstat_get(i32, i32);
W(fd_fdstat_set_flags) i32 z_fd_fdstat_set_flags(i32, i32);
W(fd_fdstat_set_rights) i32 z_fd_fdstat_set_rights(i32, i64, i64);
W(fd_filestat_get) i32 z_fd_filestat_get(i32, i32);
W(fd_filestat_set_size) i32 z_fd_filestat_set_size(i32, i64);
W(fd_filestat_set_times) i32 z_fd_filestat_set_times(i32, i64, i64, i32);
W(fd_pread) i32 z_fd_pread(i32, i32, i32, i64, i32);
W(fd_prestat_get) i32 z_fd_prestat_get(i32, i32);
W(fd_prestat_dir_name) i32 z_fd_prestat_dir_name(i32, i32, i32);
W(fd_pwrite) i32 z_fd_pwrite(i32, i32, i32, i64, i32);
W(fd_read) i32 z_fd_read(i32, i32, i32, i32);
W(fd_readdir) i32 z_fd_readdir(i32, i32, i32, i64, i32);
W(fd_renumber) i32 z_fd_renumber(i32, i32);
W(fd_seek) i32 z_fd_seek(i32, i64, i32, i32);
W(fd_sync) i32 z_fd_sync(i32);
W(fd_tell) i32 z_fd_tell(i32, i32);
W(fd_write) i32 z_fd_write(i32, i32, i32, i32);
W(path_create_directory) i32 z_path_create_directory(i32, i32, i32);
W(path_filestat_get) i32 z_path_filestat_get(i32, i32, i32, i32, i32);
W(path_filestat_set_times) i32 z_path_filestat_set_times(i32, i32, i32, i32, i64, i64, i32);
W(path_link) i32 z_path_link(i32, i32, i32, i32, i32, i32, i32);
W(path_open) i32 z_path_open(i32, i32, i32, i32, i32, i64, i64, i32, i32);
W(path_readlink) i32 z_path_readlink(i32, i32, i32, i32, i32, i32);
W(path_remove_directory) i32 z_path_remove_directory(i32, i32, i32);
W(path_rename) i32 z_path_rename(i32, i32, i32, i32, i32, i32);
W(path_symlink) i32 z_path_symlink(i32, i32, i32, i32, i32);
W(path_unlink_file) i32 z_path_unlink_file(i32, i32, i32);
W(poll_oneoff) i32 z_poll_oneoff(i32, i32, i32, i32);
W(proc_exit) _Noreturn void z_proc_exit(i32);
W(proc_raise) i32 z_proc_raise(i32);
W(sched_yield) i32 z_sched_yield(void);
W(random_get) i32 z_random_get(i32, i32);
W(sock_accept) i32 z_sock_accept(i32, i32, i32);
W(sock_recv) i32 z_sock_recv(i32, i32, i32, i32, i32, i32);
W(sock_send) i32 z_sock_send(i32, i32, i32, i32, i32);
W(sock_shutdown) i32 z_sock_shutdown(i32, i32);
T(spawn) i32 z_spawn(i32, i32, i32, i32, i32, i32, i32, i32, i32, i32);
T(exec) i32 z_exec(i32, i32, i32, i32, i32, i32);
T(fork) i32 z_fork(i32, i32, i32);
T(wait) i32 z_wait(i32, i32, i32, i32);
T(pipe) i32 z_pipe(i32, i32);
T(dup) i32 z_dup(i32, i32, i32, i32);
T(dup2) i32 z_dup2(i32, i32, i32);
T(fd_cloexec) i32 z_fd_cloexec(i32, i32, i32);
T(getpid) i32 z_getpid(i32, i32);
T(childtimes) i32 z_childtimes(i32);
T(kill) i32 z_kill(i32, i32);
T(sigaction) i32 z_sigaction(i32, i32, i32, i64, i32, i32, i32);
T(sigprocmask) i32 z_sigprocmask(i32, i64, i32);
T(sigpending) i32 z_sigpending(i32);
T(sigsuspend) i32 z_sigsuspend(i64);
T(alarm) i32 z_alarm(i32, i32);
T(setpgid) i32 z_setpgid(i32, i32);
T(getpgid) i32 z_getpgid(i32, i32);
T(setsid) i32 z_setsid(i32);
T(getsid) i32 z_getsid(i32, i32);
T(tcsetpgrp) i32 z_tcsetpgrp(i32, i32);
T(tcgetpgrp) i32 z_tcgetpgrp(i32, i32);
T(winsize) i32 z_winsize(i32, i32, i32, i32);
T(chdir) i32 z_chdir(i32, i32);
T(fchdir) i32 z_fchdir(i32);
T(getcwd) i32 z_getcwd(i32, i32, i32);
T(umask) i32 z_umask(i32, i32);
T(tcgetattr) i32 z_tcgetattr(i32, i32);
T(tcsetattr) i32 z_tcsetattr(i32, i32, i32);
T(ptsname) i32 z_ptsname(i32, i32);
T(openroot) i32 z_openroot(i32, i32);
T(chmod) i32 z_chmod(i32, i32, i32, i32, i32);
T(fchmod) i32 z_fchmod(i32, i32);
T(getmode) i32 z_getmode(i32, i32, i32, i32, i32);
T(fgetmode) i32 z_fgetmode(i32, i32);
T(prlimit) i32 z_prlimit(i32, i32, i32, i64, i64, i32, i32);
T(statvfs) i32 z_statvfs(i32, i32, i32, i32, i32);
T(fcntl_lock) i32 z_fcntl_lock(i32, i32, i32, i32, i64, i64, i32);
T(flock) i32 z_flock(i32, i32);
T(ppoll) i32 z_ppoll(i32, i32, i32, i64, i64, i32, i32, i32);
T(image) i32 z_image(i32, i32, i32, i32, i32, i32, i32);
T(container) i32 z_container(i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32);
T(socket) i32 z_socket(i32, i32, i32, i32);
T(socketpair) i32 z_socketpair(i32, i32, i32, i32);
T(bind) i32 z_bind(i32, i32, i32);
T(listen) i32 z_listen(i32, i32);
T(accept) i32 z_accept(i32, i32, i32, i32, i32);
T(connect) i32 z_connect(i32, i32, i32);
T(sendto) i32 z_sendto(i32, i32, i32, i32, i32, i32, i32);
T(recvfrom) i32 z_recvfrom(i32, i32, i32, i32, i32, i32, i32, i32);
T(sockname) i32 z_sockname(i32, i32, i32, i32);
T(sockopt) i32 z_sockopt(i32, i32, i32, i32, i32, i32);
T(resolve) i32 z_resolve(i32, i32, i32, i32, i32, i32);
T(longjmp) _Noreturn void z_longjmp(void);

enum {
#define ID(m, name, sig) ID_##name,
  IMPORTS(ID)
#undef ID
  NIMPORTS
};

static const struct { const char *name, *sig; } imports[NIMPORTS] = {
#define ROW(m, name, sig) {#name, sig},
  IMPORTS(ROW)
#undef ROW
};

// One call with up to ten arguments (as u64; i32 parameters take the low bits).
#define A(i) ((i32)(uint32_t)a[i])
#define L(i) ((i64)a[i])
static i32 call(int id, const uint64_t *a) {
  switch (id) {
  case ID_args_get: return z_args_get(A(0), A(1));
  case ID_args_sizes_get: return z_args_sizes_get(A(0), A(1));
  case ID_environ_get: return z_environ_get(A(0), A(1));
  case ID_environ_sizes_get: return z_environ_sizes_get(A(0), A(1));
  case ID_clock_res_get: return z_clock_res_get(A(0), A(1));
  case ID_clock_time_get: return z_clock_time_get(A(0), L(1), A(2));
  case ID_fd_advise: return z_fd_advise(A(0), L(1), L(2), A(3));
  case ID_fd_allocate: return z_fd_allocate(A(0), L(1), L(2));
  case ID_fd_close: return z_fd_close(A(0));
  case ID_fd_datasync: return z_fd_datasync(A(0));
  case ID_fd_fdstat_get: return z_fd_fdstat_get(A(0), A(1));
  case ID_fd_fdstat_set_flags: return z_fd_fdstat_set_flags(A(0), A(1));
  case ID_fd_fdstat_set_rights: return z_fd_fdstat_set_rights(A(0), L(1), L(2));
  case ID_fd_filestat_get: return z_fd_filestat_get(A(0), A(1));
  case ID_fd_filestat_set_size: return z_fd_filestat_set_size(A(0), L(1));
  case ID_fd_filestat_set_times: return z_fd_filestat_set_times(A(0), L(1), L(2), A(3));
  case ID_fd_pread: return z_fd_pread(A(0), A(1), A(2), L(3), A(4));
  case ID_fd_prestat_get: return z_fd_prestat_get(A(0), A(1));
  case ID_fd_prestat_dir_name: return z_fd_prestat_dir_name(A(0), A(1), A(2));
  case ID_fd_pwrite: return z_fd_pwrite(A(0), A(1), A(2), L(3), A(4));
  case ID_fd_read: return z_fd_read(A(0), A(1), A(2), A(3));
  case ID_fd_readdir: return z_fd_readdir(A(0), A(1), A(2), L(3), A(4));
  case ID_fd_renumber: return z_fd_renumber(A(0), A(1));
  case ID_fd_seek: return z_fd_seek(A(0), L(1), A(2), A(3));
  case ID_fd_sync: return z_fd_sync(A(0));
  case ID_fd_tell: return z_fd_tell(A(0), A(1));
  case ID_fd_write: return z_fd_write(A(0), A(1), A(2), A(3));
  case ID_path_create_directory: return z_path_create_directory(A(0), A(1), A(2));
  case ID_path_filestat_get: return z_path_filestat_get(A(0), A(1), A(2), A(3), A(4));
  case ID_path_filestat_set_times: return z_path_filestat_set_times(A(0), A(1), A(2), A(3), L(4), L(5), A(6));
  case ID_path_link: return z_path_link(A(0), A(1), A(2), A(3), A(4), A(5), A(6));
  case ID_path_open: return z_path_open(A(0), A(1), A(2), A(3), A(4), L(5), L(6), A(7), A(8));
  case ID_path_readlink: return z_path_readlink(A(0), A(1), A(2), A(3), A(4), A(5));
  case ID_path_remove_directory: return z_path_remove_directory(A(0), A(1), A(2));
  case ID_path_rename: return z_path_rename(A(0), A(1), A(2), A(3), A(4), A(5));
  case ID_path_symlink: return z_path_symlink(A(0), A(1), A(2), A(3), A(4));
  case ID_path_unlink_file: return z_path_unlink_file(A(0), A(1), A(2));
  case ID_poll_oneoff: return z_poll_oneoff(A(0), A(1), A(2), A(3));
  case ID_proc_exit: z_proc_exit(A(0));
  case ID_proc_raise: return z_proc_raise(A(0));
  case ID_sched_yield: return z_sched_yield();
  case ID_random_get: return z_random_get(A(0), A(1));
  case ID_sock_accept: return z_sock_accept(A(0), A(1), A(2));
  case ID_sock_recv: return z_sock_recv(A(0), A(1), A(2), A(3), A(4), A(5));
  case ID_sock_send: return z_sock_send(A(0), A(1), A(2), A(3), A(4));
  case ID_sock_shutdown: return z_sock_shutdown(A(0), A(1));
  case ID_spawn: return z_spawn(A(0), A(1), A(2), A(3), A(4), A(5), A(6), A(7), A(8), A(9));
  case ID_exec: return z_exec(A(0), A(1), A(2), A(3), A(4), A(5));
  case ID_fork: return z_fork(A(0), A(1), A(2));
  case ID_wait: return z_wait(A(0), A(1), A(2), A(3));
  case ID_pipe: return z_pipe(A(0), A(1));
  case ID_dup: return z_dup(A(0), A(1), A(2), A(3));
  case ID_dup2: return z_dup2(A(0), A(1), A(2));
  case ID_fd_cloexec: return z_fd_cloexec(A(0), A(1), A(2));
  case ID_getpid: return z_getpid(A(0), A(1));
  case ID_childtimes: return z_childtimes(A(0));
  case ID_kill: return z_kill(A(0), A(1));
  case ID_sigaction: return z_sigaction(A(0), A(1), A(2), L(3), A(4), A(5), A(6));
  case ID_sigprocmask: return z_sigprocmask(A(0), L(1), A(2));
  case ID_sigpending: return z_sigpending(A(0));
  case ID_sigsuspend: return z_sigsuspend(L(0));
  case ID_alarm: return z_alarm(A(0), A(1));
  case ID_setpgid: return z_setpgid(A(0), A(1));
  case ID_getpgid: return z_getpgid(A(0), A(1));
  case ID_setsid: return z_setsid(A(0));
  case ID_getsid: return z_getsid(A(0), A(1));
  case ID_tcsetpgrp: return z_tcsetpgrp(A(0), A(1));
  case ID_tcgetpgrp: return z_tcgetpgrp(A(0), A(1));
  case ID_winsize: return z_winsize(A(0), A(1), A(2), A(3));
  case ID_chdir: return z_chdir(A(0), A(1));
  case ID_fchdir: return z_fchdir(A(0));
  case ID_getcwd: return z_getcwd(A(0), A(1), A(2));
  case ID_umask: return z_umask(A(0), A(1));
  case ID_tcgetattr: return z_tcgetattr(A(0), A(1));
  case ID_tcsetattr: return z_tcsetattr(A(0), A(1), A(2));
  case ID_ptsname: return z_ptsname(A(0), A(1));
  case ID_openroot: return z_openroot(A(0), A(1));
  case ID_chmod: return z_chmod(A(0), A(1), A(2), A(3), A(4));
  case ID_fchmod: return z_fchmod(A(0), A(1));
  case ID_getmode: return z_getmode(A(0), A(1), A(2), A(3), A(4));
  case ID_fgetmode: return z_fgetmode(A(0), A(1));
  case ID_prlimit: return z_prlimit(A(0), A(1), A(2), L(3), L(4), A(5), A(6));
  case ID_statvfs: return z_statvfs(A(0), A(1), A(2), A(3), A(4));
  case ID_fcntl_lock: return z_fcntl_lock(A(0), A(1), A(2), A(3), L(4), L(5), A(6));
  case ID_flock: return z_flock(A(0), A(1));
  case ID_ppoll: return z_ppoll(A(0), A(1), A(2), L(3), L(4), A(5), A(6), A(7));
  case ID_image: return z_image(A(0), A(1), A(2), A(3), A(4), A(5), A(6));
  case ID_container: return z_container(A(0), A(1), A(2), A(3), A(4), A(5), A(6), A(7), A(8), A(9), A(10));
  case ID_socket: return z_socket(A(0), A(1), A(2), A(3));
  case ID_socketpair: return z_socketpair(A(0), A(1), A(2), A(3));
  case ID_bind: return z_bind(A(0), A(1), A(2));
  case ID_listen: return z_listen(A(0), A(1));
  case ID_accept: return z_accept(A(0), A(1), A(2), A(3), A(4));
  case ID_connect: return z_connect(A(0), A(1), A(2));
  case ID_sendto: return z_sendto(A(0), A(1), A(2), A(3), A(4), A(5), A(6));
  case ID_recvfrom: return z_recvfrom(A(0), A(1), A(2), A(3), A(4), A(5), A(6), A(7));
  case ID_sockname: return z_sockname(A(0), A(1), A(2), A(3));
  case ID_sockopt: return z_sockopt(A(0), A(1), A(2), A(3), A(4), A(5));
  case ID_resolve: return z_resolve(A(0), A(1), A(2), A(3), A(4), A(5));
  case ID_longjmp: z_longjmp();
  }
  return -1;
}

// ---- output: a private buffer written to OUT_FD ------------------------------
#define OUT_FD 500
static char out[1 << 16];
static size_t outlen;

static void flush(void) {
  size_t done = 0;
  while (done < outlen) {
    __wasi_ciovec_t iov = {(const uint8_t *)out + done, outlen - done};
    __wasi_size_t n = 0;
    if (__wasi_fd_write(OUT_FD, &iov, 1, &n) != 0 || n == 0) break;
    done += n;
  }
  outlen = 0;
}

static void put(const char *s) {
  size_t n = strlen(s);
  if (outlen + n > sizeof out) flush();
  memcpy(out + outlen, s, n);
  outlen += n;
}

static void putnum(const char *prefix, long long v) {
  char b[32];
  int i = sizeof b;
  b[--i] = 0;
  b[--i] = '\n';
  unsigned long long u = v < 0 ? -(unsigned long long)v : (unsigned long long)v;
  do b[--i] = (char)('0' + u % 10); while ((u /= 10) && i > 1);
  if (v < 0) b[--i] = '-';
  put(prefix);
  put(b + i);
}

static _Noreturn void die(const char *why) {
  put("error ");
  put(why);
  put("\n");
  flush();
  _exit(2);
}

// ---- the script ---------------------------------------------------------------
static char *script;
static size_t script_len, pos;

static int token(char *buf, size_t cap) {
  while (pos < script_len && (script[pos] == ' ' || script[pos] == '\n')) pos++;
  size_t n = 0;
  while (pos < script_len && script[pos] != ' ' && script[pos] != '\n') {
    if (n + 1 >= cap) die("token too long");
    buf[n++] = script[pos++];
  }
  buf[n] = 0;
  return n > 0;
}

static uint64_t number(void) {
  char b[32];
  if (!token(b, sizeof b)) die("script ends inside a record");
  return strtoull(b, NULL, 0);
}

static int hexval(char c) {
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// ---- the fuzz region and argument values ---------------------------------------
#define FUZZ_PAGES 4
#define PREFILL_MAX 16384
static uint32_t region, mem_end;
static int32_t my_pid;
static volatile int alarms;

static void on_alarm(int sig) {
  (void)sig;
  alarms++;
}

static uint64_t value(uint64_t tag, uint64_t v) {
  switch (tag) {
  case 0: return v;
  case 1: return (uint32_t)(region + v);
  case 2: return (uint32_t)(mem_end + v);
  case 3: return (uint32_t)(my_pid + (int32_t)v);
  case 4: return (uint32_t)(uintptr_t)on_alarm;
  }
  die("bad tag");
}

static void read_script(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) die("cannot open the script");
  size_t cap = 1 << 16;
  script = malloc(cap);
  for (;;) {
    if (script_len == cap && !(script = realloc(script, cap *= 2))) die("out of memory");
    ssize_t n = read(fd, script + script_len, cap - script_len);
    if (n < 0) die("cannot read the script");
    if (n == 0) break;
    script_len += (size_t)n;
  }
  close(fd);
}

// The files the calls find: in DIR, a file, a directory, a symlink; a pipe, a PTY;
// stdout the file "o", stderr /dev/null. The script was read before.
static void setup(const char *dir) {
  if (mkdir(dir, 0755) != 0 || chdir(dir) != 0) die("cannot make the scratch directory");
  if (dup2(1, OUT_FD) != OUT_FD) die("cannot dup stdout");
  int fds[5];
  fds[0] = open(".", O_RDONLY | O_DIRECTORY);
  fds[4] = open("/dev/ptmx", O_RDWR | O_NOCTTY);
  if (fds[4] < 0) die("cannot open a PTY");
  fds[1] = open("f", O_RDWR | O_CREAT, 0644);
  if (fds[0] < 0 || fds[1] < 0 || write(fds[1], "0123456789", 10) != 10) die("cannot make the scratch files");
  if (mkdir("d", 0755) != 0 || symlink("f", "l") != 0) die("cannot make the scratch tree");
  if (pipe(fds + 2) != 0) die("cannot make a pipe");
  // What the calls write to stdout and stderr must not mix with the results.
  int o = open("o", O_WRONLY | O_CREAT | O_APPEND, 0644), n = open("/dev/null", O_RDWR);
  if (o < 0 || n < 0 || dup2(o, 1) != 1 || dup2(n, 2) != 2) die("cannot redirect stdout and stderr");
  close(o);
  close(n);
  // At fixed numbers, whatever preopens were there (so no path is opened
  // after this): 3 the directory, 4 the file, 5 and 6 the pipe's ends, 7 a
  // PTY's master.
  for (int i = 0; i < 5; i++) {
    int high = fcntl(fds[i], F_DUPFD, 100 + i);
    if (high < 0) die("cannot move an fd");
    close(fds[i]);
    fds[i] = high;
  }
  for (int i = 0; i < 5; i++) {
    if (dup2(fds[i], 3 + i) != 3 + i) die("cannot place an fd");
    close(fds[i]);
  }
}

// What the driver needs before each call: its SIGALRM handler, SIGALRM
// unblocked, SIGPIPE and SIGXFSZ (a write past RLIMIT_FSIZE) ignored.
static int restore(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  int ok = sigaction(SIGALRM, &sa, NULL) == 0;
  signal(SIGPIPE, SIG_IGN);
  signal(SIGXFSZ, SIG_IGN);
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGALRM);
  sigprocmask(SIG_UNBLOCK, &s, NULL);
  return ok;
}

static void list(void) {
  for (int i = 0; i < NIMPORTS; i++) {
    putnum("", i);
    outlen--;  // no newline after the id
    put(" ");
    put(imports[i].name);
    put(" ");
    put(imports[i].sig);
    put("\n");
  }
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "--list") == 0) {
    if (dup2(1, OUT_FD) != OUT_FD) return 2;
    list();
    flush();
    return 0;
  }
  if (argc != 3) return 2;
  read_script(argv[2]);
  setup(argv[1]);
  my_pid = getpid();
  int can_interrupt = restore();
  // The region is grown last: nothing the driver allocates lies in it.
  if (__builtin_wasm_memory_grow(0, FUZZ_PAGES) == (size_t)-1) die("cannot grow memory");
  mem_end = (uint32_t)(__builtin_wasm_memory_size(0) * 65536);
  region = mem_end - FUZZ_PAGES * 65536;

  char tok[16];
  long calls = 0;
  uint64_t a[10];
  while (token(tok, sizeof tok)) {
    if (strcmp(tok, "C") != 0) die("record does not start with C");
    uint64_t id = number(), nargs = number();
    if (id >= NIMPORTS || nargs != strlen(imports[id].sig)) die("bad import id or argument count");
    for (uint64_t i = 0; i < nargs; i++) {
      uint64_t tag = number();
      a[i] = value(tag, number());
    }
    uint64_t plen = number();
    char hex[2 * PREFILL_MAX + 2];
    if (!token(hex, sizeof hex)) die("no prefill");
    if (plen > PREFILL_MAX || (plen && strlen(hex) != 2 * plen)) die("bad prefill");
    uint8_t *r = (uint8_t *)(uintptr_t)region;
    for (uint64_t i = 0; i < plen; i++) r[i] = (uint8_t)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
    uint64_t nrel = number();
    for (uint64_t i = 0; i < nrel; i++) {
      uint64_t off = number(), tag = number();
      uint32_t v = (uint32_t)value(tag, number());
      if (off + 4 > FUZZ_PAGES * 65536) die("relocation outside the region");
      memcpy(r + off, &v, 4);
    }
    calls++;
    if (id == ID_proc_exit || id == ID_longjmp) {
      putnum("end ", calls - 1);
      flush();
      call((int)id, a);
    }
    if (!can_interrupt) {
      put("r skip\n");
      continue;
    }
    if (id == ID_sigsuspend) {
      // Pending and blocked before the call: sigsuspend's mask unblocks it.
      a[0] &= ~(1ull << (SIGALRM - 1));
      sigset_t s;
      sigemptyset(&s);
      sigaddset(&s, SIGALRM);
      sigprocmask(SIG_BLOCK, &s, NULL);
      raise(SIGALRM);
    }
    if (id == ID_ppoll) a[3] &= ~(1ull << (SIGALRM - 1)); // its wait ends by SIGALRM at the latest
    alarm(1);
    i32 e = call((int)id, a);
    alarm(0);
    if (getpid() != my_pid) _exit(0);  // a fork child
    if (id == ID_sigaction || id == ID_sigprocmask || id == ID_sigsuspend || id == ID_ppoll) restore();
    putnum("r ", e);
  }
  // Reap the children forks made (each has exited or is about to).
  alarm(2);
  while (waitpid(-1, NULL, 0) > 0) {}
  alarm(0);
  putnum("end ", calls);
  flush();
  return 0;
}
