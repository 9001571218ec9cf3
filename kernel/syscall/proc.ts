// Process handlers: exit and raise. (spawn, wait, kill and friends arrive with
// tabkernel's own import module.)
// Spec: WASI preview1 proc_exit/proc_raise; POSIX signal default actions.
import { Errno } from '../abi/errno.js';
import { Signal } from '../abi/wasi.js';
import { BLOCKED, type Result, type Task } from './task.js';

/** proc_exit: never answered — the process ends and its worker is stopped. */
export function proc_exit(t: Task, status: number, trap: string): Result {
  t.sys.exit(t.proc, status, trap === '' ? undefined : trap);
  return BLOCKED;
}

/** Signals whose default action is to do nothing (POSIX "Signal Actions"). */
const IGNORED_BY_DEFAULT = new Set<number>([Signal.CHLD, Signal.URG, Signal.WINCH, Signal.CONT]);

/** proc_raise: with no handlers installed, the default action applies. */
export function proc_raise(t: Task, sig: number): Result {
  if (sig <= Signal.NONE || sig > Signal.SYS) return Errno.INVAL;
  if (IGNORED_BY_DEFAULT.has(sig)) return Errno.SUCCESS;
  t.sys.exit(t.proc, 128 + sig);
  return BLOCKED;
}
