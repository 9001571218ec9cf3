// When the kernel loop may stop spinning and sleep. A wake through
// Atomics.waitAsync costs tens of µs, so the loop spins while calls may come;
// how long it waits idle adapts (IDLE_MIN_MS..IDLE_MAX_MS): halved each time
// the loop goes to sleep, doubled each time work turns up while it spins idle.
// With the cores oversubscribed calls come late, the loop sleeps sooner and
// leaves the processes the CPU. Besides, the loop stays awake for a while
// after handing a process to its worker, and after waking a sleeping process:
// both call soon, and finding the kernel asleep would cost them a second wake-up.

const IDLE_MAX_MS = 0.2;
const IDLE_MIN_MS = 0.02;
/** How long the loop stays awake after handing a process to its worker (ms). */
export const START_MS = 1;
/**
 * How long the loop stays awake after waking a sleeping process (ms): longer
 * than the process takes to wake (a futex wake is 50–100 µs here), so its next
 * call finds the kernel spinning — otherwise both sides sleep on every call.
 */
export const WAKE_MS = 0.3;

export class IdlePolicy {
  private idleMs = IDLE_MAX_MS;
  private awakeUntil = -Infinity;

  /** Do not sleep for the next `ms` milliseconds. */
  stayAwake(ms: number): void {
    this.awakeUntil = Math.max(this.awakeUntil, performance.now() + ms);
  }

  /** Work turned up after the loop had spun idle a while: spinning paid. */
  paidOff(): void {
    if (this.idleMs < IDLE_MAX_MS) this.idleMs = Math.min(IDLE_MAX_MS, this.idleMs * 2);
  }

  /** Whether the loop, idle since `last`, should sleep now; if so, it will spin less next time. */
  sleepNow(now: number, last: number): boolean {
    if (now - last <= this.idleMs || now <= this.awakeUntil) return false;
    this.idleMs = Math.max(IDLE_MIN_MS, this.idleMs / 2);
    return true;
  }
}
