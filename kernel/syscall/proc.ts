// WASI's process handlers: exit and raise. (spawn, wait, kill and the rest are
// tabkernel's own calls: syscall/process.ts and syscall/signal.ts.)
// Spec: WASI preview1 proc_exit/proc_raise; POSIX signal default actions.
import { Errno } from '../abi/errno.js';
import { WaitStatus } from '../abi/tabkernel.js';
import { Signal } from '../abi/wasi.js';
import { BLOCKED, type Result, type Task } from './task.js';

/**
 * proc_exit: the process ends; the kernel answers the call itself only to let
 * the runtime return, so the worker can run another program.
 */
export function proc_exit(t: Task, status: number, trap: string, keptPages: number): Result {
  t.proc.keptPages = keptPages;
  // A trap ends the process as abort() would: killed by SIGABRT (status 134).
  if (trap !== '') t.sys.lifecycle.exit(t.proc, Signal.ABRT, trap, true);
  else t.sys.lifecycle.exit(t.proc, WaitStatus.exited(status), undefined, true);
  return BLOCKED;
}

/** proc_raise: raise(3) — the signal's action applies (a handler runs when this call returns). */
export function proc_raise(t: Task, sig: number): Result {
  if (sig <= Signal.NONE || sig > Signal.SYS) return Errno.INVAL;
  t.sys.lifecycle.signal(t.proc, sig);
  return t.proc.alive ? Errno.SUCCESS : BLOCKED;
}
