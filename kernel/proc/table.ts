// The process table: pids, lookups by pid and process group, and the
// parent/child links that wait(2) and orphan adoption follow.
import type { OpenFile } from '../fs/file.js';
import { ProcState, type Process } from './process.js';

/** What the table holds, counted (Kernel.census). */
export interface ProcessCensus {
  /** Entries in the table: live, stopped and zombies. */
  processes: number;
  zombies: number;
  stopped: number;
  /** Calls in the kernel right now, parked or being served. */
  calls: number;
  /** alarm(2) timers armed. */
  alarms: number;
  /** fds over every fd table. */
  fds: number;
  /** Distinct open file descriptions those fds point at. */
  descriptions: number;
}

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

  census(): ProcessCensus {
    const c: ProcessCensus = { processes: this.byPid.size, zombies: 0, stopped: 0, calls: 0, alarms: 0, fds: 0, descriptions: 0 };
    const files = new Set<OpenFile>();
    for (const p of this.byPid.values()) {
      if (p.state === ProcState.ZOMBIE) c.zombies++;
      if (p.state === ProcState.STOPPED) c.stopped++;
      if (p.task !== null) c.calls++;
      if (p.alarmTimer !== null) c.alarms++;
      for (const [, e] of p.fds.entries()) {
        c.fds++;
        files.add(e.file);
      }
    }
    c.descriptions = files.size;
    return c;
  }
}
