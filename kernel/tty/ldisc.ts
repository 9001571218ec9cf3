// The line discipline: what sits between a terminal's keyboard side (the PTY
// master, or the page's xterm) and the programs reading it. Input bytes are
// translated (ICRNL…), edited in canonical mode (ERASE, KILL, WERASE, EOF),
// echoed, and turned into signals (INTR, QUIT, SUSP) for the foreground group;
// output bytes get OPOST processing (ONLCR). Pure logic: no kernel, no I/O —
// the PTY (pty.ts) moves the bytes and sends the signals.
// Spec: POSIX "General Terminal Interface": canonical and non-canonical input,
// special characters, local modes; Linux n_tty for ECHOCTL/ECHOKE details.
import { I, L, O, Termios, V } from './termios.js';
import { Signal } from '../abi/wasi.js';

const NL = 0x0a, CR = 0x0d, BS = 0x08, SPACE = 0x20, TAB = 0x09, DEL = 0x7f;
/** Canonical lines longer than this lose further input (MAX_CANON). */
export const MAX_CANON = 4096;

export interface InputEffects {
  /** Bytes to show on the terminal (echo), already output-processed. */
  echo: number[];
  /** Signals for the foreground process group. */
  signals: Signal[];
}

export class LineDiscipline {
  readonly termios = new Termios();
  /** Input ready for readers: whole lines in canonical mode; an empty entry is an EOF. */
  private readonly ready: Uint8Array[] = [];
  /** Bytes of the first ready entry already read. */
  private readOffset = 0;
  /** The line being edited (canonical mode). */
  private line: number[] = [];
  /** Raw-mode bytes waiting for a reader. */
  private raw: number[] = [];
  private literalNext = false;

  get canonical(): boolean {
    return (this.termios.lflag & L.ICANON) !== 0;
  }

  /** Bytes a read could return now (0 at EOF or when nothing is there). */
  available(): number {
    if (!this.canonical) return this.raw.length;
    return this.ready.length > 0 ? this.ready[0].length - this.readOffset : 0;
  }

  /**
   * Whether a read would return now: a line or EOF in canonical mode; in raw
   * mode VMIN bytes (VMIN 0: always — VTIME's wait is the reader's timeout).
   */
  readable(): boolean {
    if (!this.canonical) {
      const min = this.termios.cc[V.MIN];
      return min === 0 || this.raw.length >= min;
    }
    return this.ready.length > 0;
  }

  /** VTIME in milliseconds (0: none). */
  get timeoutMs(): number {
    return this.canonical ? 0 : this.termios.cc[V.TIME] * 100;
  }

  /** Take up to `max` bytes (a canonical read never crosses a line end). */
  read(max: number): Uint8Array {
    if (!this.canonical) {
      const n = Math.min(max, this.raw.length);
      return Uint8Array.from(this.raw.splice(0, n));
    }
    const first = this.ready[0];
    if (!first) return new Uint8Array(0);
    const n = Math.min(max, first.length - this.readOffset);
    const out = first.slice(this.readOffset, this.readOffset + n);
    this.readOffset += n;
    if (this.readOffset >= first.length) {
      this.ready.shift();
      this.readOffset = 0;
    }
    return out;
  }

  /** Discard pending input (tcflush, or a signal without NOFLSH). */
  flushInput(): void {
    this.ready.length = 0;
    this.readOffset = 0;
    this.line = [];
    this.raw = [];
  }

  /**
   * ICANON changed (`prevLflag`: the local modes before). Into raw mode, the
   * partial line and unread lines become raw input. Back into canonical mode,
   * raw bytes nobody read yet — typed ahead while a program such as the shell's
   * line editor had the terminal raw — are edited as if typed now: they join
   * the line being built, and are echoed if the raw mode did not echo them.
   */
  modeChanged(prevLflag: number): InputEffects {
    const fx: InputEffects = { echo: [], signals: [] };
    if (!this.canonical) {
      if (this.line.length > 0) {
        this.raw.push(...this.line);
        this.line = [];
      }
      for (const seg of this.ready) this.raw.push(...seg.subarray(0));
      this.ready.length = 0;
      this.readOffset = 0;
      return fx;
    }
    const pending = this.raw;
    this.raw = [];
    const echoed = (prevLflag & L.ECHO) !== 0;
    const sink: InputEffects = echoed ? { echo: [], signals: [] } : fx;
    for (const c of pending) this.edit(c, sink);
    return fx;
  }

  /** Process bytes typed at the terminal. */
  receive(bytes: Uint8Array): InputEffects {
    const fx: InputEffects = { echo: [], signals: [] };
    for (const b of bytes) this.receiveByte(b, fx);
    return fx;
  }

  private receiveByte(c: number, fx: InputEffects): void {
    const t = this.termios;
    const cc = t.cc;
    if (t.iflag & I.ISTRIP) c &= 0x7f;
    if (this.literalNext) {
      this.literalNext = false;
      this.store(c, fx);
      return;
    }
    if (c === CR) {
      if (t.iflag & I.IGNCR) return;
      if (t.iflag & I.ICRNL) c = NL;
    } else if (c === NL && (t.iflag & I.INLCR)) {
      c = CR;
    }
    if (t.lflag & L.ISIG) {
      const sig = c === cc[V.INTR] ? Signal.INT : c === cc[V.QUIT] ? Signal.QUIT : c === cc[V.SUSP] ? Signal.TSTP : 0;
      if (sig && c !== 0) {
        if (!(t.lflag & L.NOFLSH)) this.flushInput();
        this.echoChar(c, fx);
        fx.signals.push(sig);
        return;
      }
    }
    this.edit(c, fx);
  }

  /** A byte after input translation and signal keys: canonical editing, or raw input. */
  private edit(c: number, fx: InputEffects): void {
    const t = this.termios;
    const cc = t.cc;
    if (this.canonical) {
      if ((t.lflag & L.IEXTEN) && c === cc[V.LNEXT] && c !== 0) {
        this.literalNext = true;
        return;
      }
      if (c === cc[V.ERASE] || (c === BS && cc[V.ERASE] === DEL)) return this.erase(1, fx);
      if ((t.lflag & L.IEXTEN) && c === cc[V.WERASE] && c !== 0) return this.eraseWord(fx);
      if (c === cc[V.KILL] && c !== 0) return this.erase(this.line.length, fx, true);
      if ((t.lflag & L.IEXTEN) && c === cc[V.REPRINT] && c !== 0) {
        this.echoChar(c, fx);
        this.output([NL], fx.echo);
        for (const b of this.line) this.echoChar(b, fx);
        return;
      }
      if (c === cc[V.EOF] && c !== 0) {
        // At the start of a line: end of file. Otherwise: hand over the line without a newline.
        this.ready.push(Uint8Array.from(this.line));
        this.line = [];
        return;
      }
    }
    this.store(c, fx);
  }

  private store(c: number, fx: InputEffects): void {
    const t = this.termios;
    if (!this.canonical) {
      this.raw.push(c);
      this.echoChar(c, fx);
      return;
    }
    const eol = c === NL || (c === t.cc[V.EOL] && c !== 0) || (c === t.cc[V.EOL2] && c !== 0);
    if (!eol && this.line.length >= MAX_CANON - 1) return;
    this.line.push(c);
    if (c === NL) {
      if ((t.lflag & L.ECHO) || (t.lflag & L.ECHONL)) this.output([NL], fx.echo);
    } else {
      this.echoChar(c, fx);
    }
    if (eol) {
      this.ready.push(Uint8Array.from(this.line));
      this.line = [];
    }
  }

  /** Echo one input byte: control characters as ^X under ECHOCTL. */
  private echoChar(c: number, fx: InputEffects): void {
    const t = this.termios;
    if (!(t.lflag & L.ECHO)) return;
    if ((t.lflag & L.ECHOCTL) && (c < SPACE || c === DEL) && c !== TAB && c !== NL) {
      this.output([0x5e, c === DEL ? 0x3f : c + 0x40], fx.echo);
    } else {
      this.output([c], fx.echo);
    }
  }

  /** Width in columns a byte took when echoed (for erasing it). */
  private width(c: number): number {
    if ((c < SPACE || c === DEL) && c !== TAB) return (this.termios.lflag & L.ECHOCTL) ? 2 : 0;
    if ((c & 0xc0) === 0x80) return 0; // UTF-8 continuation byte
    return 1;
  }

  /** Remove `n` characters from the line (UTF-8 aware), rubbing them out on screen. */
  private erase(n: number, fx: InputEffects, kill = false): void {
    const t = this.termios;
    if (kill && !(t.lflag & L.ECHOKE) && (t.lflag & L.ECHO)) {
      this.line = [];
      this.echoChar(t.cc[V.KILL], fx);
      if (t.lflag & L.ECHOK) this.output([NL], fx.echo);
      return;
    }
    for (let i = 0; i < n && this.line.length > 0; i++) {
      let cols = 0;
      let b: number;
      do {
        b = this.line.pop()!;
        cols += this.width(b);
      } while ((b & 0xc0) === 0x80 && this.line.length > 0);
      if ((t.lflag & L.ECHO) && (t.lflag & L.ECHOE)) {
        for (let k = 0; k < cols; k++) this.output([BS, SPACE, BS], fx.echo);
      }
    }
  }

  private eraseWord(fx: InputEffects): void {
    const isSpace = (b: number) => b === SPACE || b === TAB;
    let n = 0;
    let i = this.line.length;
    while (i > 0 && isSpace(this.line[i - 1])) { i--; n++; }
    while (i > 0 && !isSpace(this.line[i - 1])) {
      i--;
      if ((this.line[i] & 0xc0) !== 0x80) n++;
    }
    this.erase(n, fx);
  }

  /** Output processing (OPOST): what the terminal receives for bytes a program wrote. */
  output(bytes: ArrayLike<number>, into: number[] = []): number[] {
    const t = this.termios;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (t.oflag & O.OPOST) {
        if (b === NL && (t.oflag & O.ONLCR)) { into.push(CR, NL); continue; }
        if (b === CR && (t.oflag & O.OCRNL)) { into.push(NL); continue; }
      }
      into.push(b);
    }
    return into;
  }
}
