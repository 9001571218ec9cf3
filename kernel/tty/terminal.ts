// A terminal's job-control state: its session, foreground process group and
// window size. The host's console has one; PTYs (a later issue) will too.
// Spec: POSIX "General Terminal Interface" (controlling terminal, tcsetpgrp).

export class Terminal {
  /** Session that has this as its controlling terminal (0: none yet). */
  sid = 0;
  /** Foreground process group (0: none yet). */
  fgPgrp = 0;
  rows = 24;
  cols = 80;
}
