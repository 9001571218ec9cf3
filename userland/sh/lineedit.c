/*
 * Line editing for the interactive shell, a small readline. When standard
 * input is a terminal, input.c asks lineedit_read() for each line instead of
 * reading a block. For the time of one line the terminal is non-canonical
 * without echo (VMIN 1, VTIME 0); ISIG stays on, so Ctrl-C, Ctrl-\ and Ctrl-Z
 * remain the line discipline's signals. The saved modes are put back before
 * the line is handed over, on every way out: Enter, end of file, a read error,
 * Ctrl-C (the read fails with EINTR), and around a trap that runs meanwhile.
 *
 * The line is one screen row: the prompt, then the text; text wider than the
 * terminal scrolls sideways so that the cursor stays in view. The prompt is
 * written once per line; a redraw goes back to the start of the row (\r),
 * steps over the prompt's visible width (escape sequences in PS1 take no
 * room), writes the visible text, erases the rest of the row (ESC[K) and steps
 * back to the cursor (ESC[nD). Typing at the end of a line that fits is plain
 * echo. Keys arrive as bytes: control characters, UTF-8 characters, and escape
 * sequences — CSI (ESC [ parameters final-byte) and SS3 (ESC O byte), each
 * read whole, ignored unless known. History lives in history.c.
 * Spec: ECMA-48 (CSI, CUF, CUB, EL, CUP, ED); xterm's keyboard sequences.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "sh.h"

/* What read_key returns besides control characters (0x00–0x1f, 0x7f). */
enum {
  K_EOF = -1,     /* end of file, or a read error */
  K_SIGNAL = -2,  /* the read was interrupted by a caught signal */
  K_NONE = 0x100, /* a sequence read whole and ignored */
  K_CHAR,         /* a character to insert: editor.ch */
  K_UP, K_DOWN, K_LEFT, K_RIGHT, K_HOME, K_END, K_DELETE,
};

#define KEY_CTRL(c) ((c) & 0x1f)

struct editor {
  char *buf;              /* the line, without its newline */
  size_t len, cap;
  size_t pos;             /* the cursor, a byte offset at the start of a character */
  const char *prompt;
  int off;                /* the first column of text on screen (sideways scroll) */
  int hist;               /* the history entry shown; history_count(): the new line */
  char *fresh;            /* the new line, kept while walking the history */
  char ch[4];             /* K_CHAR: the character, UTF-8 */
  int chlen;
  struct str out;         /* the bytes to write for this key */
  struct termios cooked;  /* the terminal's modes, restored when the line is done */
};

static char *killed;      /* the text Ctrl-U/K/W took, for Ctrl-Y */
static char *accepted;    /* the last line handed over (input.c reads it in place) */

/* ---- reading keys ---- */

static int get_byte(void) {
  unsigned char c;
  ssize_t n = read(0, &c, 1);
  if (n == 1) return c;
  if (n < 0 && errno == EINTR) return K_SIGNAL;
  return K_EOF;
}

/* After ESC: a CSI or SS3 sequence, or ESC and one byte (Alt-key, ignored). */
/* The final byte of a cursor-key sequence (ESC O x or ESC [ x). */
static int cursor_key(int c) {
  switch (c) {
  case 'A': return K_UP;
  case 'B': return K_DOWN;
  case 'C': return K_RIGHT;
  case 'D': return K_LEFT;
  case 'H': return K_HOME;
  case 'F': return K_END;
  }
  return K_NONE;
}

static int read_escape(void) {
  int c = get_byte();
  if (c < 0) return c;
  if (c == 0x1b) { /* ESC ESC [ A: Alt-arrow on some terminals */
    int k = read_escape();
    return k < 0 ? k : K_NONE;
  }
  if (c == 'O') {
    c = get_byte();
    if (c < 0) return c;
    return cursor_key(c);
  }
  if (c != '[') return K_NONE;
  /* CSI: parameter bytes 0x30–0x3f, intermediate bytes 0x20–0x2f, a final byte 0x40–0x7e. */
  char param[16];
  size_t np = 0;
  for (;;) {
    c = get_byte();
    if (c < 0) return c;
    if (c >= 0x40 && c <= 0x7e) break;
    if (c < 0x20 || c > 0x3f) return K_NONE; /* not a CSI after all */
    if (np < sizeof param - 1) param[np++] = (char)c;
  }
  param[np] = 0;
  if (np == 0 || strcmp(param, "1") == 0) {
    int k = cursor_key(c);
    if (k != K_NONE) return k;
  }
  if (c == '~') {
    if (strcmp(param, "1") == 0 || strcmp(param, "7") == 0) return K_HOME;
    if (strcmp(param, "4") == 0 || strcmp(param, "8") == 0) return K_END;
    if (strcmp(param, "3") == 0) return K_DELETE;
  }
  return K_NONE;
}

/* The next key: a control character, K_CHAR (printable, tab, or a UTF-8 character), or a K_ code. */
static int read_key(struct editor *e) {
  int c = get_byte();
  if (c < 0) return c;
  if (c == 0x1b) return read_escape();
  if (c >= 0xc0 && c < 0xf8) {
    int more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
    e->ch[0] = (char)c;
    for (int i = 1; i <= more; i++) {
      int b = get_byte();
      if (b < 0) return b;
      if ((b & 0xc0) != 0x80) return K_NONE; /* not UTF-8: dropped */
      e->ch[i] = (char)b;
    }
    e->chlen = more + 1;
    return K_CHAR;
  }
  if (c >= 0x80) return K_NONE;
  if ((c >= 0x20 && c != 0x7f) || c == '\t') {
    e->ch[0] = (char)c;
    e->chlen = 1;
    return K_CHAR;
  }
  /* The terminal's own erase, kill, word-erase and end-of-file characters. */
  const cc_t *cc = e->cooked.c_cc;
  if (c == cc[VERASE] && c) return 0x7f;
  if (c == cc[VKILL] && c) return KEY_CTRL('U');
  if (c == cc[VWERASE] && c) return KEY_CTRL('W');
  if (c == cc[VEOF] && c) return KEY_CTRL('D');
  return c;
}

/* ---- the screen ---- */

static int is_cont(char c) { return ((unsigned char)c & 0xc0) == 0x80; }

/* Columns taken by n bytes of text: one per character (no wide characters). */
static int cols_of(const char *s, size_t n) {
  int w = 0;
  for (size_t i = 0; i < n; i++)
    if (!is_cont(s[i])) w++;
  return w;
}

/* The byte offset where column `col` of the text starts (len past the end). */
static size_t byte_of_col(const char *s, size_t len, int col) {
  int w = 0;
  for (size_t i = 0; i < len; i++) {
    if (is_cont(s[i])) continue;
    if (w++ == col) return i;
  }
  return len;
}

/* The columns the prompt's last row takes: escape sequences (CSI, OSC) and controls take none. */
static int prompt_width(const char *p) {
  int w = 0;
  for (const unsigned char *s = (const unsigned char *)p; *s; s++) {
    if (*s == 0x1b) {
      if (s[1] == '[') {
        s += 2;
        while (*s && !(*s >= 0x40 && *s <= 0x7e)) s++;
      } else if (s[1] == ']') { /* up to BEL or ESC \ */
        s += 2;
        while (*s && *s != 0x07 && !(*s == 0x1b && s[1] == '\\')) s++;
        if (*s == 0x1b) s++;
      } else if (s[1]) {
        s++;
      }
      if (!*s) break;
    } else if (*s == '\n' || *s == '\r') {
      w = 0;
    } else if (*s == '\t') {
      w = (w / 8 + 1) * 8;
    } else if (*s >= 0x20 && *s != 0x7f && !is_cont((char)*s)) {
      w++;
    }
  }
  return w;
}

static int term_cols(void) {
  struct winsize ws;
  if (ioctl(0, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

static void put(struct editor *e, const char *s) { str_adds(&e->out, s); }

/* Text as shown: a tab takes one column, as a space. */
static void put_text(struct editor *e, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) str_addc(&e->out, s[i] == '\t' ? ' ' : s[i]);
}

static void put_csi(struct editor *e, int n, char final) {
  char seq[16];
  if (n <= 0) return; /* ESC[0C means 1 to most terminals */
  snprintf(seq, sizeof seq, "\033[%d%c", n, final);
  put(e, seq);
}

static void flush(struct editor *e) {
  if (e->out.len) write_all(2, e->out.s, e->out.len);
  e->out.len = 0;
}

/* Where the text starts on the row, and how many columns it may take. */
static void geometry(const struct editor *e, int *pcol, int *width) {
  int cols = term_cols();
  *pcol = prompt_width(e->prompt) % cols;
  *width = cols - *pcol - 1; /* the last column stays free: no automatic wrap */
  if (*width < 1) *width = 1;
}

/* Draw the text again from the start of the row, and put the cursor back. */
static void refresh(struct editor *e) {
  int pcol, width;
  geometry(e, &pcol, &width);
  int cur = cols_of(e->buf, e->pos), total = cols_of(e->buf, e->len);
  if (total < width) e->off = 0;
  if (cur < e->off) e->off = cur;
  if (cur >= e->off + width) e->off = cur - width + 1;
  size_t from = byte_of_col(e->buf, e->len, e->off);
  size_t to = byte_of_col(e->buf, e->len, e->off + width);
  put(e, "\r");
  put_csi(e, pcol, 'C');
  put_text(e, e->buf + from, to - from);
  put(e, "\033[K");
  put_csi(e, e->off + cols_of(e->buf + from, to - from) - cur, 'D');
}

/* The prompt and the line on the current row, from scratch (Ctrl-L, after a trap). */
static void redraw(struct editor *e) {
  put(e, "\r");
  put(e, e->prompt);
  refresh(e);
}

/* ---- editing ---- */

static void reserve(struct editor *e, size_t n) {
  if (e->len + n + 2 <= e->cap) return; /* room for a newline and a NUL */
  while (e->len + n + 2 > e->cap) e->cap = e->cap ? e->cap * 2 : 128;
  e->buf = xrealloc(e->buf, e->cap);
}

static void insert(struct editor *e, const char *s, size_t n) {
  if (n == 0) return;
  reserve(e, n);
  int at_end = e->pos == e->len;
  memmove(e->buf + e->pos + n, e->buf + e->pos, e->len - e->pos);
  memcpy(e->buf + e->pos, s, n);
  e->pos += n;
  e->len += n;
  int pcol, width;
  geometry(e, &pcol, &width);
  if (at_end && e->off == 0 && cols_of(e->buf, e->len) < width) put_text(e, s, n);
  else refresh(e);
}

/* Remove bytes [from, to), keeping them for Ctrl-Y if `keep`; the cursor goes to `from`. */
static void cut(struct editor *e, size_t from, size_t to, int keep) {
  if (from >= to) return;
  if (keep) {
    free(killed);
    killed = xstrndup(e->buf + from, to - from);
  }
  memmove(e->buf + from, e->buf + to, e->len - to);
  e->len -= to - from;
  e->pos = from;
  refresh(e);
}

static size_t prev_char(const struct editor *e, size_t p) {
  while (p > 0 && is_cont(e->buf[--p])) {
  }
  return p;
}

static size_t next_char(const struct editor *e, size_t p) {
  if (p < e->len) p++;
  while (p < e->len && is_cont(e->buf[p])) p++;
  return p;
}

static void move_to(struct editor *e, size_t p) {
  e->pos = p;
  refresh(e);
}

/* Ctrl-W: back over blanks, then over the word before them. */
static void erase_word(struct editor *e) {
  size_t p = e->pos;
  while (p > 0 && (e->buf[p - 1] == ' ' || e->buf[p - 1] == '\t')) p--;
  while (p > 0 && e->buf[p - 1] != ' ' && e->buf[p - 1] != '\t') p--;
  cut(e, p, e->pos, 1);
}

static void set_line(struct editor *e, const char *s) {
  size_t n = strlen(s);
  e->len = e->pos = 0;
  reserve(e, n);
  memcpy(e->buf, s, n);
  e->len = e->pos = n;
  refresh(e);
}

/* Up (dir -1) and Down (+1) through the history; past the newest entry is the line being typed. */
static void walk_history(struct editor *e, int dir) {
  int n = history_count();
  int to = e->hist + dir;
  if (to < 0 || to > n) return;
  if (e->hist == n) {
    free(e->fresh);
    e->fresh = xstrndup(e->buf, e->len);
  }
  e->hist = to;
  set_line(e, to == n ? e->fresh : history_get(to));
}

/* ---- the terminal's modes ---- */

static int enter_raw(const struct termios *cooked) {
  struct termios raw = *cooked;
  raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | IEXTEN);
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  return tcsetattr(0, TCSADRAIN, &raw);
}

/* The modes first, then the output: keys typed from now on are the command's, in cooked mode. */
static void leave_raw(struct editor *e) {
  tcsetattr(0, TCSANOW, &e->cooked);
  flush(e);
}

/* A caught signal interrupted the read: Ctrl-C drops the line; other traps run in cooked mode. */
static int interrupted(struct editor *e) {
  if (trap_take_sigint()) {
    e->pos = e->len;
    refresh(e);
    put(e, "^C\n");
    return 1;
  }
  leave_raw(e);
  trap_run_pending();
  tcgetattr(0, &e->cooked); /* the trap may have changed them (stty) */
  enter_raw(&e->cooked);
  redraw(e);
  return 0;
}

/* One key's effect. Returns 1 when the line is done (e->len is then its length), -1 at EOF, -2 on Ctrl-C. */
static int edit_key(struct editor *e, int k) {
  switch (k) {
  case K_EOF: return -1;
  case K_SIGNAL: return interrupted(e) ? -2 : 0;
  case KEY_CTRL('C'): /* only seen when ISIG is off */
    e->pos = e->len;
    refresh(e);
    put(e, "^C\n");
    return -2;
  case '\r':
  case '\n':
    if (e->pos != e->len || e->off) move_to(e, e->len);
    put(e, (e->cooked.c_oflag & OPOST) && (e->cooked.c_oflag & ONLCR) ? "\n" : "\r\n");
    return 1;
  case KEY_CTRL('D'):
    if (e->len == 0) return -1;
    cut(e, e->pos, next_char(e, e->pos), 0);
    break;
  case K_CHAR: insert(e, e->ch, (size_t)e->chlen); break;
  case KEY_CTRL('A'):
  case K_HOME: move_to(e, 0); break;
  case KEY_CTRL('E'):
  case K_END: move_to(e, e->len); break;
  case KEY_CTRL('B'):
  case K_LEFT: move_to(e, prev_char(e, e->pos)); break;
  case KEY_CTRL('F'):
  case K_RIGHT: move_to(e, next_char(e, e->pos)); break;
  case 0x7f:
  case KEY_CTRL('H'): cut(e, prev_char(e, e->pos), e->pos, 0); break;
  case K_DELETE: cut(e, e->pos, next_char(e, e->pos), 0); break;
  case KEY_CTRL('K'): cut(e, e->pos, e->len, 1); break;
  case KEY_CTRL('U'): cut(e, 0, e->pos, 1); break;
  case KEY_CTRL('W'): erase_word(e); break;
  case KEY_CTRL('Y'):
    if (killed) insert(e, killed, strlen(killed));
    break;
  case KEY_CTRL('L'):
    put(e, "\033[H\033[2J");
    redraw(e);
    break;
  case KEY_CTRL('P'):
  case K_UP: walk_history(e, -1); break;
  case KEY_CTRL('N'):
  case K_DOWN: walk_history(e, 1); break;
  default: break; /* K_NONE, other control characters */
  }
  return 0;
}

/*
 * Read one line from the terminal on fd 0, echoing to fd 2, with `prompt`.
 * Returns its length with the newline (*line is valid until the next call),
 * 0 at end of file, LINEEDIT_INTR after Ctrl-C (the line is dropped), or
 * LINEEDIT_NOTTY when fd 0 or fd 2 is not a terminal whose modes can be set:
 * then nothing was read or written and the caller reads as it always did.
 */
ssize_t lineedit_read(const char *prompt, const char **line) {
  struct editor e;
  memset(&e, 0, sizeof e);
  if (!isatty(2) || tcgetattr(0, &e.cooked) < 0 || enter_raw(&e.cooked) < 0) return LINEEDIT_NOTTY;
  e.prompt = prompt;
  e.hist = history_count();
  reserve(&e, 0);
  put(&e, prompt);
  int r;
  do {
    flush(&e);
    r = edit_key(&e, read_key(&e));
  } while (r == 0);
  leave_raw(&e);
  free(e.fresh);
  free(e.out.s);
  free(accepted);
  accepted = e.buf;
  if (r < 0) return r == -2 ? LINEEDIT_INTR : 0;
  history_add(e.buf, e.len);
  e.buf[e.len++] = '\n';
  e.buf[e.len] = 0;
  *line = e.buf;
  return (ssize_t)e.len;
}
