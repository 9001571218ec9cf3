/*
 * Terminals: the foreground process group, the window size (this ioctl
 * replaces wasi-libc's: TIOC* requests plus FIONREAD and FIONBIO), and termios. The line discipline
 * (kernel/tty/ldisc.ts) is the kernel's; tcsetattr reaches it on a PTY.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include <wasi/api.h>
#include <tabkernel.h>

static int fail(int e) {
  errno = e;
  return -1;
}

pid_t tcgetpgrp(int fd) {
  int32_t pg = 0;
  int r = tk_tcgetpgrp(fd, &pg);
  return r ? fail(r) : pg;
}

int tcsetpgrp(int fd, pid_t pg) {
  int r = tk_tcsetpgrp(fd, pg);
  return r ? fail(r) : 0;
}

pid_t tcgetsid(int fd) {
  if (!isatty(fd)) return fail(ENOTTY);
  return getsid(0);
}

int ioctl(int fd, int req, ...) {
  va_list ap;
  va_start(ap, req);
  void *arg = va_arg(ap, void *);
  va_end(ap);
  switch (req) {
    case TIOCGWINSZ:
    case TIOCSWINSZ: {
      struct winsize *ws = arg;
      uint16_t rows = ws->ws_row, cols = ws->ws_col;
      int r = tk_winsize(fd, req == TIOCSWINSZ, &rows, &cols);
      if (r) return fail(r);
      ws->ws_row = rows;
      ws->ws_col = cols;
      ws->ws_xpixel = ws->ws_ypixel = 0;
      return 0;
    }
    case TIOCGPGRP: {
      pid_t pg = tcgetpgrp(fd);
      if (pg < 0) return -1;
      *(pid_t *)arg = pg;
      return 0;
    }
    case TIOCSPGRP:
      return tcsetpgrp(fd, *(pid_t *)arg);
    case TIOCGPTN: {
      uint32_t n;
      int r = tk_ptsname(fd, &n);
      if (r) return fail(r);
      *(unsigned *)arg = n;
      return 0;
    }
    case TIOCSPTLCK:
      return 0;
    case FIONBIO: {
      __wasi_fdstat_t st;
      int r = __wasi_fd_fdstat_get(fd, &st);
      if (r) return fail(r);
      __wasi_fdflags_t fl = *(int *)arg ? (st.fs_flags | __WASI_FDFLAGS_NONBLOCK) : (st.fs_flags & ~__WASI_FDFLAGS_NONBLOCK);
      r = __wasi_fd_fdstat_set_flags(fd, fl);
      return r ? fail(r) : 0;
    }
    case FIONREAD: {
      __wasi_subscription_t subs[2];
      memset(subs, 0, sizeof subs);
      subs[0].u.tag = __WASI_EVENTTYPE_FD_READ;
      subs[0].u.u.fd_read.file_descriptor = fd;
      subs[1].u.tag = __WASI_EVENTTYPE_CLOCK;
      subs[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
      __wasi_event_t ev[2];
      __wasi_size_t n = 0;
      int r = __wasi_poll_oneoff(subs, ev, 2, &n);
      if (r) return fail(r);
      *(int *)arg = 0;
      for (__wasi_size_t i = 0; i < n; i++) {
        if (ev[i].type != __WASI_EVENTTYPE_FD_READ) continue;
        if (ev[i].error) return fail(ev[i].error);
        *(int *)arg = (int)ev[i].fd_readwrite.nbytes;
      }
      return 0;
    }
    default:
      return fail(ENOTTY);
  }
}

int tcgetattr(int fd, struct termios *t) {
  int r = tk_tcgetattr(fd, t);
  return r ? fail(r) : 0;
}

int tcsetattr(int fd, int act, const struct termios *t) {
  int r = tk_tcsetattr(fd, act, t);
  return r ? fail(r) : 0;
}

/* PTYs: /dev/ptmx gives a master; its slave is /dev/pts/N. */
int posix_openpt(int flags) {
  return open("/dev/ptmx", flags);
}
int grantpt(int fd) {
  uint32_t n;
  int r = tk_ptsname(fd, &n);
  return r ? fail(r) : 0;
}
int unlockpt(int fd) {
  return grantpt(fd);
}
int ptsname_r(int fd, char *buf, size_t len) {
  uint32_t n;
  int r = tk_ptsname(fd, &n);
  if (r) return r;
  if ((size_t)snprintf(buf, len, "/dev/pts/%u", (unsigned)n) >= len) return ERANGE;
  return 0;
}
char *ptsname(int fd) {
  static char name[32];
  int r = ptsname_r(fd, name, sizeof name);
  if (r) {
    errno = r;
    return NULL;
  }
  return name;
}

int tcflush(int fd, int q) {
  (void)q;
  return isatty(fd) ? 0 : fail(ENOTTY);
}
int tcdrain(int fd) {
  return isatty(fd) ? 0 : fail(ENOTTY);
}
speed_t cfgetospeed(const struct termios *t) { return t->__c_ospeed; }
speed_t cfgetispeed(const struct termios *t) { return t->__c_ispeed; }
int cfsetospeed(struct termios *t, speed_t s) {
  t->__c_ospeed = s;
  return 0;
}
int cfsetispeed(struct termios *t, speed_t s) {
  t->__c_ispeed = s;
  return 0;
}
void cfmakeraw(struct termios *t) {
  t->c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
  t->c_oflag &= ~OPOST;
  t->c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
  t->c_cflag = (t->c_cflag & ~CSIZE) | CS8;
  t->c_cc[VMIN] = 1;
  t->c_cc[VTIME] = 0;
}

char *ttyname(int fd) {
  static char name[] = "/dev/tty";
  if (!isatty(fd)) {
    errno = ENOTTY;
    return NULL;
  }
  return name;
}
