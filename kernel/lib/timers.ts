// The kernel's timers: the host's setTimeout, with each timer's deadline kept,
// so that the kernel can also fire the due ones itself. It must when its own
// thread runs a program (the CLI's inline first process, kernel.ts
// serveInline): the host's event loop cannot turn until the program ends, so
// a call waiting with a timeout (poll_oneoff's clock, a read with VTIME) is
// woken by the kernel, which sleeps until the next deadline (nextDeadline) and
// then runs what is due (runDue). A timer runs once, by whichever comes first.
// The timers of every kernel of the thread are in one set: a due timer run a
// little before the event loop would have run it is still on time.

export interface Timer {
  /** When it is due, on performance.now()'s clock (ms). */
  readonly at: number;
  readonly run: () => void;
  handle: unknown;
}

const pending = new Set<Timer>();

/** Run `run` in `ms` milliseconds (0 or more). */
export function startTimer(ms: number, run: () => void): Timer {
  const t: Timer = { at: performance.now() + ms, run, handle: null };
  t.handle = setTimeout(() => fire(t), ms);
  pending.add(t);
  return t;
}

/** Cancel `t` (a timer that already ran: nothing). */
export function stopTimer(t: Timer): void {
  if (pending.delete(t)) clearTimeout(t.handle as never);
}

function fire(t: Timer): void {
  if (!pending.delete(t)) return;
  clearTimeout(t.handle as never);
  t.run();
}

/** The earliest deadline of the pending timers, or undefined when none is pending. */
export function nextDeadline(): number | undefined {
  let at: number | undefined;
  for (const t of pending) if (at === undefined || t.at < at) at = t.at;
  return at;
}

/** Run the timers due at `now`; whether any ran. */
export function runDue(now: number): boolean {
  let ran = false;
  for (const t of [...pending]) {
    if (t.at > now) continue;
    fire(t);
    ran = true;
  }
  return ran;
}
