/*
 * ulimit: show and set the shell's resource limits (getrlimit/setrlimit,
 * which the shell's children inherit). Options, units and the -a table follow
 * dash: -H hard, -S soft (setting changes both when neither is given; showing
 * shows the soft one), one resource letter (default -f), "unlimited" for
 * RLIM_INFINITY. Spec: POSIX XCU ulimit (-f in 512-byte blocks); dash(1).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "sh.h"

struct limit {
  char opt;
  const char *name;
  int resource;
  rlim_t unit;
};

static const struct limit limits[] = {
    {'t', "time(seconds)", RLIMIT_CPU, 1},
    {'f', "file(blocks)", RLIMIT_FSIZE, 512},
    {'d', "data(kbytes)", RLIMIT_DATA, 1024},
    {'s', "stack(kbytes)", RLIMIT_STACK, 1024},
    {'c', "coredump(blocks)", RLIMIT_CORE, 512},
    {'m', "memory(kbytes)", RLIMIT_RSS, 1024},
    {'l', "locked memory(kbytes)", RLIMIT_MEMLOCK, 1024},
    {'p', "process", RLIMIT_NPROC, 1},
    {'n', "nofiles", RLIMIT_NOFILE, 1},
    {'v', "vmemory(kbytes)", RLIMIT_AS, 1024},
    {'w', "locks", RLIMIT_LOCKS, 1},
    {'r', "rtprio", RLIMIT_RTPRIO, 1},
};
#define NLIMITS ((int)(sizeof limits / sizeof limits[0]))

static const struct limit *find(char opt) {
  if (opt == 'u') opt = 'p'; /* bash's and POSIX's letter for processes */
  for (int i = 0; i < NLIMITS; i++)
    if (limits[i].opt == opt) return &limits[i];
  return NULL;
}

static void show(const struct limit *l, int hard, int with_name) {
  struct rlimit r;
  if (with_name) out_fmt(1, "%-20s ", l->name);
  if (getrlimit(l->resource, &r) < 0) {
    out_str(1, "error\n");
    return;
  }
  rlim_t v = hard ? r.rlim_max : r.rlim_cur;
  if (v == RLIM_INFINITY) out_str(1, "unlimited\n");
  else out_fmt(1, "%llu\n", (unsigned long long)(v / l->unit));
}

int b_ulimit(int argc, char **argv) {
  struct bopt o = {0};
  int hard = 0, soft = 0, all = 0, c;
  const struct limit *l = NULL;
  while ((c = bgetopt(&o, argc, argv, "HSatfdscmlpunvwr", "ulimit")) != 0) {
    if (c == '?') return 2;
    if (c == 'H') hard = 1;
    else if (c == 'S') soft = 1;
    else if (c == 'a') all = 1;
    else l = find((char)c);
  }
  if (all) {
    for (int i = 0; i < NLIMITS; i++) show(&limits[i], hard, 1);
    return 0;
  }
  if (!l) l = find('f');
  if (o.ind >= argc) {
    show(l, hard, 0);
    return 0;
  }
  const char *arg = argv[o.ind];
  rlim_t v;
  if (strcmp(arg, "unlimited") == 0) {
    v = RLIM_INFINITY;
  } else {
    char *end;
    errno = 0;
    unsigned long long n = strtoull(arg, &end, 10);
    if (*arg < '0' || *arg > '9' || *end || errno || n > RLIM_INFINITY / l->unit) {
      sh_error("ulimit: Illegal number: %s", arg);
      return 2;
    }
    v = (rlim_t)n * l->unit;
  }
  struct rlimit r;
  if (getrlimit(l->resource, &r) < 0) {
    sh_error("ulimit: error getting limit (%s)", strerror(errno));
    return 2;
  }
  if (hard || !soft) r.rlim_max = v;
  if (soft || !hard) r.rlim_cur = v;
  if (setrlimit(l->resource, &r) < 0) {
    sh_error("ulimit: error setting limit (%s)", strerror(errno));
    return 2;
  }
  return 0;
}
