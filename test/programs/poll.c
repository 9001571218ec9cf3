// poll: poll_oneoff with clock subscriptions (relative, absolute, realtime,
// several at once, zero timeout), fd subscriptions on stdout/stderr, regular
// files and stdin, and the error cases (wasi-testsuite poll_oneoff_stdio).
// Usage: poll.wasm clocks          no preopen; stdin ignored
//        poll.wasm files           needs a writable preopen
//        poll.wasm stdin-idle      stdin: an open pipe with no data (must not block past the clock)
//        poll.wasm stdin-data      stdin: a pipe that holds "ping" (may stay open)
//        poll.wasm stdin-eof       stdin: closed / empty file (EOF counts as readable)
#include "tk_raw.h"
#include "tk_test.h"

static uint64_t mono(void) {
  __wasi_timestamp_t t = 0;
  (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
  return t;
}

static __wasi_subscription_t clock_sub(uint64_t ud, __wasi_clockid_t id, uint64_t timeout,
                                       int abs) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = ud;
  s.u.tag = __WASI_EVENTTYPE_CLOCK;
  s.u.u.clock.id = id;
  s.u.u.clock.timeout = timeout;
  s.u.u.clock.flags = abs ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
  return s;
}

static __wasi_subscription_t fd_sub(uint64_t ud, int write, int fd) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = ud;
  s.u.tag = write ? __WASI_EVENTTYPE_FD_WRITE : __WASI_EVENTTYPE_FD_READ;
  if (write) s.u.u.fd_write.file_descriptor = fd;
  else s.u.u.fd_read.file_descriptor = fd;
  return s;
}

static int poll_n(const __wasi_subscription_t *in, __wasi_event_t *out, int n) {
  __wasi_size_t got = 0;
  memset(out, 0xAB, sizeof(__wasi_event_t) * (size_t)n);
  int e = __wasi_poll_oneoff(in, out, (__wasi_size_t)n, &got);
  return e ? -e : (int)got;
}

static const __wasi_event_t *event_for(const __wasi_event_t *ev, int n, uint64_t ud) {
  for (int i = 0; i < n; i++)
    if (ev[i].userdata == ud) return &ev[i];
  return NULL;
}

#define MS 1000000ull

static void test_clocks(void) {
  __wasi_subscription_t in[4];
  __wasi_event_t ev[4];
  uint64_t t0 = mono();
  in[0] = clock_sub(7, __WASI_CLOCKID_MONOTONIC, 50 * MS, 0);
  int n = poll_n(in, ev, 1);
  uint64_t dt = mono() - t0;
  CHECK("clock.relative-one-event", n == 1, "n=%d", n);
  CHECK("clock.relative-event", ev[0].userdata == 7 && ev[0].error == 0 &&
                                    ev[0].type == __WASI_EVENTTYPE_CLOCK,
        "ud=%llu err=%d type=%d", (unsigned long long)ev[0].userdata, ev[0].error, ev[0].type);
  CHECK("clock.relative-waited", dt >= 50 * MS, "woke after %llu ns", (unsigned long long)dt);
  CHECK("clock.relative-not-too-long", dt < 2000 * MS, "took %llu ns", (unsigned long long)dt);

  t0 = mono();
  in[0] = clock_sub(8, __WASI_CLOCKID_MONOTONIC, t0 + 30 * MS, 1);
  n = poll_n(in, ev, 1);
  dt = mono() - t0;
  CHECK("clock.absolute-monotonic", n == 1 && ev[0].userdata == 8 && dt >= 30 * MS,
        "n=%d dt=%llu", n, (unsigned long long)dt);
  t0 = mono();
  in[0] = clock_sub(9, __WASI_CLOCKID_MONOTONIC, 1, 1);  // long past
  n = poll_n(in, ev, 1);
  CHECK("clock.absolute-past-immediate", n == 1 && mono() - t0 < 500 * MS, "n=%d", n);

  __wasi_timestamp_t rt = 0;
  (void)__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &rt);
  t0 = mono();
  in[0] = clock_sub(10, __WASI_CLOCKID_REALTIME, rt + 30 * MS, 1);
  n = poll_n(in, ev, 1);
  dt = mono() - t0;
  CHECK("clock.absolute-realtime", n == 1 && ev[0].userdata == 10 && dt >= 20 * MS &&
                                       dt < 2000 * MS,
        "n=%d dt=%llu", n, (unsigned long long)dt);
  in[0] = clock_sub(11, __WASI_CLOCKID_REALTIME, 20 * MS, 0);
  CHECK("clock.relative-realtime", poll_n(in, ev, 1) == 1 && ev[0].userdata == 11, "failed");

  t0 = mono();
  in[0] = clock_sub(1, __WASI_CLOCKID_MONOTONIC, 5000 * MS, 0);
  in[1] = clock_sub(2, __WASI_CLOCKID_MONOTONIC, 20 * MS, 0);
  n = poll_n(in, ev, 2);
  dt = mono() - t0;
  CHECK("clock.earliest-wins", n == 1 && ev[0].userdata == 2 && dt < 2000 * MS,
        "n=%d ud=%llu dt=%llu", n, (unsigned long long)ev[0].userdata, (unsigned long long)dt);
  in[0] = clock_sub(3, __WASI_CLOCKID_MONOTONIC, 0, 0);
  CHECK("clock.zero-timeout", poll_n(in, ev, 1) == 1 && ev[0].userdata == 3, "failed");

  __wasi_size_t got;
  EXPECT_ERR("poll.zero-subscriptions", __wasi_poll_oneoff(in, ev, 0, &got), __WASI_ERRNO_INVAL);
  in[0] = clock_sub(4, 17, 1, 0);
  n = poll_n(in, ev, 1);
  CHECK("clock.bad-id", n == -__WASI_ERRNO_INVAL || (n == 1 && ev[0].error == __WASI_ERRNO_INVAL),
        "n=%d err=%d", n, ev[0].error);
}

static void test_stdout_stderr(void) {
  __wasi_subscription_t in[3] = {fd_sub(1, 1, 1), fd_sub(2, 1, 2),
                                 clock_sub(99, __WASI_CLOCKID_MONOTONIC, 5000 * MS, 0)};
  __wasi_event_t ev[3];
  uint64_t t0 = mono();
  int n = poll_n(in, ev, 3);
  const __wasi_event_t *o = event_for(ev, n, 1), *e = event_for(ev, n, 2);
  CHECK("stdout.writable", o && o->error == 0 && o->type == __WASI_EVENTTYPE_FD_WRITE,
        "n=%d", n);
  CHECK("stderr.writable", e && e->error == 0 && e->type == __WASI_EVENTTYPE_FD_WRITE,
        "n=%d", n);
  CHECK("stdio.no-wait", mono() - t0 < 2000 * MS, "waited for the clock");
  in[0] = fd_sub(5, 0, 777);
  in[1] = clock_sub(6, __WASI_CLOCKID_MONOTONIC, 1000 * MS, 0);
  n = poll_n(in, ev, 2);
  const __wasi_event_t *b = n > 0 ? event_for(ev, n, 5) : NULL;
  CHECK("fd.bad", n == -__WASI_ERRNO_BADF || (b && b->error == __WASI_ERRNO_BADF),
        "n=%d", n);
}

static void test_files(void) {
  int dir = tk_find_preopen(NULL);
  if (dir < 0) { CHECK("files.preopen", 0, "no preopen"); return; }
  int fd = tk_open(dir, "pollfile", __WASI_OFLAGS_CREAT, TK_RW | __WASI_RIGHTS_POLL_FD_READWRITE, 0);
  tk_write_all(fd, "abc", 3);
  __wasi_filesize_t pos;
  (void)__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos);
  __wasi_subscription_t in[3] = {fd_sub(1, 0, fd), fd_sub(2, 1, fd),
                                 clock_sub(3, __WASI_CLOCKID_MONOTONIC, 5000 * MS, 0)};
  __wasi_event_t ev[3];
  uint64_t t0 = mono();
  int n = poll_n(in, ev, 3);
  const __wasi_event_t *r = event_for(ev, n, 1), *w = event_for(ev, n, 2);
  CHECK("file.readable", r && r->error == 0 && r->type == __WASI_EVENTTYPE_FD_READ, "n=%d", n);
  CHECK("file.writable", w && w->error == 0 && w->type == __WASI_EVENTTYPE_FD_WRITE, "n=%d", n);
  CHECK("file.no-clock", event_for(ev, n, 3) == NULL && mono() - t0 < 2000 * MS,
        "waited for the clock");
  __wasi_fd_t d;
  (void)__wasi_path_open(dir, 0, ".", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &d);
  in[0] = fd_sub(4, 0, d);
  in[1] = clock_sub(5, __WASI_CLOCKID_MONOTONIC, 100 * MS, 0);
  n = poll_n(in, ev, 2);
  const __wasi_event_t *x = n > 0 ? event_for(ev, n, 4) : NULL;
  CHECK("dir.not-pollable", n == -__WASI_ERRNO_BADF || (x && x->error != 0), "n=%d", n);
}

static void test_stdin(const char *mode) {
  __wasi_subscription_t in[2] = {fd_sub(1, 0, 0), clock_sub(2, __WASI_CLOCKID_MONOTONIC,
                                                            200 * MS, 0)};
  __wasi_event_t ev[2];
  uint64_t t0 = mono();
  int n = poll_n(in, ev, 2);
  uint64_t dt = mono() - t0;
  const __wasi_event_t *r = n > 0 ? event_for(ev, n, 1) : NULL;
  const __wasi_event_t *c = n > 0 ? event_for(ev, n, 2) : NULL;
  if (strcmp(mode, "stdin-idle") == 0) {
    CHECK("stdin-idle.clock-fires", c && c->error == 0 && !r, "n=%d", n);
    CHECK("stdin-idle.waited", dt >= 150 * MS && dt < 3000 * MS, "dt=%llu",
          (unsigned long long)dt);
    // An absolute deadline beside an fd goes to the kernel, which must read
    // CLOCK_MONOTONIC as this process does: one clock for the whole system.
    t0 = mono();
    in[1] = clock_sub(3, __WASI_CLOCKID_MONOTONIC, t0 + 100 * MS, 1);
    n = poll_n(in, ev, 2);
    dt = mono() - t0;
    c = n > 0 ? event_for(ev, n, 3) : NULL;
    CHECK("stdin-idle.absolute-deadline", c && c->error == 0 && dt >= 100 * MS && dt < 3000 * MS,
          "n=%d dt=%llu", n, (unsigned long long)dt);
  } else {
    CHECK("stdin.readable", r && r->error == 0 && r->type == __WASI_EVENTTYPE_FD_READ, "n=%d", n);
    CHECK("stdin.prompt", dt < 150 * MS, "dt=%llu", (unsigned long long)dt);
    char buf[16] = {0};
    int got = tk_read(0, buf, sizeof buf - 1);
    if (strcmp(mode, "stdin-data") == 0)
      CHECK("stdin-data.read", got == 4 && strcmp(buf, "ping") == 0, "got %d '%s'", got, buf);
    else
      CHECK("stdin-eof.read", got == 0, "got %d", got);
  }
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "clocks";
  if (strcmp(mode, "clocks") == 0) {
    test_clocks();
    test_stdout_stderr();
  } else if (strcmp(mode, "files") == 0) {
    test_files();
  } else {
    test_stdin(mode);
  }
  return tk_done();
}
