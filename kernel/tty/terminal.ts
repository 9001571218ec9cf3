// A terminal's job-control state: its session, foreground process group and
// window size, and the PTY behind it. The host's console has one (boot.ts),
// each PTY another (pty.ts). Open files show it only as fs/file.ts's narrow
// JobControl; the syscall layer gets the whole (syscall/helpers.ts terminalOf).
// Spec: POSIX "General Terminal Interface" (controlling terminal, tcsetpgrp).

import type { JobControl } from '../fs/file.js';
import type { Pty } from './pty.js';

export class Terminal implements JobControl {
  /** The PTY behind this terminal (the host console has none: its line discipline is the host's). */
  pty: Pty | null = null;
  /** Session that has this as its controlling terminal (0: none yet). */
  sid = 0;
  /** Foreground process group (0: none yet). */
  fgPgrp = 0;
  rows = 24;
  cols = 80;
}
