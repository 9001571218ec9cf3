#ifndef _TABKERNEL_SYS_IOCTL_H
#define _TABKERNEL_SYS_IOCTL_H
#include_next <sys/ioctl.h>
#ifdef __cplusplus
extern "C" {
#endif
struct winsize {
  unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel;
};
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define TIOCGPGRP 0x540F
#define TIOCSPGRP 0x5410
#define TIOCSCTTY 0x540E
#define TIOCNOTTY 0x5422
#define TIOCGPTN 0x80045430
#define TIOCSPTLCK 0x40045431
int ioctl(int, int, ...);
#ifdef __cplusplus
}
#endif
#endif
