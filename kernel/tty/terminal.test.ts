// The window size: every path that sets it (TIOCSWINSZ, the host's terminal
// resized, a PTY's first size) goes through Terminal.resize.
// Spec: Linux tty_ioctl(4) TIOCSWINSZ (SIGWINCH to the foreground process group).
import { describe, expect, it } from 'vitest';
import { Signal } from '../abi/wasi.js';
import { Terminal } from './terminal.js';

function terminal(): { tty: Terminal; signals: Array<[number, number]> } {
  const signals: Array<[number, number]> = [];
  return { tty: new Terminal((pgid, sig) => signals.push([pgid, sig])), signals };
}

describe('terminal window size', () => {
  it('starts at 24 rows of 80 columns', () => {
    const { tty } = terminal();
    expect([tty.rows, tty.cols]).toEqual([24, 80]);
  });

  it('sends SIGWINCH (WASI and the libc: 27) to the foreground group when the size changes', () => {
    const { tty, signals } = terminal();
    tty.fgPgrp = 7;
    tty.resize(50, 132);
    expect([tty.rows, tty.cols]).toEqual([50, 132]);
    expect(signals).toEqual([[7, Signal.WINCH]]);
    expect(Signal.WINCH as number).toBe(27);
  });

  it('sends nothing when the size stays the same', () => {
    const { tty, signals } = terminal();
    tty.fgPgrp = 7;
    tty.resize(24, 80);
    expect(signals).toEqual([]);
  });

  it('takes a size before it has a foreground group, and tells nobody', () => {
    const { tty, signals } = terminal();
    tty.resize(30, 100);
    expect([tty.rows, tty.cols]).toEqual([30, 100]);
    expect(signals).toEqual([]);
  });
});
