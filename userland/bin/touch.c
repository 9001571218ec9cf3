/*
 * touch: set file times, creating missing files. -c never creates, -a/-m
 * change only the access/modification time, -t STAMP or -d DATE (see
 * lib/date.h) or -r FILE give the time instead of now, -h changes a
 * symlink itself. Spec: POSIX touch.
 */
#include "lib/util.h"
#include "lib/date.h"
#include <time.h>

int main(int argc, char **argv) {
  prog = "touch";
  int c, no_create = 0, only_a = 0, only_m = 0, no_follow = 0, status = 0, have_time = 0;
  struct timespec t = {0, 0};
  while ((c = getopt_(argc, argv, "acmt:d:r:hf")) != -1) {
    switch (c) {
    case 'a': only_a = 1; break;
    case 'c': no_create = 1; break;
    case 'm': only_m = 1; break;
    case 'h': no_follow = 1; break;
    case 'f': break;
    case 't':
      if (parse_touch_stamp(optarg, &t) != 0) diex_(1, "invalid date format '%s'", optarg);
      have_time = 1;
      break;
    case 'd':
      if (parse_date(optarg, &t) != 0) diex_(1, "invalid date format '%s'", optarg);
      have_time = 1;
      break;
    case 'r': {
      struct stat st;
      if (stat(optarg, &st) != 0) die_(1, "failed to get attributes of '%s'", optarg);
      t = st.st_mtim;
      have_time = 1;
      break;
    }
    default: usage_hint(); return 1;
    }
  }
  if (optind >= argc) { warnx_("missing file operand"); usage_hint(); return 1; }
  if (!have_time) clock_gettime(CLOCK_REALTIME, &t);
  for (int i = optind; i < argc; i++) {
    const char *f = argv[i];
    if (strcmp(f, "-") == 0) continue;
    struct stat st;
    int flag = no_follow ? AT_SYMLINK_NOFOLLOW : 0;
    if (fstatat(AT_FDCWD, f, &st, flag) != 0) {
      if (errno != ENOENT || no_create) {
        if (errno == ENOENT) continue;
        warn_("cannot touch '%s'", f);
        status = 1;
        continue;
      }
      int fd = open(f, O_WRONLY | O_CREAT, 0666);
      if (fd < 0 || fstat(fd, &st) != 0) { warn_("cannot touch '%s'", f); status = 1; continue; }
      close(fd);
    }
    /*
     * Explicit times only: Debian's wasi-libc headers define UTIME_NOW and
     * UTIME_OMIT (sys/stat.h: 0x3fffffff) differently from what its
     * utimensat accepts, and times == NULL sets the epoch. So "now" is read
     * from the clock and an omitted time is the file's current one.
     */
    struct timespec ts[2] = {t, t};
    if (only_a && !only_m) ts[1] = st.st_mtim;
    if (only_m && !only_a) ts[0] = st.st_atim;
    if (utimensat(AT_FDCWD, f, ts, flag) != 0) { warn_("cannot touch '%s'", f); status = 1; }
  }
  return status;
}
