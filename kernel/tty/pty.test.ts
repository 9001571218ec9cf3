// PTY pairs without a kernel: what the slave's open file tells the read
// handler (VTIME), tcsetattr's work (Pty.setAttr), and the window size.
// Spec: POSIX "General Terminal Interface" (Non-Canonical Mode Input Processing).
import { describe, expect, it } from 'vitest';
import { Pty, PtySlave } from './pty.js';
import { L, Termios, V } from './termios.js';

/** A pair whose group signals are recorded as [pgid, sig]. */
function pair(): { pty: Pty; slave: PtySlave; signals: Array<[number, number]> } {
  const signals: Array<[number, number]> = [];
  const pty = new Pty(0, (pgid, sig) => signals.push([pgid, sig]));
  return { pty, slave: new PtySlave(pty, true, true), signals };
}

const bytes = (s: string) => new TextEncoder().encode(s);

describe('PTY slave, non-canonical reads', () => {
  it('has a read with VMIN 0 and VTIME 5 wait 500 ms for a first byte', () => {
    const { pty, slave } = pair();
    pty.ldisc.termios.lflag &= ~L.ICANON;
    pty.ldisc.termios.cc[V.MIN] = 0;
    pty.ldisc.termios.cc[V.TIME] = 5;
    expect(slave.readReady()).toBe(true);
    expect(slave.readTimeoutMs()).toBe(500);
  });

  it('has a read answer at once when a byte is already there, or VTIME is 0, or the mode is canonical', () => {
    const { pty, slave } = pair();
    pty.ldisc.termios.cc[V.TIME] = 5;
    expect(slave.readTimeoutMs()).toBe(0); // canonical: VTIME means nothing
    pty.ldisc.termios.lflag &= ~L.ICANON;
    pty.ldisc.termios.cc[V.MIN] = 0;
    pty.input(bytes('x'));
    expect(slave.readTimeoutMs()).toBe(0);
    slave.read(10);
    pty.ldisc.termios.cc[V.TIME] = 0;
    expect(slave.readTimeoutMs()).toBe(0);
  });
});

describe('PTY modes (tcsetattr)', () => {
  /** The pair's modes with ICANON and ECHO as given. */
  function modes(pty: Pty, lflag: { icanon: boolean; echo: boolean }): Termios {
    const m = new Termios();
    m.assign(pty.ldisc.termios);
    m.lflag = (m.lflag & ~(L.ICANON | L.ECHO)) | (lflag.icanon ? L.ICANON : 0) | (lflag.echo ? L.ECHO : 0);
    return m;
  }

  it('takes every mode given, and wakes the readers', () => {
    const { pty } = pair();
    let woken = 0;
    pty.queue.add(() => woken++);
    const m = modes(pty, { icanon: false, echo: false });
    m.cc[V.MIN] = 0;
    m.cc[V.TIME] = 3;
    pty.setAttr(m, false);
    expect(pty.ldisc.canonical).toBe(false);
    expect(pty.ldisc.termios.cc[V.TIME]).toBe(3);
    expect(pty.ldisc.termios).not.toBe(m); // copied, not shared
    expect(woken).toBe(1);
  });

  it('drops unread input under TCSAFLUSH and keeps it otherwise', () => {
    const { pty, slave } = pair();
    pty.input(bytes('kept\r'));
    pty.setAttr(modes(pty, { icanon: true, echo: true }), false);
    expect(new TextDecoder().decode(slave.read(100) as Uint8Array)).toBe('kept\n');
    pty.input(bytes('gone\r'));
    pty.setAttr(modes(pty, { icanon: true, echo: true }), true);
    expect(slave.readReady()).toBe(false);
  });

  it('hands a half-typed line to a raw reader when canonical mode is left', () => {
    const { pty, slave } = pair();
    pty.input(bytes('par'));
    expect(slave.readReady()).toBe(false);
    pty.setAttr(modes(pty, { icanon: false, echo: false }), false);
    expect(new TextDecoder().decode(slave.read(100) as Uint8Array)).toBe('par');
  });
});
