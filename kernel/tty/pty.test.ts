// PTY pairs without a kernel: what the slave's open file tells the read
// handler (VTIME), tcsetattr's work (Pty.setAttr), and the window size.
// Spec: POSIX "General Terminal Interface" (Non-Canonical Mode Input Processing).
import { describe, expect, it } from 'vitest';
import { Pty, PtySlave } from './pty.js';
import { L, V } from './termios.js';

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
