/*
 * stat: display file status. -c FORMAT (newline added) or --printf=FORMAT
 * (escapes, no newline), -L follow links, -t terse. Directives: %n %N %s
 * %b %B %o %f %F %a %A %u %U %g %G %h %i %d %D %t %T %x %X %y %Y %z %Z %w
 * %W %m %%. The default layout is GNU coreutils 9's. WASI has no owners,
 * birth times or block counts: owner 0 shows as root, birth as "-", blocks
 * as the size rounded up to 4 KiB. Spec: GNU coreutils stat.
 */
#include "lib/util.h"
#include "../common/escape.h"
#include <ctype.h>
#include <limits.h>
#include <time.h>

static const char *DEFAULT_FMT =
  "  File: %N\n  Size: %-10s\tBlocks: %-10b IO Block: %-6o %F\n"
  "Device: %Hd,%Ld\tInode: %-11i Links: %h\n"
  "Access: (%04a/%10.10A)  Uid: (%5u/%8U)   Gid: (%5g/%8G)\n"
  "Access: %x\nModify: %y\nChange: %z\n Birth: %w\n";
static const char *DEVICE_FMT =
  "  File: %N\n  Size: %-10s\tBlocks: %-10b IO Block: %-6o %F\n"
  "Device: %Hd,%Ld\tInode: %-11i Links: %-5h Device type: %Hr,%Lr\n"
  "Access: (%04a/%10.10A)  Uid: (%5u/%8U)   Gid: (%5g/%8G)\n"
  "Access: %x\nModify: %y\nChange: %z\n Birth: %w\n";
static const char *TERSE_FMT = "%n %s %b %f %u %g %D %i %h %t %T %X %Y %Z %W %o";

static mode_t shown_mode(const struct stat *st) {
  mode_t m = st->st_mode;
  if ((m & 07777) == 0) m |= S_ISDIR(m) ? 0755 : S_ISLNK(m) ? 0777 : S_ISCHR(m) ? 0666 : 0644;
  return m;
}

static const char *type_name(mode_t m, off_t size) {
  if (S_ISREG(m)) return size ? "regular file" : "regular empty file";
  if (S_ISDIR(m)) return "directory";
  if (S_ISLNK(m)) return "symbolic link";
  if (S_ISCHR(m)) return "character special file";
  if (S_ISBLK(m)) return "block special file";
  if (S_ISFIFO(m)) return "fifo";
  if (S_ISSOCK(m)) return "socket";
  return "weird file";
}

static unsigned long long major_of(unsigned long long d) { return ((d >> 8) & 0xfff) | ((d >> 32) & ~0xfffULL); }
static unsigned long long minor_of(unsigned long long d) { return (d & 0xff) | ((d >> 12) & ~0xffULL); }

static void time_str(const struct timespec *t, char *b, size_t cap) {
  struct tm tm;
  gmtime_r(&t->tv_sec, &tm);
  size_t n = strftime(b, cap, "%Y-%m-%d %H:%M:%S", &tm);
  snprintf(b + n, cap - n, ".%09ld +0000", t->tv_nsec);
}

static unsigned long long blocks(const struct stat *st) {
  if (st->st_blocks) return (unsigned long long)st->st_blocks;
  if (S_ISLNK(st->st_mode)) return 0;
  return ((unsigned long long)st->st_size + 4095) / 4096 * 8;
}

/* Print one directive with the printf flags/width in spec (e.g. "%-10"). */
static void directive(const char *spec, char c, char hl, const char *path, const struct stat *st) {
  char fmt[32], b[PATH_MAX + 64];
  snprintf(fmt, sizeof fmt, "%ss", spec);
  unsigned long long v;
  int num = 1;
  switch (c) {
  case 'n': snprintf(b, sizeof b, "%s", path); num = 0; break;
  case 'N':
    if (S_ISLNK(st->st_mode)) {
      char t[PATH_MAX];
      ssize_t k = readlink(path, t, sizeof t - 1);
      t[k < 0 ? 0 : k] = 0;
      snprintf(b, sizeof b, "%s -> %s", path, t);
    } else {
      snprintf(b, sizeof b, "%s", path);
    }
    num = 0;
    break;
  case 's': v = (unsigned long long)st->st_size; goto dec;
  case 'b': v = blocks(st); goto dec;
  case 'B': v = 512; goto dec;
  case 'o': v = st->st_blksize ? (unsigned long long)st->st_blksize : 4096; goto dec;
  case 'h': v = st->st_nlink; goto dec;
  case 'i': v = st->st_ino; goto dec;
  case 'u': v = st->st_uid; goto dec;
  case 'g': v = st->st_gid; goto dec;
  case 'd':
    v = hl == 'H' ? major_of(st->st_dev) : hl == 'L' ? minor_of(st->st_dev) : st->st_dev;
    goto dec;
  case 'r':
    v = hl == 'H' ? major_of(st->st_rdev) : hl == 'L' ? minor_of(st->st_rdev) : st->st_rdev;
    goto dec;
  case 'D': snprintf(b, sizeof b, "%llx", (unsigned long long)st->st_dev); break;
  case 't': snprintf(b, sizeof b, "%llx", major_of(st->st_rdev)); break;
  case 'T': snprintf(b, sizeof b, "%llx", minor_of(st->st_rdev)); break;
  case 'f': snprintf(b, sizeof b, "%x", (unsigned)shown_mode(st)); break;
  case 'a': snprintf(fmt, sizeof fmt, "%so", spec); printf(fmt, (unsigned)(shown_mode(st) & 07777)); return;
  case 'A': mode_string(shown_mode(st), b); num = 0; break;
  case 'F': snprintf(b, sizeof b, "%s", type_name(st->st_mode, st->st_size)); num = 0; break;
  case 'U': snprintf(b, sizeof b, "%s", st->st_uid == 0 ? "root" : "UNKNOWN"); num = 0; break;
  case 'G': snprintf(b, sizeof b, "%s", st->st_gid == 0 ? "root" : "UNKNOWN"); num = 0; break;
  case 'x': time_str(&st->st_atim, b, sizeof b); num = 0; break;
  case 'y': time_str(&st->st_mtim, b, sizeof b); num = 0; break;
  case 'z': time_str(&st->st_ctim, b, sizeof b); num = 0; break;
  case 'w': snprintf(b, sizeof b, "-"); num = 0; break;
  case 'X': snprintf(b, sizeof b, "%lld", (long long)st->st_atim.tv_sec); break;
  case 'Y': snprintf(b, sizeof b, "%lld", (long long)st->st_mtim.tv_sec); break;
  case 'Z': snprintf(b, sizeof b, "%lld", (long long)st->st_ctim.tv_sec); break;
  case 'W': snprintf(b, sizeof b, "0"); break;
  case 'm': snprintf(b, sizeof b, "/"); num = 0; break;
  default: printf("?"); return;
  }
  (void)num;
  printf(fmt, b);
  return;
dec:
  snprintf(fmt, sizeof fmt, "%sllu", spec);
  printf(fmt, v);
}

static void show(const char *f, const char *path, const struct stat *st, int escapes) {
  for (const char *p = f; *p; p++) {
    if (escapes && *p == '\\' && p[1]) {
      int c, k = parse_escape(p + 1, &c, 0);
      if (k == 0) { putchar(p[1]); p++; continue; }
      putchar(c == ESC_STOP ? 'c' : c);
      p += k;
      continue;
    }
    if (*p != '%') { putchar(*p); continue; }
    if (p[1] == '%') { putchar('%'); p++; continue; }
    char spec[24];
    size_t n = 0;
    spec[n++] = '%';
    p++;
    while (*p && strchr("-+ #0'", *p) && n < 8) spec[n++] = *p++;
    while (*p && (isdigit((unsigned char)*p) || *p == '.') && n < 20) spec[n++] = *p++;
    spec[n] = 0;
    char hl = 0;
    if (*p == 'H' || *p == 'L') hl = *p++;
    if (!*p) { fputs(spec, stdout); break; }
    directive(spec, *p, hl, path, st);
  }
}

int main(int argc, char **argv) {
  prog = "stat";
  const char *fmt = NULL;
  int c, follow = 0, terse = 0, escapes = 0, status = 0;
  for (int i = 1; i < argc; i++) {
    if (!strncmp(argv[i], "--printf=", 9)) { fmt = argv[i] + 9; escapes = 1; argv[i] = (char *)"-t"; terse = -1; }
    else if (!strncmp(argv[i], "--format=", 9)) { fmt = argv[i] + 9; argv[i] = (char *)"-t"; terse = -2; }
    else if (!strcmp(argv[i], "--dereference")) argv[i] = (char *)"-L";
    else if (!strcmp(argv[i], "--terse")) argv[i] = (char *)"-t";
  }
  while ((c = getopt_(argc, argv, "c:Ltf")) != -1) {
    switch (c) {
    case 'c': fmt = optarg; escapes = 0; break;
    case 'L': follow = 1; break;
    case 't': if (terse == 0) terse = 1; break;
    case 'f': break;
    default: usage_hint(); return 1;
    }
  }
  if (terse < 0) terse = 0;
  if (optind >= argc) { warnx_("missing operand"); usage_hint(); return 1; }
  for (int i = optind; i < argc; i++) {
    struct stat st;
    if ((follow ? stat(argv[i], &st) : lstat(argv[i], &st)) != 0) {
      warn_("cannot statx '%s'", argv[i]);
      status = 1;
      continue;
    }
    if (fmt) {
      show(fmt, argv[i], &st, escapes);
      if (!escapes) putchar('\n');
    } else if (terse) {
      show(TERSE_FMT, argv[i], &st, 0);
      putchar('\n');
    } else {
      show(S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? DEVICE_FMT : DEFAULT_FMT, argv[i], &st, 0);
    }
  }
  if (fflush(stdout) != 0) die_(1, "write error");
  return status;
}
