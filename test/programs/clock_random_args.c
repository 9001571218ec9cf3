// clock_random_args: args and environ (exactly what the runner passed, byte
// for byte), clocks (resolution, realtime sanity, monotonicity, bad ids),
// random_get (empty, and larger than Web Crypto's 64 KiB per call), sched_yield.
// Usage (the contract the vitest test follows):
//   tabkernel run --env TK_A=1 --env TK_B=x=y --env TK_EMPTY= --env 'TK_NL=a<LF>b' \
//       clock_random_args.wasm one 'two words' '' 'ünï'
#include "tk_raw.h"
#include "tk_test.h"
#include <time.h>

static void test_args(int argc, char **argv) {
  static const char *want[] = {"one", "two words", "", "\xc3\xbcn\xc3\xaf"};
  CHECK("args.argc", argc == 5, "argc=%d", argc);
  size_t l0 = argv[0] ? strlen(argv[0]) : 0;
  CHECK("args.argv0", l0 >= 22 && strcmp(argv[0] + l0 - 22, "clock_random_args.wasm") == 0,
        "argv[0]='%s'", argv[0] ? argv[0] : "(null)");
  int same = argc == 5;
  for (int i = 1; same && i < 5; i++) same = strcmp(argv[i], want[i - 1]) == 0;
  CHECK("args.values", same, "argv differs from the contract");
  int32_t n = -1, size = -1;
  EXPECT_OK("args.sizes", raw_args_sizes_get(PTR(&n), PTR(&size)));
  size_t expect = 0;
  for (int i = 0; i < argc; i++) expect += strlen(argv[i]) + 1;
  CHECK("args.sizes-consistent", n == argc && (size_t)size == expect, "n=%d size=%d want %zu",
        n, size, expect);
}

extern char **environ;
static void test_env(void) {
  int32_t n = -1, size = -1;
  EXPECT_OK("env.sizes", raw_environ_sizes_get(PTR(&n), PTR(&size)));
  CHECK("env.only-given", n == 4, "environ has %d entries, want exactly the 4 given", n);
  static char *ptrs[16];
  static char buf[1024];
  if (n > 0 && n <= 16 && size > 0 && size <= (int32_t)sizeof buf) {
    EXPECT_OK("env.get", raw_environ_get(PTR(ptrs), PTR(buf)));
    size_t total = 0;
    for (int i = 0; i < n; i++) total += strlen(ptrs[i]) + 1;
    CHECK("env.sizes-consistent", total == (size_t)size, "sum=%zu size=%d", total, size);
  }
  const char *a = getenv("TK_A"), *b = getenv("TK_B"), *e = getenv("TK_EMPTY"),
             *nl = getenv("TK_NL");
  CHECK("env.TK_A", a && strcmp(a, "1") == 0, "TK_A=%s", a ? a : "(unset)");
  CHECK("env.value-with-equals", b && strcmp(b, "x=y") == 0, "TK_B=%s", b ? b : "(unset)");
  CHECK("env.empty-value", e && *e == 0, "TK_EMPTY=%s", e ? e : "(unset)");
  CHECK("env.newline-value", nl && strcmp(nl, "a\nb") == 0, "TK_NL=%s", nl ? nl : "(unset)");
  CHECK("env.no-host-PATH", getenv("PATH") == NULL && getenv("HOME") == NULL,
        "host environment leaked in");
}

static void test_clocks(void) {
  __wasi_timestamp_t res = 0, t = 0, prev = 0;
  EXPECT_OK("clock.res-realtime", __wasi_clock_res_get(__WASI_CLOCKID_REALTIME, &res));
  CHECK("clock.res-realtime-sane", res > 0 && res <= 1000000000ull, "res=%llu",
        (unsigned long long)res);
  EXPECT_OK("clock.res-monotonic", __wasi_clock_res_get(__WASI_CLOCKID_MONOTONIC, &res));
  CHECK("clock.res-monotonic-sane", res > 0 && res <= 1000000000ull, "res=%llu",
        (unsigned long long)res);
  EXPECT_OK("clock.realtime", __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &t));
  CHECK("clock.realtime-epoch", t > 1577836800ull * 1000000000ull &&
                                    t < 4102444800ull * 1000000000ull,
        "realtime=%llu", (unsigned long long)t);
  EXPECT_OK("clock.monotonic-precision-0", __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &prev));
  int mono = 1;
  for (int i = 0; i < 2000; i++) {
    if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t) != 0 || t < prev) mono = 0;
    prev = t;
  }
  CHECK("clock.monotonic-never-decreases", mono, "went backwards");
  /* Both clocks advance alike: a wrong high word in either shows as seconds or years. */
  __wasi_timestamp_t r1, r2, m1, m2;
  __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &r1);
  __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &m1);
  struct timespec nap = {0, 20000000};
  nanosleep(&nap, NULL);
  __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &r2);
  __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &m2);
  long long dr = (long long)(r2 - r1), dm = (long long)(m2 - m1);
  CHECK("clock.realtime-and-monotonic-agree", dm >= 20000000 && dr >= 15000000 && llabs(dr - dm) < 5000000,
        "realtime moved %lld ns, monotonic %lld ns", dr, dm);
  int32_t out;
  EXPECT_ERR("clock.bad-id", raw_clock_time_get(4, 1, PTR(&out)), __WASI_ERRNO_INVAL);
  EXPECT_ERR("clock.res-bad-id", raw_clock_res_get(99, PTR(&out)), __WASI_ERRNO_INVAL);
  int e = __wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 1, &t);
  CHECK("clock.cputime-answers", e == 0 || e == __WASI_ERRNO_BADF || e == __WASI_ERRNO_NOTSUP ||
                                     e == __WASI_ERRNO_INVAL,
        "got %s", tk_errname(e));
  struct timespec ts;
  CHECK("libc.clock_gettime", clock_gettime(CLOCK_MONOTONIC, &ts) == 0, "errno=%d", errno);
  CHECK("libc.time", time(NULL) > 1577836800, "time()=%lld", (long long)time(NULL));
}

static void test_random(void) {
  static uint8_t a[100000], b[100000];
  EXPECT_OK("random.zero-length", __wasi_random_get(a, 0));
  EXPECT_OK("random.big", __wasi_random_get(a, sizeof a));
  EXPECT_OK("random.big-again", __wasi_random_get(b, sizeof b));
  int tail_nonzero = 0, head_nonzero = 0;
  for (size_t i = 0; i < 1000; i++) {
    head_nonzero |= a[i];
    tail_nonzero |= a[sizeof a - 1 - i];
  }
  CHECK("random.filled-head", head_nonzero, "first 1000 bytes are zero");
  CHECK("random.filled-tail", tail_nonzero, "last 1000 bytes are zero (chunking bug?)");
  CHECK("random.differs", memcmp(a, b, sizeof a) != 0, "two calls returned the same bytes");
  /* Small requests (served from a buffered block): never zero, never repeated. */
  static uint8_t small[256][16];
  int zero = 0, repeat = 0;
  for (int i = 0; i < 256; i++) {
    __wasi_random_get(small[i], 16);
    int nz = 0;
    for (int k = 0; k < 16; k++) nz |= small[i][k];
    if (!nz) zero++;
    for (int j = 0; j < i; j++)
      if (memcmp(small[i], small[j], 16) == 0) repeat++;
  }
  CHECK("random.small-nonzero", zero == 0, "%d all-zero 16-byte draws", zero);
  CHECK("random.small-unique", repeat == 0, "%d repeated 16-byte draws", repeat);
  EXPECT_OK("sched_yield", __wasi_sched_yield());
}

int main(int argc, char **argv) {
  test_args(argc, argv);
  test_env();
  test_clocks();
  test_random();
  return tk_done();
}
