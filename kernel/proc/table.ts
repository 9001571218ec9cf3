// The process table: pids, lookups by pid and process group, and the
// parent/child links that wait(2) and orphan adoption follow.
import type { Process } from './process.js';

export class ProcessTable {
  private readonly byPid = new Map<number, Process>();
  private nextPid = 1;

  allocPid(): number {
    while (this.byPid.has(this.nextPid)) this.nextPid++;
    return this.nextPid++;
  }

  add(p: Process): void {
    this.byPid.set(p.pid, p);
    p.parent?.children.add(p);
  }

  get(pid: number): Process | undefined {
    return this.byPid.get(pid);
  }

  /** Remove a process for good (reaped, or orphaned with nobody to reap it). */
  remove(p: Process): void {
    this.byPid.delete(p.pid);
    p.parent?.children.delete(p);
  }

  /** Live members of a process group. */
  /**
   * The members of process group `pgid`, zombies included: on Linux a group
   * lives until its last member is reaped, so a pipeline's later commands can
   * join the group of a first command that has already exited.
   */
  group(pgid: number): Process[] {
    return [...this.byPid.values()].filter((p) => p.pgid === pgid);
  }

  all(): IterableIterator<Process> {
    return this.byPid.values();
  }

  get size(): number {
    return this.byPid.size;
  }
}
