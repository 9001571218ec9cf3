// Wait queues: where a parked syscall waits for a condition (data in a pipe,
// a child's exit, input from the host). Waking runs every waiter once and
// empties the queue; a waiter re-checks its condition and parks again if needed,
// so spurious wakes are harmless.

export type Waiter = () => void;

export class WaitQueue {
  private waiters: Waiter[] = [];

  add(w: Waiter): void {
    this.waiters.push(w);
  }

  remove(w: Waiter): void {
    const i = this.waiters.indexOf(w);
    if (i >= 0) this.waiters.splice(i, 1);
  }

  wake(): void {
    if (this.waiters.length === 0) return;
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }

  get size(): number {
    return this.waiters.length;
  }
}
