// poll_oneoff with fd subscriptions: report every ready subscription at once,
// or park on the files' wait queues until one becomes ready or the earliest
// clock subscription expires. (Clock-only polls never reach the kernel: the
// process runtime sleeps by itself.) ppoll is the same wait with the signal
// mask swapped for it atomically, and signals to take instead of handling:
// the libc's pselect, ppoll, sigtimedwait and sigwaitinfo.
// Spec: WASI preview1 poll_oneoff; POSIX poll(2) for readiness of each kind;
// POSIX pselect(2) and sigtimedwait(2) for the mask.
import { Errno, err, isErr, type Err } from '../abi/errno.js';
import { cpuTimeNs } from '../abi/page.js';
import { MASK_UNCHANGED } from '../abi/tabkernel.js';
import { Clockid, EVENT, Eventrwflags, Eventtype, Rights, SUBSCRIPTION, Subclockflags } from '../abi/wasi.js';
import { monotonicNs, realtimeNs } from '../lib/time.js';
import { sigbit } from '../proc/process.js';
import { NSIG, blockable } from '../proc/signals.js';
import type { WaitQueue } from '../proc/waitqueue.js';
import { getFile } from './helpers.js';
import { BLOCKED, type Result, type Task } from './task.js';

interface Event {
  userdata: bigint;
  error: Errno;
  type: Eventtype;
  nbytes: bigint;
  flags: number;
}

/** Deadlines (monotonic ns) of clock subscriptions, fixed at the first attempt. */
const deadlines = new WeakMap<Task, Map<number, bigint>>();

export function poll_oneoff(t: Task, subs: Uint8Array, n: number): Result {
  if (n === 0) return Errno.INVAL;
  const scan = scanSubscriptions(t, subs, n);
  if (typeof scan === 'number') return scan;
  if (scan.events.length === 0) return t.block(scan.queues, scan.timeoutMs);
  deadlines.delete(t);
  writeEvents(t, scan.events);
  return Errno.SUCCESS;
}

/**
 * ppoll: poll_oneoff with the signal mask replaced by `mask` for the wait,
 * atomically (pselect, ppoll; sigsuspend with subscriptions): a signal the
 * mask lets through, pending before or arriving during the wait, ends it —
 * and with subscriptions `n` may be 0 (wait for a signal only). A pending
 * signal of `accept` (blocked ones: sigtimedwait's set) is taken instead of
 * handled: it ends the wait with no event and its number in ret2. EINTR leaves
 * `mask` in place, so the handler runs with it, as POSIX asks, and the libc
 * then restores the old mask (ret1); any other end restores it here, at once
 * (Linux: a ready fd wins over a pending signal, which stays pending under
 * the old mask). Never restarted (SA_RESTART does not apply: signal(7)).
 */
export function ppoll(t: Task, subs: Uint8Array, n: number, mask: number, accept: number): Result {
  const p = t.proc;
  if (!(n >= 0)) return Errno.INVAL;
  if (t.savedMask === null) {
    t.savedMask = p.sigBlocked;
    t.ret(1, p.sigBlocked);
    if (mask !== MASK_UNCHANGED) {
      p.sigBlocked = blockable(mask);
      t.sys.lifecycle.deliverSignals(p);
      if (!p.alive) return Errno.INTR;
    }
  }
  const taken = lowestSignal(p.sigPending & accept);
  if (taken !== 0) {
    p.sigPending &= ~sigbit(taken);
    t.ret(0, 0);
    t.ret(2, taken);
    return unmask(t, Errno.SUCCESS);
  }
  t.ret(2, 0);
  const scan = n > 0 ? scanSubscriptions(t, subs, n) : { events: [], queues: [], timeoutMs: undefined };
  if (typeof scan === 'number') return unmask(t, scan);
  if (scan.events.length === 0) {
    const r = t.block(accept !== 0 ? [...scan.queues, p.sigArrived] : scan.queues, scan.timeoutMs);
    return r === Errno.INTR || r === BLOCKED ? r : unmask(t, r);
  }
  deadlines.delete(t);
  writeEvents(t, scan.events);
  return unmask(t, Errno.SUCCESS);
}

/** Put back the mask ppoll replaced, and act on what the old mask lets through. */
function unmask(t: Task, r: Errno): Errno {
  deadlines.delete(t);
  if (t.savedMask !== null && t.proc.sigBlocked !== t.savedMask) {
    t.proc.sigBlocked = t.savedMask;
    t.sys.lifecycle.deliverSignals(t.proc);
  }
  return r;
}

function lowestSignal(set: number): number {
  for (let sig = 1; sig < NSIG; sig++) if (set & sigbit(sig)) return sig;
  return 0;
}

/**
 * Check every subscription once: the events ready now, else the wait queues to
 * park on and the time to the earliest clock deadline (fixed at the first
 * attempt, so a re-run does not restart the clocks). INVAL for an unknown tag.
 */
function scanSubscriptions(t: Task, subs: Uint8Array, n: number): Errno | { events: Event[]; queues: WaitQueue[]; timeoutMs: number | undefined } {
  if (subs.length < n * SUBSCRIPTION.SIZE) return Errno.FAULT;
  const view = new DataView(subs.buffer, subs.byteOffset, subs.byteLength);
  let fixed = deadlines.get(t);
  if (!fixed) deadlines.set(t, (fixed = new Map()));
  const now = monotonicNs();
  const events: Event[] = [];
  const queues: WaitQueue[] = [];
  let earliest: bigint | null = null;

  for (let i = 0; i < n; i++) {
    const off = i * SUBSCRIPTION.SIZE;
    const userdata = view.getBigUint64(off + SUBSCRIPTION.USERDATA, true);
    const tag = view.getUint8(off + SUBSCRIPTION.TAG);
    if (tag === Eventtype.CLOCK) {
      let deadline = fixed.get(i);
      if (deadline === undefined) {
        const d = clockDeadline(t, view, off, now);
        if (isErr(d)) {
          events.push({ userdata, error: d.errno, type: Eventtype.CLOCK, nbytes: 0n, flags: 0 });
          continue;
        }
        fixed.set(i, (deadline = d));
      }
      if (deadline <= now) events.push({ userdata, error: Errno.SUCCESS, type: Eventtype.CLOCK, nbytes: 0n, flags: 0 });
      else if (earliest === null || deadline < earliest) earliest = deadline;
    } else if (tag === Eventtype.FD_READ || tag === Eventtype.FD_WRITE) {
      const fd = view.getUint32(off + SUBSCRIPTION.FD, true);
      const reading = tag === Eventtype.FD_READ;
      const file = getFile(t.proc, fd, reading ? Rights.FD_READ : Rights.FD_WRITE);
      if (isErr(file)) {
        events.push({ userdata, error: file.errno, type: tag, nbytes: 0n, flags: 0 });
        continue;
      }
      const ready = reading ? file.readReady() : file.writeReady();
      if (ready) {
        const hup = file.hungUp() ? Eventrwflags.HANGUP : 0;
        events.push({ userdata, error: file.pollError(), type: tag, nbytes: reading ? file.readableBytes() : 0n, flags: hup });
      } else {
        const q = reading ? file.readQueue : file.writeQueue;
        if (q) queues.push(q);
      }
    } else {
      return Errno.INVAL;
    }
  }
  return { events, queues, timeoutMs: earliest === null ? undefined : Number(earliest - now) / 1e6 };
}

/**
 * Monotonic deadline of a clock subscription, or the errno for a bad clock. A
 * CPU-time clock's timeout counts elapsed time (the process uses no CPU while
 * it waits here); an absolute one is made relative to its CPU time now.
 */
function clockDeadline(t: Task, view: DataView, off: number, now: bigint): bigint | Err {
  const id = view.getUint32(off + SUBSCRIPTION.CLOCK_ID, true);
  const timeout = view.getBigUint64(off + SUBSCRIPTION.CLOCK_TIMEOUT, true);
  const abs = (view.getUint16(off + SUBSCRIPTION.CLOCK_FLAGS, true) & Subclockflags.ABSTIME) !== 0;
  switch (id) {
    case Clockid.MONOTONIC:
      return abs ? timeout : now + timeout;
    case Clockid.REALTIME:
      return abs ? now + (timeout - realtimeNs()) : now + timeout;
    case Clockid.PROCESS_CPUTIME_ID:
    case Clockid.THREAD_CPUTIME_ID:
      return abs ? now + (timeout - cpuTimeNs(t.proc.page.i64, now)) : now + timeout;
    default:
      return err(Errno.INVAL);
  }
}

function writeEvents(t: Task, events: Event[]): void {
  const out = t.outView();
  events.forEach((ev, i) => {
    const o = i * EVENT.SIZE;
    for (let b = 0; b < EVENT.SIZE; b += 4) out.setUint32(o + b, 0, true);
    out.setBigUint64(o + EVENT.USERDATA, ev.userdata, true);
    out.setUint16(o + EVENT.ERROR, ev.error, true);
    out.setUint8(o + EVENT.TYPE, ev.type);
    out.setBigUint64(o + EVENT.NBYTES, ev.nbytes, true);
    out.setUint16(o + EVENT.FLAGS, ev.flags, true);
  });
  t.ret(0, events.length);
}
