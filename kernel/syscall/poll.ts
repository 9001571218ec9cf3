// poll_oneoff with fd subscriptions: report every ready subscription at once,
// or park on the files' wait queues until one becomes ready or the earliest
// clock subscription expires. (Clock-only polls never reach the kernel: the
// process runtime sleeps by itself.)
// Spec: WASI preview1 poll_oneoff; POSIX poll(2) for readiness of each kind.
import { Errno, err, isErr, type Err } from '../abi/errno.js';
import { cpuTimeNs } from '../abi/page.js';
import { Clockid, EVENT, Eventrwflags, Eventtype, Rights, SUBSCRIPTION, Subclockflags } from '../abi/wasi.js';
import { monotonicNs, realtimeNs } from '../lib/time.js';
import type { WaitQueue } from '../proc/waitqueue.js';
import { getFile } from './helpers.js';
import type { Result, Task } from './task.js';

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
        events.push({ userdata, error: Errno.SUCCESS, type: tag, nbytes: reading ? file.readableBytes() : 0n, flags: hup });
      } else if (file.queue) {
        queues.push(file.queue);
      }
    } else {
      return Errno.INVAL;
    }
  }

  if (events.length === 0) {
    const timeout = earliest === null ? undefined : Number(earliest - now) / 1e6;
    return t.block(queues, timeout);
  }
  deadlines.delete(t);
  writeEvents(t, events);
  return Errno.SUCCESS;
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
