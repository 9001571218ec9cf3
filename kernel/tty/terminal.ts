// A terminal's job-control state: its session, foreground process group and
// window size. The host's console has one; PTYs (a later issue) will too.
// Spec: POSIX "General Terminal Interface" (controlling terminal, tcsetpgrp).

import type { Pty } from './pty.js';

export class Terminal {
  /** The PTY behind this terminal (the host console has none: its line discipline is the host's). */
  pty: Pty | null = null;
  /** Session that has this as its controlling terminal (0: none yet). */
  sid = 0;
  /** Foreground process group (0: none yet). */
  fgPgrp = 0;
  rows = 24;
  cols = 80;
}
