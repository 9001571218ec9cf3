// Answering a call: the kernel's half of the syscall page handshake
// (abi/page.ts) — the errno, STATE PENDING→DONE, and a notify only when the
// process sleeps. The dispatcher (syscall/dispatch.ts) answers most calls; the
// life cycle (proc/lifecycle.ts) answers some itself: exec and a clean exit
// answer before the worker takes its next program, and a signal ends a parked
// call. It sits in proc/ so that the life cycle needs nothing from syscall/.
import type { Errno } from '../abi/errno.js';
import { Slot, State } from '../abi/page.js';
import type { Process } from './process.js';

/** Answers that had to wake a sleeping process (the kernel loop watches this). */
export let wakeups = 0;

/** Complete the process's current request with `errno`. */
export function answer(p: Process, errno: Errno): void {
  const page = p.page;
  page.i32[Slot.ERRNO] = errno;
  p.task = null;
  Atomics.store(page.i32, Slot.STATE, State.DONE);
  // A notify costs a futex call: skip it while the process is still spinning.
  if (Atomics.load(page.i32, Slot.WAITING) !== 0) {
    Atomics.notify(page.i32, Slot.STATE);
    wakeups++;
  }
}
