/* Signals for tabkernel programs (wasi-libc has none). Numbers are WASI's
 * (`typename $signal`), which are Linux's up to SIGTERM. */
#ifndef _SIGNAL_H
#define _SIGNAL_H

#ifdef __cplusplus
extern "C" {
#endif

#define __NEED_pid_t
#include <__typedef_sigset_t.h>
#define __NEED_size_t
#define __NEED_uid_t
#define __NEED_time_t
#define __NEED_struct_timespec
#include <bits/alltypes.h>
#include <tabkernel_abi.h>

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGIOT SIGABRT
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGCHLD 16
#define SIGCONT 17
#define SIGSTOP 18
#define SIGTSTP 19
#define SIGTTIN 20
#define SIGTTOU 21
#define SIGURG 22
#define SIGXCPU 23
#define SIGXFSZ 24
#define SIGVTALRM 25
#define SIGPROF 26
#define SIGWINCH 27
#define SIGPOLL 28
#define SIGIO SIGPOLL
#define SIGPWR 29
#define SIGSYS 30
#define NSIG 31
#define _NSIG NSIG

typedef void (*sighandler_t)(int);
#define SIG_ERR ((void (*)(int))-1)
#define SIG_DFL ((void (*)(int))0)
/* Not 1: in wasm, 1 is a valid function-table index. */
#define SIG_IGN ((void (*)(int))-2)

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

#define SA_NOCLDSTOP TK_SA_NOCLDSTOP
#define SA_NOCLDWAIT TK_SA_NOCLDWAIT
#define SA_SIGINFO TK_SA_SIGINFO
#define SA_RESTART TK_SA_RESTART
#define SA_NODEFER TK_SA_NODEFER
#define SA_RESETHAND TK_SA_RESETHAND

typedef int sig_atomic_t;

typedef struct {
  int si_signo;
  int si_errno;
  int si_code;
  pid_t si_pid;
  uid_t si_uid;
  int si_status;
} siginfo_t;

struct sigaction {
  union {
    void (*sa_handler)(int);
    void (*sa_sigaction)(int, siginfo_t *, void *);
  } __sa_handler;
  sigset_t sa_mask;
  int sa_flags;
};
#define sa_handler __sa_handler.sa_handler
#define sa_sigaction __sa_handler.sa_sigaction

void (*signal(int, void (*)(int)))(int);
int raise(int);
int kill(pid_t, int);
int killpg(pid_t, int);
int sigaction(int, const struct sigaction *__restrict, struct sigaction *__restrict);
int sigprocmask(int, const sigset_t *__restrict, sigset_t *__restrict);
int sigpending(sigset_t *);
int sigsuspend(const sigset_t *);
int sigemptyset(sigset_t *);
int sigfillset(sigset_t *);
int sigaddset(sigset_t *, int);
int sigdelset(sigset_t *, int);
int sigismember(const sigset_t *, int);
/* Take a pending signal of the set (normally blocked) instead of running its
   handler: its number; EAGAIN when the timeout passes first, EINTR when a
   caught signal outside the set ends the wait (userland/libc/signal.c). */
int sigtimedwait(const sigset_t *__restrict, siginfo_t *__restrict, const struct timespec *__restrict);
int sigwaitinfo(const sigset_t *__restrict, siginfo_t *__restrict);
int sigwait(const sigset_t *__restrict, int *__restrict);
/* The signal's name without "SIG" ("INT"), NULL for a number that is none;
   sys_siglist[sig] and strsignal (<string.h>) describe it ("Interrupt"). */
const char *strsignal_name(int);
extern const char *const sys_siglist[NSIG];

#ifdef __cplusplus
}
#endif
#endif
