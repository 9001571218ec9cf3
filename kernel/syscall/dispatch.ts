// The dispatcher: decode a request from a syscall page according to its
// declaration (abi/syscalls.ts), run the handler, and answer. A throw from a
// handler is a kernel bug: it is logged and the call fails with EIO, and the
// kernel carries on. TABKERNEL_TRACE turns on a one-line trace of every call.
// The answer itself (the page handshake) is proc/answer.ts.
import { Errno, err, errnoLabel, type Err } from '../abi/errno.js';
import { ARG_BASE, DATA_SIZE, MAX_CLOSES, Slot, State } from '../abi/page.js';
import { Arg, syscallNames, syscalls } from '../abi/syscalls.js';
import { Oflags } from '../abi/wasi.js';
import { answer } from '../proc/answer.js';
import type { Process } from '../proc/process.js';
import { table } from './table.js';
import { BLOCKED, Task, type Result, type Sys } from './task.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

type AnyHandler = (t: Task, ...a: unknown[]) => Result;
/** By call number: the name, the argument kinds and the handler (looked up once, not per call). */
const MAX_ARGS = 9;
const calls = syscallNames.map((name) => {
  const kinds = syscalls[name] as readonly Arg[];
  if (kinds.length > MAX_ARGS) throw new Error(`syscall ${name}: more than ${MAX_ARGS} arguments`);
  return { name, kinds, handler: table[name] as AnyHandler };
});

/**
 * Calls that change neither what a path names nor what stat says of it: the
 * tree's generation (ipc/filetable.ts) stays after them, so the runtimes'
 * caches of path lookups hold. Every other call bumps it when it ends.
 */
const TREE_NEUTRAL = new Set<string>([
  'fd_read', 'fd_pread', 'fd_readm', 'fd_seek', 'fd_tell', 'fd_close', 'fd_fdstat_get', 'fd_filestat_get', 'fd_readdir',
  'fd_prestat_get', 'fd_prestat_dir_name', 'fd_info', 'fd_advise', 'path_filestat_get', 'path_readlink',
  'getmode', 'fgetmode', 'statvfs', 'getcwd', 'getpid', 'childtimes', 'poll_oneoff', 'ppoll', 'sched_yield', 'random_get',
  'clock_res_get', 'clock_time_get', 'tcgetattr', 'tcgetpgrp', 'getpgid', 'getsid',
]);

/** Whether `task` leaves the tree as it was: a neutral call, or an open that neither creates nor truncates. */
function treeNeutral(task: Task): boolean {
  if (TREE_NEUTRAL.has(task.name)) return true;
  return task.name === 'path_open' && ((task.args[3] as number) & (Oflags.CREAT | Oflags.TRUNC)) === 0;
}

/**
 * The closes `p` put off (abi/page.ts Slot.CLOSES), done before its next call
 * is decoded: that call, and everything after it, sees the fds closed.
 */
export function closeDeferred(p: Process, trace: ((line: string) => void) | null): void {
  const i32 = p.page.i32;
  const n = Math.min(i32[Slot.CLOSES], MAX_CLOSES);
  for (let i = 0; i < n; i++) {
    const fd = i32[Slot.CLOSE_FDS + i];
    const e = p.fds.close(fd);
    if (trace) trace(`pid ${p.pid} fd_close(${fd}) = ${e === 0 ? 0 : 'E' + errnoLabel(e)} (put off)`);
  }
  i32[Slot.CLOSES] = 0;
}

/** Read the pending request of `p` into a task; an errno when it is malformed. */
export function decode(sys: Sys, p: Process): Task | Err {
  const page = p.page;
  const call = calls[page.i32[Slot.NR]];
  if (call === undefined) return err(Errno.NOSYS);
  const kinds = call.kinds;
  const args: unknown[] = new Array(kinds.length);
  let off = 0;
  for (let i = 0; i < kinds.length; i++) {
    const slot = ARG_BASE + i;
    switch (kinds[i]) {
      case Arg.N: args[i] = page.f64[slot]; break;
      case Arg.B: args[i] = page.i64[slot]; break;
      case Arg.BUF:
      case Arg.STR: {
        const len = page.f64[slot];
        if (!(len >= 0 && off + len <= DATA_SIZE)) return err(Errno.FAULT);
        const bytes = page.data.subarray(off, off + len);
        off += len;
        if (kinds[i] === Arg.BUF) {
          args[i] = bytes;
        } else {
          try {
            args[i] = utf8.decode(bytes.slice());
          } catch {
            return err(Errno.ILSEQ);
          }
        }
        break;
      }
    }
  }
  return new Task(p, call.name, args, off, sys, call.handler);
}

/** Run (or re-run) a task's handler. True when the task finished and was answered. */
export function run(task: Task, trace: ((line: string) => void) | null): boolean {
  task.unpark();
  let result: Result;
  try {
    // No spread: no declaration has more than MAX_ARGS arguments.
    const a = task.args;
    result = task.handler(task, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]);
  } catch (e) {
    console.error(`tabkernel: kernel bug in ${task.name}:`, e);
    result = Errno.IO;
  }
  if (result === BLOCKED) {
    // Tell a spinning process its call waits: it sleeps instead of spinning.
    // Not when the handler answered it already (exec, exit): the page may
    // carry the next program's first call by now, which is not parked.
    if (task.proc.task === task) Atomics.compareExchange(task.proc.page.i32, Slot.STATE, State.PENDING, State.PARKED);
    return false;
  }
  if (trace) trace(`pid ${task.proc.pid} ${task.name}(${task.args.map(fmtArg).join(', ')}) = ${result === 0 ? 0 : 'E' + errnoLabel(result)}`);
  if (!treeNeutral(task)) task.sys.files.views.bumpGeneration();
  answer(task.proc, result);
  return true;
}

function fmtArg(a: unknown): string {
  if (a instanceof Uint8Array) return `<${a.length} bytes>`;
  if (typeof a === 'string') return JSON.stringify(a);
  return String(a);
}
