// A terminal's job-control state: its session, foreground process group and
// window size, and the PTY behind it. The host's console has one (boot.ts),
// each PTY another (pty.ts). Open files show it only as fs/file.ts's narrow
// JobControl; the syscall layer gets the whole (syscall/helpers.ts terminalOf).
// Every change of the window size goes through resize, which tells the
// foreground group (SIGWINCH).
// Spec: POSIX "General Terminal Interface" (controlling terminal, tcsetpgrp);
// Linux tty_ioctl(4) TIOCSWINSZ.

import { Signal } from '../abi/wasi.js';
import type { JobControl } from '../fs/file.js';
import type { Pty } from './pty.js';

/** Sends a signal to every process of a group (the kernel's life cycle). */
export type GroupSignaller = (pgid: number, sig: Signal) => void;

export class Terminal implements JobControl {
  /** The PTY behind this terminal (the host console has none: its line discipline is the host's). */
  pty: Pty | null = null;
  /** Session that has this as its controlling terminal (0: none yet). */
  sid = 0;
  /** Foreground process group (0: none yet). */
  fgPgrp = 0;
  private size = { rows: 24, cols: 80 };

  constructor(private readonly signal: GroupSignaller) {}

  get rows(): number {
    return this.size.rows;
  }
  get cols(): number {
    return this.size.cols;
  }

  /** A new window size (TIOCSWINSZ, the host's terminal resized): SIGWINCH to the foreground group if it changed. */
  resize(rows: number, cols: number): void {
    if (rows === this.size.rows && cols === this.size.cols) return;
    this.size = { rows, cols };
    if (this.fgPgrp) this.signal(this.fgPgrp, Signal.WINCH);
  }
}
