// termios: the terminal attributes, laid out as userland/libc/include/termios.h
// declares them (Linux's values), with the defaults of a freshly opened tty.
// Spec: POSIX "General Terminal Interface" (termios structure, special characters).

export const enum I { ISTRIP = 0o40, INLCR = 0o100, IGNCR = 0o200, ICRNL = 0o400, IXON = 0o2000, IUTF8 = 0o40000 }
export const enum O { OPOST = 0o1, ONLCR = 0o4, OCRNL = 0o10 }
export const enum C { CS8 = 0o60, CREAD = 0o200, B38400 = 0o17 }
export const enum L {
  ISIG = 0o1, ICANON = 0o2, ECHO = 0o10, ECHOE = 0o20, ECHOK = 0o40, ECHONL = 0o100,
  NOFLSH = 0o200, TOSTOP = 0o400, ECHOCTL = 0o1000, ECHOKE = 0o4000, IEXTEN = 0o100000,
}
export const enum V {
  INTR = 0, QUIT = 1, ERASE = 2, KILL = 3, EOF = 4, TIME = 5, MIN = 6, START = 8, STOP = 9,
  SUSP = 10, EOL = 11, REPRINT = 12, WERASE = 14, LNEXT = 15, EOL2 = 16,
}
export const NCCS = 32;

/** Byte layout of struct termios in guest memory. */
export const TERMIOS = { SIZE: 60, IFLAG: 0, OFLAG: 4, CFLAG: 8, LFLAG: 12, LINE: 16, CC: 17, ISPEED: 52, OSPEED: 56 } as const;

export class Termios {
  iflag = I.ICRNL | I.IXON | I.IUTF8;
  oflag = O.OPOST | O.ONLCR;
  cflag = C.CS8 | C.CREAD | C.B38400;
  lflag = L.ISIG | L.ICANON | L.ECHO | L.ECHOE | L.ECHOK | L.ECHOCTL | L.ECHOKE | L.IEXTEN;
  readonly cc = new Uint8Array(NCCS);

  constructor() {
    const cc = this.cc;
    cc[V.INTR] = 0x03; cc[V.QUIT] = 0x1c; cc[V.ERASE] = 0x7f; cc[V.KILL] = 0x15;
    cc[V.EOF] = 0x04; cc[V.MIN] = 1; cc[V.START] = 0x11; cc[V.STOP] = 0x13;
    cc[V.SUSP] = 0x1a; cc[V.REPRINT] = 0x12; cc[V.WERASE] = 0x17; cc[V.LNEXT] = 0x16;
  }

  encode(view: DataView, off: number): void {
    view.setUint32(off + TERMIOS.IFLAG, this.iflag, true);
    view.setUint32(off + TERMIOS.OFLAG, this.oflag, true);
    view.setUint32(off + TERMIOS.CFLAG, this.cflag, true);
    view.setUint32(off + TERMIOS.LFLAG, this.lflag, true);
    view.setUint8(off + TERMIOS.LINE, 0);
    for (let i = 0; i < NCCS; i++) view.setUint8(off + TERMIOS.CC + i, this.cc[i]);
    for (let i = TERMIOS.CC + NCCS; i < TERMIOS.ISPEED; i++) view.setUint8(off + i, 0);
    view.setUint32(off + TERMIOS.ISPEED, C.B38400, true);
    view.setUint32(off + TERMIOS.OSPEED, C.B38400, true);
  }

  /** Take every mode of `from` (tcsetattr: tty/pty.ts setAttr). */
  assign(from: Termios): void {
    this.iflag = from.iflag;
    this.oflag = from.oflag;
    this.cflag = from.cflag;
    this.lflag = from.lflag;
    this.cc.set(from.cc);
  }

  decode(view: DataView, off: number): void {
    this.iflag = view.getUint32(off + TERMIOS.IFLAG, true);
    this.oflag = view.getUint32(off + TERMIOS.OFLAG, true);
    this.cflag = view.getUint32(off + TERMIOS.CFLAG, true);
    this.lflag = view.getUint32(off + TERMIOS.LFLAG, true);
    for (let i = 0; i < NCCS; i++) this.cc[i] = view.getUint8(off + TERMIOS.CC + i);
  }
}
