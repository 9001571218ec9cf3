/*
 * Sleeping that a signal can interrupt: wasi-libc's nanosleep turns every
 * poll_oneoff error into ENOTSUP; these return EINTR (and the time left) when a
 * handled signal cuts the sleep short (kernel/runtime/wasi.ts, sleepOnClocks).
 */
#include <errno.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

static __wasi_timestamp_t now_ns(clockid_t clock) {
  __wasi_timestamp_t t = 0;
  if (__wasi_clock_time_get(clock == CLOCK_REALTIME ? __WASI_CLOCKID_REALTIME : __WASI_CLOCKID_MONOTONIC, 1, &t)) return 0;
  return t;
}

int clock_nanosleep(clockid_t clock, int flags, const struct timespec *req, struct timespec *rem) {
  if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= 1000000000L) return EINVAL;
  __wasi_clockid_t id = clock == CLOCK_REALTIME ? __WASI_CLOCKID_REALTIME : __WASI_CLOCKID_MONOTONIC;
  __wasi_timestamp_t ns = (__wasi_timestamp_t)req->tv_sec * 1000000000ull + (__wasi_timestamp_t)req->tv_nsec;
  __wasi_timestamp_t start = now_ns(clock);
  __wasi_subscription_t sub = {
      .userdata = 0,
      .u = {.tag = __WASI_EVENTTYPE_CLOCK,
            .u.clock = {.id = id, .timeout = ns, .precision = 0,
                        .flags = (flags & TIMER_ABSTIME) ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0}}};
  __wasi_event_t ev;
  __wasi_size_t n = 0;
  __wasi_errno_t e = __wasi_poll_oneoff(&sub, &ev, 1, &n);
  if (e == __WASI_ERRNO_INTR) {
    if (rem && !(flags & TIMER_ABSTIME)) {
      __wasi_timestamp_t spent = now_ns(clock) - start;
      __wasi_timestamp_t left = spent < ns ? ns - spent : 0;
      rem->tv_sec = (time_t)(left / 1000000000ull);
      rem->tv_nsec = (long)(left % 1000000000ull);
    }
    return EINTR;
  }
  if (e) return e;
  return n == 1 && ev.error ? ev.error : 0;
}

int nanosleep(const struct timespec *req, struct timespec *rem) {
  int e = clock_nanosleep(CLOCK_MONOTONIC, 0, req, rem);
  if (e) {
    errno = e;
    return -1;
  }
  return 0;
}

unsigned sleep(unsigned seconds) {
  struct timespec req = {(time_t)seconds, 0}, rem = {0, 0};
  if (nanosleep(&req, &rem) == -1) return (unsigned)rem.tv_sec + (rem.tv_nsec > 0);
  return 0;
}

int usleep(unsigned usec) {
  struct timespec req = {(time_t)(usec / 1000000), (long)(usec % 1000000) * 1000};
  return nanosleep(&req, NULL);
}
