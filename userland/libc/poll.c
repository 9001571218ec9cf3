/*
 * Waiting with a signal mask: pselect and ppoll over tk_ppoll, which replaces
 * the mask and waits in one kernel call (kernel/syscall/poll.ts). A signal the
 * mask lets through, pending before the call or arriving during the wait, ends
 * it with EINTR after its handler ran; none can slip in between, as one would
 * through sigprocmask; poll; sigprocmask (it would run its handler before the
 * poll began, which then sleeps on). wasi-libc's select calls this pselect
 * with no mask; its poll stays wasi-libc's, and ppoll reports as it does.
 * The sets are wasi-libc's (lists of fds, not bit masks); timeouts count on
 * CLOCK_MONOTONIC; exceptional conditions (exceptfds) never occur, as there
 * is no out-of-band data. Never restarted: SA_RESTART does not apply to them.
 * Spec: POSIX pselect(2), poll(2); Linux ppoll(2).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/select.h>
#include <wasi/api.h>
#include <tabkernel.h>

static int fail(int e) {
  errno = e;
  return -1;
}

/* A relative timeout as a monotonic clock subscription; EINVAL for a bad timespec. */
static int clock_sub(__wasi_subscription_t *sub, const struct timespec *t) {
  if (t->tv_sec < 0 || t->tv_nsec < 0 || t->tv_nsec >= 1000000000L) return EINVAL;
  __wasi_timestamp_t ns = (uint64_t)t->tv_sec > UINT64_MAX / 1000000000u - 1
      ? UINT64_MAX : (__wasi_timestamp_t)t->tv_sec * 1000000000u + (__wasi_timestamp_t)t->tv_nsec;
  *sub = (__wasi_subscription_t){
      .u.tag = __WASI_EVENTTYPE_CLOCK,
      .u.u.clock = {.id = __WASI_CLOCKID_MONOTONIC, .timeout = ns},
  };
  return 0;
}

/*
 * Wait for the n subscriptions, and `timeout` (NULL: none) as one more at
 * subs[n] (the caller leaves room for it, and for its event), with `mask` in
 * place (NULL: the mask as it is): the number of events, or -1 and errno.
 * After EINTR the handler has run with `mask`; the caller's mask is put back here.
 */
static int wait_masked(__wasi_subscription_t *subs, size_t n, const struct timespec *timeout,
                       __wasi_event_t *events, const sigset_t *mask) {
  if (timeout) {
    int e = clock_sub(&subs[n], timeout);
    if (e) return fail(e);
    n++;
  }
  uint64_t m = mask ? (uint64_t)(uint32_t)mask->__bits[0] : (uint64_t)TK_MASK_UNCHANGED;
  size_t nevents = 0;
  uint64_t old = 0;
  int32_t sig = 0;
  int32_t r = tk_ppoll(subs, events, n, m, 0, &nevents, &old, &sig);
  if (r == EINTR && mask) {
    sigset_t o;
    sigemptyset(&o);
    o.__bits[0] = (unsigned long)old;
    sigprocmask(SIG_SETMASK, &o, NULL);
  }
  return r ? fail(r) : (int)nevents;
}

int pselect(int nfds, fd_set *restrict readfds, fd_set *restrict writefds, fd_set *restrict exceptfds,
            const struct timespec *restrict timeout, const sigset_t *restrict sigmask) {
  if (nfds < 0) return fail(EINVAL);
  fd_set none;
  FD_ZERO(&none);
  if (!readfds) readfds = &none;
  if (!writefds) writefds = &none;
  __wasi_subscription_t subs[readfds->__nfds + writefds->__nfds + 1];
  size_t n = 0;
  for (size_t i = 0; i < readfds->__nfds; i++) {
    int fd = readfds->__fds[i];
    if (fd < nfds)
      subs[n++] = (__wasi_subscription_t){.userdata = (uint64_t)fd, .u.tag = __WASI_EVENTTYPE_FD_READ, .u.u.fd_read.file_descriptor = fd};
  }
  for (size_t i = 0; i < writefds->__nfds; i++) {
    int fd = writefds->__fds[i];
    if (fd < nfds)
      subs[n++] = (__wasi_subscription_t){.userdata = (uint64_t)fd, .u.tag = __WASI_EVENTTYPE_FD_WRITE, .u.u.fd_write.file_descriptor = fd};
  }
  __wasi_event_t events[n + 1];
  int got = wait_masked(subs, n, timeout, events, sigmask);
  if (got < 0) return -1;
  for (int i = 0; i < got; i++)
    if (events[i].type != __WASI_EVENTTYPE_CLOCK && events[i].error == __WASI_ERRNO_BADF) return fail(EBADF);
  FD_ZERO(readfds);
  FD_ZERO(writefds);
  if (exceptfds) FD_ZERO(exceptfds);
  for (int i = 0; i < got; i++) {
    if (events[i].type == __WASI_EVENTTYPE_FD_READ) readfds->__fds[readfds->__nfds++] = (int)events[i].userdata;
    else if (events[i].type == __WASI_EVENTTYPE_FD_WRITE) writefds->__fds[writefds->__nfds++] = (int)events[i].userdata;
  }
  return (int)(readfds->__nfds + writefds->__nfds);
}

/* One event's bits for its pollfd, as wasi-libc's poll reports them. */
static short revents_of(const __wasi_event_t *ev) {
  if (ev->error == __WASI_ERRNO_BADF) return POLLNVAL;
  if (ev->error == __WASI_ERRNO_PIPE) return POLLHUP;
  if (ev->error) return POLLERR;
  short hup = (ev->fd_readwrite.flags & __WASI_EVENTRWFLAGS_FD_READWRITE_HANGUP) ? POLLHUP : 0;
  return (ev->type == __WASI_EVENTTYPE_FD_READ ? POLLRDNORM : POLLWRNORM) | hup;
}

int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *timeout, const sigset_t *sigmask) {
  __wasi_subscription_t subs[2 * nfds + 1];
  size_t n = 0;
  for (nfds_t i = 0; i < nfds; i++) {
    fds[i].revents = 0;
    if (fds[i].fd < 0) continue;
    /* As wasi-libc's poll: POLLERR, POLLHUP and POLLNVAL come with a read or write subscription only. */
    if (!(fds[i].events & (POLLRDNORM | POLLWRNORM))) return fail(ENOSYS);
    if (fds[i].events & POLLRDNORM)
      subs[n++] = (__wasi_subscription_t){.userdata = i, .u.tag = __WASI_EVENTTYPE_FD_READ, .u.u.fd_read.file_descriptor = fds[i].fd};
    if (fds[i].events & POLLWRNORM)
      subs[n++] = (__wasi_subscription_t){.userdata = i, .u.tag = __WASI_EVENTTYPE_FD_WRITE, .u.u.fd_write.file_descriptor = fds[i].fd};
  }
  __wasi_event_t events[n + 1];
  int got = wait_masked(subs, n, timeout, events, sigmask);
  if (got < 0) return -1;
  for (int i = 0; i < got; i++)
    if (events[i].type != __WASI_EVENTTYPE_CLOCK) fds[events[i].userdata].revents |= revents_of(&events[i]);
  int ready = 0;
  for (nfds_t i = 0; i < nfds; i++) {
    if (fds[i].revents & POLLHUP) fds[i].revents &= ~POLLWRNORM; /* a hangup is not writable */
    if (fds[i].revents) ready++;
  }
  return ready;
}
