/*
 * Signals: sigaction and friends over the "tabkernel" imports. Handlers are
 * function-table indices; when the kernel leaves a signal pending, the runtime
 * (kernel/runtime/signals.ts) calls the trampoline below through the exported
 * function table, finding its index in the exported data symbol __tk_sigtramp.
 * The trampoline is deliberately not an exported function: wasm-ld wraps every
 * function a command module exports in __wasm_call_ctors/__wasm_call_dtors, so
 * each signal would rerun the constructors and run the exit code (atexit,
 * stdio flush). userland/build.sh fails the build on any exported function
 * other than _start. sigtimedwait and friends wait in tk_ppoll (as pselect
 * does, userland/libc/poll.c), which takes a pending signal of their set.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>
#include <tabkernel.h>

static int fail(int e) {
  errno = e;
  return -1;
}

static int flags_of[NSIG];

/* The runtime calls this, through the function table, to run a handler. */
static void trampoline(int sig, unsigned handler) {
  if (sig > 0 && sig < NSIG && (flags_of[sig] & SA_SIGINFO)) {
    siginfo_t info;
    memset(&info, 0, sizeof info);
    info.si_signo = sig;
    ((void (*)(int, siginfo_t *, void *))handler)(sig, &info, NULL);
  } else {
    ((void (*)(int))handler)(sig);
  }
}

/* Where the runtime finds the trampoline: linked with --export-if-defined=__tk_sigtramp. */
void (*const __tk_sigtramp)(int, unsigned) = trampoline;

static uint64_t to_mask(const sigset_t *s) {
  return (uint64_t)(uint32_t)s->__bits[0];
}

static void from_mask(sigset_t *s, uint64_t m) {
  memset(s, 0, sizeof *s);
  s->__bits[0] = (unsigned long)m;
}

int sigaction(int sig, const struct sigaction *restrict act, struct sigaction *restrict old) {
  if (sig <= 0 || sig >= NSIG) return fail(EINVAL);
  uint32_t h = TK_SIG_QUERY, f = 0;
  uint64_t m = 0;
  if (act) {
    h = (uint32_t)(uintptr_t)act->sa_handler;
    f = (uint32_t)act->sa_flags;
    m = to_mask(&act->sa_mask);
  }
  uint32_t oh = 0, of = 0;
  uint64_t om = 0;
  int r = tk_sigaction(sig, h, f, m, &oh, &of, &om);
  if (r) return fail(r);
  if (act) flags_of[sig] = act->sa_flags;
  if (old) {
    memset(old, 0, sizeof *old);
    old->sa_handler = (void (*)(int))(uintptr_t)oh;
    old->sa_flags = (int)of;
    from_mask(&old->sa_mask, om);
  }
  return 0;
}

void (*signal(int sig, void (*handler)(int)))(int) {
  struct sigaction act, old;
  memset(&act, 0, sizeof act);
  act.sa_handler = handler;
  act.sa_flags = SA_RESTART;
  if (sigaction(sig, &act, &old) < 0) return SIG_ERR;
  return old.sa_handler;
}

int sigprocmask(int how, const sigset_t *restrict set, sigset_t *restrict old) {
  uint64_t om = 0;
  int r = tk_sigprocmask(set ? how : 3, set ? to_mask(set) : 0, &om);
  if (r) return fail(r);
  if (old) from_mask(old, om);
  return 0;
}

int sigpending(sigset_t *set) {
  uint64_t m = 0;
  int r = tk_sigpending(&m);
  if (r) return fail(r);
  from_mask(set, m);
  return 0;
}

int sigsuspend(const sigset_t *mask) {
  sigset_t old;
  sigprocmask(SIG_BLOCK, NULL, &old);
  int r = tk_sigsuspend(to_mask(mask));
  sigprocmask(SIG_SETMASK, &old, NULL);
  return fail(r ? r : EINTR);
}

int pause(void) {
  sigset_t cur;
  sigprocmask(SIG_BLOCK, NULL, &cur);
  return sigsuspend(&cur);
}

int kill(pid_t pid, int sig) {
  int r = tk_kill(pid, sig);
  return r ? fail(r) : 0;
}

int killpg(pid_t pg, int sig) {
  if (pg <= 1) return fail(EINVAL);
  return kill(-pg, sig);
}

int raise(int sig) {
  return kill(getpid(), sig);
}

unsigned alarm(unsigned seconds) {
  uint32_t prev = 0;
  tk_alarm(seconds, &prev);
  return prev;
}

int sigemptyset(sigset_t *s) {
  memset(s, 0, sizeof *s);
  return 0;
}
int sigfillset(sigset_t *s) {
  memset(s, 0, sizeof *s);
  s->__bits[0] = (1ul << (NSIG - 1)) - 1;
  return 0;
}
int sigaddset(sigset_t *s, int sig) {
  if (sig <= 0 || sig >= NSIG) return fail(EINVAL);
  s->__bits[0] |= 1ul << (sig - 1);
  return 0;
}
int sigdelset(sigset_t *s, int sig) {
  if (sig <= 0 || sig >= NSIG) return fail(EINVAL);
  s->__bits[0] &= ~(1ul << (sig - 1));
  return 0;
}
int sigismember(const sigset_t *s, int sig) {
  if (sig <= 0 || sig >= NSIG) return fail(EINVAL);
  return (s->__bits[0] >> (sig - 1)) & 1;
}

/*
 * Wait for a signal of `set` (blocked, as POSIX asks) and take it instead of
 * running its handler. Only si_signo is filled in: the kernel does not record
 * who sent a signal. The timeout counts on CLOCK_MONOTONIC.
 */
int sigtimedwait(const sigset_t *restrict set, siginfo_t *restrict info, const struct timespec *restrict timeout) {
  __wasi_subscription_t sub;
  size_t n = 0;
  if (timeout) {
    if (timeout->tv_sec < 0 || timeout->tv_nsec < 0 || timeout->tv_nsec >= 1000000000L) return fail(EINVAL);
    __wasi_timestamp_t ns = (uint64_t)timeout->tv_sec > UINT64_MAX / 1000000000u - 1
        ? UINT64_MAX : (__wasi_timestamp_t)timeout->tv_sec * 1000000000u + (__wasi_timestamp_t)timeout->tv_nsec;
    sub = (__wasi_subscription_t){.u.tag = __WASI_EVENTTYPE_CLOCK, .u.u.clock = {.id = __WASI_CLOCKID_MONOTONIC, .timeout = ns}};
    n = 1;
  }
  __wasi_event_t ev;
  size_t nevents = 0;
  uint64_t old = 0;
  int32_t sig = 0;
  int32_t r = tk_ppoll(&sub, &ev, n, (uint64_t)TK_MASK_UNCHANGED, to_mask(set), &nevents, &old, &sig);
  if (r) return fail(r);
  if (sig == 0) return fail(EAGAIN);
  if (info) {
    memset(info, 0, sizeof *info);
    info->si_signo = sig;
  }
  return sig;
}

int sigwaitinfo(const sigset_t *restrict set, siginfo_t *restrict info) {
  return sigtimedwait(set, info, NULL);
}

/* sigwait returns an error number, and waits on through EINTR (POSIX lists none). */
int sigwait(const sigset_t *restrict set, int *restrict sig) {
  for (;;) {
    int s = sigwaitinfo(set, NULL);
    if (s > 0) {
      *sig = s;
      return 0;
    }
    if (errno != EINTR) return errno;
  }
}
