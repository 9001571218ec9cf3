/*
 * stty: show or change the terminal's modes (standard input's terminal).
 *   stty [-a | -g]          show modes (all, or in a form stty accepts back)
 *   stty size               rows and columns
 *   stty SETTING...         [-]echo [-]icanon [-]isig [-]icrnl [-]opost [-]onlcr [-]echoe
 *                           [-]echok [-]echoctl [-]iexten [-]tostop raw -raw cooked sane
 *                           rows N cols N columns N  min N time N  intr|quit|erase|kill|eof|susp|werase C
 * Spec: POSIX stty(1).
 */
#include "lib/util.h"
#include <sys/ioctl.h>
#include <termios.h>

struct flag {
  const char *name;
  int field; /* 0 iflag, 1 oflag, 2 lflag */
  tcflag_t bit;
};

static const struct flag flags[] = {
  {"icrnl", 0, ICRNL}, {"inlcr", 0, INLCR}, {"igncr", 0, IGNCR}, {"istrip", 0, ISTRIP}, {"ixon", 0, IXON},
  {"iutf8", 0, IUTF8}, {"opost", 1, OPOST}, {"onlcr", 1, ONLCR}, {"ocrnl", 1, OCRNL},
  {"isig", 2, ISIG}, {"icanon", 2, ICANON}, {"echo", 2, ECHO}, {"echoe", 2, ECHOE}, {"echok", 2, ECHOK},
  {"echonl", 2, ECHONL}, {"noflsh", 2, NOFLSH}, {"tostop", 2, TOSTOP}, {"echoctl", 2, ECHOCTL},
  {"echoke", 2, ECHOKE}, {"iexten", 2, IEXTEN},
};

static const struct { const char *name; int index; } chars[] = {
  {"intr", VINTR}, {"quit", VQUIT}, {"erase", VERASE}, {"kill", VKILL}, {"eof", VEOF},
  {"eol", VEOL}, {"susp", VSUSP}, {"werase", VWERASE}, {"rprnt", VREPRINT}, {"lnext", VLNEXT},
};

static tcflag_t *field(struct termios *t, int f) {
  return f == 0 ? &t->c_iflag : f == 1 ? &t->c_oflag : &t->c_lflag;
}

static void show_char(cc_t c) {
  if (c == 0) printf("<undef>");
  else if (c == 0x7f) printf("^?");
  else if (c < 32) printf("^%c", c + 64);
  else printf("%c", c);
}

static int parse_char(const char *s, cc_t *out) {
  if (!strcmp(s, "^-") || !strcmp(s, "undef")) *out = 0;
  else if (s[0] == '^' && s[1] == '?' && !s[2]) *out = 0x7f;
  else if (s[0] == '^' && s[1] && !s[2]) *out = (cc_t)(s[1] & 0x1f);
  else if (s[0] && !s[1]) *out = (cc_t)s[0];
  else return -1;
  return 0;
}

static void show(const struct termios *t, int all) {
  struct winsize ws = {0, 0, 0, 0};
  ioctl(0, TIOCGWINSZ, &ws);
  printf("speed 38400 baud; rows %d; columns %d;\n", ws.ws_row, ws.ws_col);
  for (size_t i = 0; i < sizeof chars / sizeof *chars; i++) {
    printf("%s = ", chars[i].name);
    show_char(t->c_cc[chars[i].index]);
    printf(";%c", (i + 1) % 5 == 0 ? '\n' : ' ');
  }
  printf("\nmin = %d; time = %d;\n", t->c_cc[VMIN], t->c_cc[VTIME]);
  for (size_t i = 0; i < sizeof flags / sizeof *flags; i++) {
    int on = (*field((struct termios *)t, flags[i].field) & flags[i].bit) != 0;
    if (all || !on) printf("%s%s ", on ? "" : "-", flags[i].name);
  }
  printf("\n");
}

int main(int argc, char **argv) {
  prog = "stty";
  struct termios t;
  if (tcgetattr(0, &t) < 0) {
    warn_("standard input");
    return 1;
  }
  if (argc == 1 || (argc == 2 && !strcmp(argv[1], "-a"))) {
    show(&t, argc == 2);
    return 0;
  }
  if (argc == 2 && !strcmp(argv[1], "-g")) {
    printf("%x:%x:%x:%x", t.c_iflag, t.c_oflag, t.c_cflag, t.c_lflag);
    for (int i = 0; i < NCCS; i++) printf(":%x", t.c_cc[i]);
    printf("\n");
    return 0;
  }
  if (argc == 2 && !strcmp(argv[1], "size")) {
    struct winsize ws;
    if (ioctl(0, TIOCGWINSZ, &ws) < 0) {
      warn_("standard input");
      return 1;
    }
    printf("%d %d\n", ws.ws_row, ws.ws_col);
    return 0;
  }
  struct winsize ws;
  int set_ws = 0;
  ioctl(0, TIOCGWINSZ, &ws);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int neg = a[0] == '-';
    const char *name = neg ? a + 1 : a;
    size_t k;
    for (k = 0; k < sizeof flags / sizeof *flags; k++) {
      if (!strcmp(name, flags[k].name)) {
        tcflag_t *f = field(&t, flags[k].field);
        *f = neg ? (*f & ~flags[k].bit) : (*f | flags[k].bit);
        break;
      }
    }
    if (k < sizeof flags / sizeof *flags) continue;
    if (!strcmp(a, "raw") || !strcmp(a, "-cooked")) {
      cfmakeraw(&t);
    } else if (!strcmp(a, "-raw") || !strcmp(a, "cooked") || !strcmp(a, "sane")) {
      t.c_iflag |= ICRNL | IXON;
      t.c_oflag |= OPOST | ONLCR;
      t.c_lflag |= ISIG | ICANON | IEXTEN | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE;
      if (!strcmp(a, "sane")) {
        t.c_cc[VINTR] = 3; t.c_cc[VQUIT] = 28; t.c_cc[VERASE] = 127; t.c_cc[VKILL] = 21;
        t.c_cc[VEOF] = 4; t.c_cc[VSUSP] = 26; t.c_cc[VWERASE] = 23; t.c_cc[VMIN] = 1; t.c_cc[VTIME] = 0;
      }
    } else if ((!strcmp(a, "rows") || !strcmp(a, "cols") || !strcmp(a, "columns") || !strcmp(a, "min") || !strcmp(a, "time")) && i + 1 < argc) {
      int v = atoi(argv[++i]);
      if (a[0] == 'r') { ws.ws_row = (unsigned short)v; set_ws = 1; }
      else if (a[0] == 'c') { ws.ws_col = (unsigned short)v; set_ws = 1; }
      else t.c_cc[a[0] == 'm' ? VMIN : VTIME] = (cc_t)v;
    } else {
      size_t c;
      for (c = 0; c < sizeof chars / sizeof *chars; c++) if (!strcmp(a, chars[c].name)) break;
      if (c < sizeof chars / sizeof *chars && i + 1 < argc && parse_char(argv[i + 1], &t.c_cc[chars[c].index]) == 0) {
        i++;
        continue;
      }
      warnx_("invalid argument '%s'", a);
      return 1;
    }
  }
  if (tcsetattr(0, TCSADRAIN, &t) < 0) {
    warn_("standard input");
    return 1;
  }
  if (set_ws && ioctl(0, TIOCSWINSZ, &ws) < 0) {
    warn_("standard input");
    return 1;
  }
  return 0;
}
