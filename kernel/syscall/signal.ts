// Signal handlers of the "tabkernel" import module: kill, sigaction,
// sigprocmask, sigpending, sigsuspend, alarm, and the two calls the runtime
// uses to run handlers (sigtake, sigreturn). Delivery is proc/signals.ts.
// Spec: POSIX kill(2), sigaction(2), sigprocmask(2), sigsuspend(2), alarm(2).
import { Errno } from '../abi/errno.js';
import { Signal } from '../abi/wasi.js';
import { SIG_DFL, SIG_IGN, sigbit, type Process } from '../proc/process.js';
import { blockable, isValidSignal, takeSignal } from '../proc/signals.js';
import type { Result, Task } from './task.js';

/**
 * kill: pid > 0 one process, 0 our group, -1 everyone but init, < -1 group -pid.
 * A zombie not yet reaped still exists (kill(pid, 0) is 0), as on Linux; a
 * signal sent to it is discarded (postSignal).
 */
export function kill(t: Task, pid: number, sig: number): Result {
  if (!isValidSignal(sig)) return Errno.INVAL;
  const p = t.proc;
  let targets: Process[];
  if (pid > 0) {
    const q = t.sys.procs.get(pid);
    targets = q ? [q] : [];
  } else if (pid === 0) {
    targets = t.sys.procs.group(p.pgid);
  } else if (pid === -1) {
    targets = [...t.sys.procs.all()].filter((q) => q.alive && q.pid !== 1);
  } else {
    targets = t.sys.procs.group(-pid);
  }
  if (targets.length === 0) return Errno.SRCH;
  for (const q of targets) t.sys.lifecycle.signal(q, sig);
  return Errno.SUCCESS;
}

/** The handler value meaning "leave the action unchanged" (a query). */
const QUERY = 0xffffffff;

export function sigaction(t: Task, sig: number, handler: number, flags: number, mask: number): Result {
  const p = t.proc;
  if (!isValidSignal(sig) || sig === 0) return Errno.INVAL;
  const old = p.action(sig);
  if (handler !== QUERY) {
    if ((sig === Signal.KILL || sig === Signal.STOP) && handler !== SIG_DFL) return Errno.INVAL;
    p.sigActions[sig] = { handler, flags, mask: blockable(mask) };
    // Ignoring a signal discards it if pending; one pending and not blocked
    // whose handler went back to SIG_DFL takes its default action now.
    if (handler === SIG_IGN) p.sigPending &= ~sigbit(sig);
    else if (handler === SIG_DFL) t.sys.lifecycle.deliverSignals(p);
  }
  t.ret(0, old.handler);
  t.ret(1, old.flags);
  t.ret(2, old.mask);
  return Errno.SUCCESS;
}

const SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2, SIG_QUERY = 3;

export function sigprocmask(t: Task, how: number, set: number): Result {
  const p = t.proc;
  t.ret(0, p.sigBlocked);
  switch (how) {
    case SIG_BLOCK: p.sigBlocked = blockable(p.sigBlocked | set); break;
    case SIG_UNBLOCK: p.sigBlocked = p.sigBlocked & ~set; break;
    case SIG_SETMASK: p.sigBlocked = blockable(set); break;
    case SIG_QUERY: return Errno.SUCCESS;
    default: return Errno.INVAL;
  }
  t.sys.lifecycle.deliverSignals(p);
  return Errno.SUCCESS;
}

export function sigpending(t: Task): Result {
  t.ret(0, t.proc.sigPending & t.proc.sigBlocked);
  return Errno.SUCCESS;
}

/** sigsuspend: wait with `mask` until a signal is caught; always EINTR. The old mask is in ret0. */
export function sigsuspend(t: Task, mask: number): Result {
  const p = t.proc;
  if (t.progress === 0) {
    t.ret(0, p.sigBlocked);
    t.progress = -1; // marks "mask swapped"; a retry must not swap again
    p.sigBlocked = blockable(mask);
    t.sys.lifecycle.deliverSignals(p);
    if (!p.alive) return Errno.INTR;
  }
  if (p.sigPending & ~p.sigBlocked) return Errno.INTR;
  return t.block([]);
}

export function sigtake(t: Task): Result {
  const s = takeSignal(t.proc);
  t.ret(0, s.sig);
  t.ret(1, s.handler);
  t.ret(2, s.oldMask);
  t.ret(3, s.flags);
  return Errno.SUCCESS;
}

export function sigreturn(t: Task, mask: number): Result {
  t.proc.sigBlocked = blockable(mask);
  t.sys.lifecycle.deliverSignals(t.proc);
  return Errno.SUCCESS;
}

/** alarm: SIGALRM after `seconds` (0 cancels); ret0 is what was left of the previous one. */
export function alarm(t: Task, seconds: number): Result {
  const p = t.proc;
  const left = p.alarmTimer !== null ? Math.max(0, Math.ceil((p.alarmDeadline - performance.now()) / 1000)) : 0;
  if (p.alarmTimer !== null) clearTimeout(p.alarmTimer as never);
  p.alarmTimer = null;
  if (seconds > 0) {
    p.alarmDeadline = performance.now() + seconds * 1000;
    armAlarm(t, p);
  }
  t.ret(0, left);
  return Errno.SUCCESS;
}

/** The longest delay a host timer keeps: Node and browsers run a longer one after 1 ms. */
const MAX_TIMER_MS = 0x7fffffff;

/** Wait for p.alarmDeadline in timers of at most MAX_TIMER_MS (alarm takes up to 2^32-1 s, 136 years). */
function armAlarm(t: Task, p: Process): void {
  const left = Math.max(0, p.alarmDeadline - performance.now());
  const last = left <= MAX_TIMER_MS;
  p.alarmTimer = setTimeout(() => {
    p.alarmTimer = null;
    if (last) t.sys.lifecycle.signal(p, Signal.ALRM);
    else armAlarm(t, p);
  }, last ? left : MAX_TIMER_MS);
}
