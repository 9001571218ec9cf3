// Terminal calls: the foreground process group, the window size, termios
// (tcgetattr/tcsetattr, whose work is the PTY's: tty/pty.ts) and ptsname. The
// line discipline itself is tty/ldisc.ts.
// Spec: POSIX tcsetpgrp(3), tcgetpgrp(3), tcgetattr(3), tcsetattr(3),
// ptsname(3); Linux TIOCGWINSZ/TIOCSWINSZ.
import { Errno, err, isErr, type Err } from '../abi/errno.js';
import type { Terminal } from '../tty/terminal.js';
import { PtyMaster } from '../tty/pty.js';
import { TERMIOS, Termios } from '../tty/termios.js';
import { getFd, terminalOf } from './helpers.js';
import type { Result, Task } from './task.js';

/** The terminal behind `fd`: BADF, or NOTTY when it is not one. */
function getTerminal(t: Task, fd: number): Terminal | Err {
  const e = getFd(t.proc, fd);
  if (isErr(e)) return e;
  return terminalOf(e.file) ?? err(Errno.NOTTY);
}

/**
 * The terminal whose modes and window size an fd reaches: its own, or for a
 * PTY master its slave's, as Linux's tty_mode_ioctl and TIOCGWINSZ act on
 * the other end of a master (so `script`-like programs can set the modes).
 */
function modeTerminal(t: Task, fd: number): Terminal | Err {
  const e = getFd(t.proc, fd);
  if (isErr(e)) return e;
  if (e.file instanceof PtyMaster) return e.file.pty.terminal;
  return terminalOf(e.file) ?? err(Errno.NOTTY);
}

export function tcsetpgrp(t: Task, fd: number, pgid: number): Result {
  const tty = getTerminal(t, fd);
  if (isErr(tty)) return tty.errno;
  if (pgid <= 0) return Errno.INVAL;
  if (tty.sid !== t.proc.sid) return Errno.NOTTY;
  if (!t.sys.procs.group(pgid).some((q) => q.sid === t.proc.sid)) return Errno.PERM;
  tty.fgPgrp = pgid;
  return Errno.SUCCESS;
}

export function tcgetpgrp(t: Task, fd: number): Result {
  const tty = getTerminal(t, fd);
  if (isErr(tty)) return tty.errno;
  t.ret(0, tty.fgPgrp);
  return Errno.SUCCESS;
}

export function winsize(t: Task, fd: number, op: number, rows: number, cols: number): Result {
  const tty = modeTerminal(t, fd);
  if (isErr(tty)) return tty.errno;
  if (op === 1) tty.resize(rows, cols);
  t.ret(0, tty.rows);
  t.ret(1, tty.cols);
  return Errno.SUCCESS;
}

/** The host console without a PTY keeps its host-side modes; it reports the defaults. */
const consoleDefaults = new Termios();

export function tcgetattr(t: Task, fd: number): Result {
  const tty = modeTerminal(t, fd);
  if (isErr(tty)) return tty.errno;
  (tty.pty ? tty.pty.ldisc.termios : consoleDefaults).encode(t.outView(), 0);
  return Errno.SUCCESS;
}

const TCSAFLUSH = 2;

export function tcsetattr(t: Task, fd: number, when: number, data: Uint8Array): Result {
  const tty = modeTerminal(t, fd);
  if (isErr(tty)) return tty.errno;
  if (when < 0 || when > TCSAFLUSH) return Errno.INVAL;
  if (data.length < TERMIOS.SIZE) return Errno.FAULT;
  // Changing the modes of the host's own terminal is the host's business (run with -t for a PTY).
  if (!tty.pty) return Errno.NOTSUP;
  const modes = new Termios();
  modes.decode(new DataView(data.buffer, data.byteOffset, data.byteLength), 0);
  tty.pty.setAttr(modes, when === TCSAFLUSH);
  return Errno.SUCCESS;
}

export function ptsname(t: Task, fd: number): Result {
  const e = getFd(t.proc, fd);
  if (isErr(e)) return e.errno;
  if (!(e.file instanceof PtyMaster)) return Errno.NOTTY;
  t.ret(0, e.file.pty.index);
  return Errno.SUCCESS;
}
