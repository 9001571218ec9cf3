// A process as the kernel sees it: identity, its fd table, its syscall page and
// the worker that runs it. The process table and the life cycle (spawn, exit,
// reaping) are in kernel.ts; the code running inside the worker is runtime/.
import { PageViews } from '../abi/page.js';
import type { WorkerHandle } from '../host/host.js';
import { FdTable } from './fdtable.js';
import { WaitQueue } from './waitqueue.js';
import type { Task } from '../syscall/task.js';

export const enum ProcState { RUNNING, ZOMBIE }

export class Process {
  readonly fds = new FdTable();
  readonly page: PageViews;
  state = ProcState.RUNNING;
  /** Exit status as a shell reports it: the code, or 128 + signal. */
  status = 0;
  /** The call being served (or parked) right now, if any. */
  task: Task | null = null;
  /** Woken when this process exits (for waiters on it). */
  readonly exited = new WaitQueue();

  constructor(
    readonly pid: number,
    readonly ppid: number,
    readonly argv: string[],
    readonly env: string[],
    page: SharedArrayBuffer,
    readonly worker: WorkerHandle,
  ) {
    this.page = new PageViews(page);
  }

  get alive(): boolean {
    return this.state === ProcState.RUNNING;
  }
}
