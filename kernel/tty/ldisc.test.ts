import { describe, expect, it } from 'vitest';
import { Signal } from '../abi/wasi.js';
import { LineDiscipline } from './ldisc.js';
import { L, V } from './termios.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: ArrayLike<number>) => new TextDecoder().decode(Uint8Array.from(b));

function typed(ld: LineDiscipline, s: string) {
  return ld.receive(bytes(s));
}

describe('line discipline, canonical mode', () => {
  it('holds input until a newline, then delivers the whole line', () => {
    const ld = new LineDiscipline();
    typed(ld, 'abc');
    expect(ld.readable()).toBe(false);
    typed(ld, '\r');
    expect(text(ld.read(100))).toBe('abc\n');
  });

  it('translates CR to NL on input (ICRNL) and NL to CR NL on output (ONLCR)', () => {
    const ld = new LineDiscipline();
    const fx = typed(ld, 'x\r');
    expect(text(fx.echo)).toBe('x\r\n');
    expect(text(ld.output(bytes('a\nb')))).toBe('a\r\nb');
  });

  it('erases the last character with ERASE, echoing backspace-space-backspace', () => {
    const ld = new LineDiscipline();
    const fx = typed(ld, 'ab\x7f\n');
    expect(text(fx.echo)).toBe('ab\b \b\r\n');
    expect(text(ld.read(10))).toBe('a\n');
  });

  it('erases a whole UTF-8 character, not one byte', () => {
    const ld = new LineDiscipline();
    typed(ld, 'aé\x7f\n');
    expect(text(ld.read(10))).toBe('a\n');
  });

  it('erases the line with KILL and the last word with WERASE', () => {
    const ld = new LineDiscipline();
    typed(ld, 'one two\x17three\n');
    expect(text(ld.read(20))).toBe('one three\n');
    typed(ld, 'gone\x15kept\n');
    expect(text(ld.read(20))).toBe('kept\n');
  });

  it('makes EOF at the start of a line an end of file (a read of 0 bytes)', () => {
    const ld = new LineDiscipline();
    typed(ld, '\x04');
    expect(ld.readable()).toBe(true);
    expect(ld.read(10).length).toBe(0);
    expect(ld.readable()).toBe(false);
  });

  it('makes EOF after some input hand over the line without a newline', () => {
    const ld = new LineDiscipline();
    typed(ld, 'ab\x04');
    expect(text(ld.read(10))).toBe('ab');
  });

  it('never returns more than one line per read', () => {
    const ld = new LineDiscipline();
    typed(ld, 'a\nb\n');
    expect(text(ld.read(100))).toBe('a\n');
    expect(text(ld.read(100))).toBe('b\n');
  });

  it('echoes control characters as ^X under ECHOCTL', () => {
    const ld = new LineDiscipline();
    expect(text(typed(ld, '\x01').echo)).toBe('^A');
  });

  it('does not echo with ECHO off, but still edits', () => {
    const ld = new LineDiscipline();
    ld.termios.lflag &= ~L.ECHO;
    expect(typed(ld, 'secret\n').echo.length).toBe(0);
    expect(text(ld.read(10))).toBe('secret\n');
  });
});

describe('line discipline, signals (ISIG)', () => {
  it('turns INTR, QUIT and SUSP into SIGINT, SIGQUIT and SIGTSTP, echoing ^C', () => {
    const ld = new LineDiscipline();
    const fx = typed(ld, '\x03\x1c\x1a');
    expect(fx.signals).toEqual([Signal.INT, Signal.QUIT, Signal.TSTP]);
    expect(text(fx.echo)).toBe('^C^\\^Z');
  });

  it('discards the pending line on a signal unless NOFLSH', () => {
    const ld = new LineDiscipline();
    typed(ld, 'half\x03done\n');
    expect(text(ld.read(20))).toBe('done\n');
  });

  it('passes INTR through as data when ISIG is off', () => {
    const ld = new LineDiscipline();
    ld.termios.lflag &= ~(L.ISIG | L.ICANON);
    const fx = typed(ld, '\x03');
    expect(fx.signals).toEqual([]);
    expect(Array.from(ld.read(10))).toEqual([3]);
  });
});

describe('line discipline, raw mode', () => {
  it('delivers bytes as they come with VMIN 1', () => {
    const ld = new LineDiscipline();
    ld.termios.lflag &= ~L.ICANON;
    typed(ld, 'x');
    expect(ld.readable()).toBe(true);
    expect(text(ld.read(10))).toBe('x');
  });

  it('waits for VMIN bytes', () => {
    const ld = new LineDiscipline();
    ld.termios.lflag &= ~L.ICANON;
    ld.termios.cc[V.MIN] = 3;
    typed(ld, 'ab');
    expect(ld.readable()).toBe(false);
    typed(ld, 'c');
    expect(text(ld.read(10))).toBe('abc');
  });

  it('is always readable with VMIN 0 (a poll), and reports VTIME in ms', () => {
    const ld = new LineDiscipline();
    ld.termios.lflag &= ~L.ICANON;
    ld.termios.cc[V.MIN] = 0;
    ld.termios.cc[V.TIME] = 5;
    expect(ld.readable()).toBe(true);
    expect(ld.timeoutMs).toBe(500);
  });

  it('hands a half-typed line over as raw input when canonical mode is left', () => {
    const ld = new LineDiscipline();
    typed(ld, 'par');
    const prev = ld.termios.lflag;
    ld.termios.lflag &= ~L.ICANON;
    ld.modeChanged(prev);
    expect(text(ld.read(10))).toBe('par');
  });

  it('edits input typed ahead in raw mode once canonical mode is back, echoing what was not echoed', () => {
    const ld = new LineDiscipline();
    const canon = ld.termios.lflag;
    ld.termios.lflag &= ~(L.ICANON | L.ECHO);
    const raw = ld.termios.lflag;
    ld.modeChanged(canon);
    expect(typed(ld, 'ab\x7fc\rde').echo).toEqual([]);
    ld.termios.lflag = canon;
    const fx = ld.modeChanged(raw);
    // The erase applied, the CR (ICRNL: NL) ended a line, "de" waits as the partial line.
    expect(ld.readable()).toBe(true);
    expect(text(ld.read(10))).toBe('ac\n');
    expect(ld.readable()).toBe(false);
    expect(text(Uint8Array.from(fx.echo))).toContain('de');
    typed(ld, 'f\r');
    expect(text(ld.read(10))).toBe('def\n');
  });

  it('does not echo typed-ahead input twice when the raw mode echoed it', () => {
    const ld = new LineDiscipline();
    const canon = ld.termios.lflag;
    ld.termios.lflag &= ~L.ICANON;
    const raw = ld.termios.lflag;
    ld.modeChanged(canon);
    typed(ld, 'xy');
    ld.termios.lflag = canon;
    expect(ld.modeChanged(raw).echo).toEqual([]);
    typed(ld, '\r');
    expect(text(ld.read(10))).toBe('xy\n');
  });
});
