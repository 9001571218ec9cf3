// Signal generation and default actions. A signal for a process is either acted
// on at once by the kernel (terminate, stop, continue, ignore — these work even
// on a process spinning without syscalls, because terminating means stopping its
// worker), or, when the process installed a handler, left pending: the page's
// SIGNAL slot is raised, a parked call ends with EINTR, and the runtime runs the
// handler when its current call returns (runtime/signals.ts). The actions are
// taken by the life cycle (proc/lifecycle.ts implements SignalActions).
// Spec: POSIX "Signal Concepts" (default actions, SIGCONT, SIGKILL/SIGSTOP).
import { Slot } from '../abi/page.js';
import { Signal } from '../abi/wasi.js';
import { SaFlag } from '../abi/tabkernel.js';
import { ProcState, SIG_DFL, SIG_IGN, sigbit, type Process } from './process.js';

const enum Default { TERMINATE, IGNORE, STOP, CONTINUE }

function defaultAction(sig: number): Default {
  switch (sig) {
    case Signal.CHLD: case Signal.URG: case Signal.WINCH: return Default.IGNORE;
    case Signal.CONT: return Default.CONTINUE;
    case Signal.STOP: case Signal.TSTP: case Signal.TTIN: case Signal.TTOU: return Default.STOP;
    default: return Default.TERMINATE;
  }
}

/** What the kernel does on a signal's behalf. */
export interface SignalActions {
  terminate(p: Process, sig: number): void;
  stop(p: Process, sig: number): void;
  resume(p: Process): void;
  /** End the process's parked call with EINTR and raise its SIGNAL slot. */
  interrupt(p: Process): void;
}

export const NSIG = 31;

export function isValidSignal(sig: number): boolean {
  return Number.isInteger(sig) && sig >= 0 && sig < NSIG;
}

/** Generate `sig` for `p` (kill, raise, SIGPIPE, SIGCHLD, the terminal). */
export function postSignal(k: SignalActions, p: Process, sig: number): void {
  if (!p.alive || sig === 0) return;
  if (sig === Signal.KILL) return k.terminate(p, sig);
  if (sig === Signal.STOP) return k.stop(p, sig);
  // SIGCONT continues a stopped process whatever its disposition; a pending stop is dropped.
  if (sig === Signal.CONT) {
    p.sigPending &= ~(sigbit(Signal.TSTP) | sigbit(Signal.TTIN) | sigbit(Signal.TTOU));
    k.resume(p);
  } else if (defaultAction(sig) === Default.STOP) {
    p.sigPending &= ~sigbit(Signal.CONT);
  }
  const act = p.action(sig);
  if (act.handler === SIG_IGN) return;
  // One whose default is to do nothing is dropped, unless blocked: then it
  // stays pending for sigwait or sigpending, as on Linux.
  const quiet = defaultAction(sig) === Default.IGNORE || defaultAction(sig) === Default.CONTINUE;
  if (act.handler === SIG_DFL && quiet && !(p.sigBlocked & sigbit(sig))) return;
  p.sigPending |= sigbit(sig);
  p.sigArrived.wake();
  deliver(k, p);
}

/**
 * Act on every pending signal that is not blocked: default actions now, and
 * for handlers, flag the process so its runtime picks them up.
 */
export function deliver(k: SignalActions, p: Process): void {
  // A stopped process acts on nothing until SIGCONT (SIGKILL never waits: see postSignal).
  if (p.state === ProcState.STOPPED) return;
  const ready = p.sigPending & ~p.sigBlocked;
  if (ready === 0) return;
  let wantsHandler = false;
  for (let sig = 1; sig < NSIG; sig++) {
    if (!(ready & sigbit(sig)) || !p.alive) continue;
    const act = p.action(sig);
    if (act.handler !== SIG_DFL) {
      wantsHandler = true;
      continue;
    }
    p.sigPending &= ~sigbit(sig);
    const d = defaultAction(sig);
    if (d === Default.TERMINATE) return k.terminate(p, sig);
    if (d === Default.STOP) k.stop(p, sig);
  }
  if (wantsHandler && p.alive) {
    Atomics.store(p.page.i32, Slot.SIGNAL, 1);
    Atomics.notify(p.page.i32, Slot.SIGNAL);
    k.interrupt(p);
  }
}

/**
 * The next signal whose handler the runtime should run, with the mask to
 * restore afterwards; 0 when none (and the SIGNAL slot is lowered).
 */
export function takeSignal(p: Process): { sig: number; handler: number; flags: number; oldMask: number } {
  const ready = p.sigPending & ~p.sigBlocked;
  for (let sig = 1; sig < NSIG; sig++) {
    if (!(ready & sigbit(sig))) continue;
    const act = p.action(sig);
    if (act.handler === SIG_DFL || act.handler === SIG_IGN) continue;
    p.sigPending &= ~sigbit(sig);
    const oldMask = p.sigBlocked;
    p.sigBlocked |= act.mask | ((act.flags & SaFlag.NODEFER) ? 0 : sigbit(sig));
    if (act.flags & SaFlag.RESETHAND) p.sigActions[sig] = { handler: SIG_DFL, flags: 0, mask: 0 };
    return { sig, handler: act.handler, flags: act.flags, oldMask };
  }
  Atomics.store(p.page.i32, Slot.SIGNAL, 0);
  return { sig: 0, handler: 0, flags: 0, oldMask: p.sigBlocked };
}

/** Blockable signals (SIGKILL and SIGSTOP never are). */
export function blockable(mask: number): number {
  return mask & ~(sigbit(Signal.KILL) | sigbit(Signal.STOP));
}

export { ProcState };
