// Resource limits: prlimit(2), which the libc's getrlimit, setrlimit and
// prlimit use (userland/libc/resource.c). The limits and where they are
// enforced are in proc/limits.ts.
// Spec: POSIX getrlimit(2); Linux prlimit(2).
import { Errno } from '../abi/errno.js';
import { Rlimit } from '../proc/limits.js';
import type { Result, Task } from './task.js';

/** The ABI's RLIM_INFINITY: the libc's ~0 arrives as -1 (and anything past 2^53 is as good as unlimited). */
const fromAbi = (v: number): number => (v < 0 || v >= Number.MAX_SAFE_INTEGER ? Infinity : v);
const toAbi = (v: number): number => (v === Infinity ? -1 : v);

/** prlimit: read, and when `set`, replace, the limits of `pid` (0: the caller). ESRCH for no such process. */
export function prlimit(t: Task, pid: number, resource: number, set: number, cur: number, max: number): Result {
  const p = pid === 0 ? t.proc : t.sys.procs.get(pid);
  if (!p || !p.alive) return Errno.SRCH;
  const old = p.limits.get(resource);
  if (typeof old === 'number') return old;
  if (set) {
    const e = p.limits.set(resource, fromAbi(cur), fromAbi(max));
    if (e !== Errno.SUCCESS) return e;
    if (resource === Rlimit.CPU) t.sys.lifecycle.cpuLimits.watch(p);
    p.publishLimits();
  }
  t.ret(0, toAbi(old[0]));
  t.ret(1, toAbi(old[1]));
  return Errno.SUCCESS;
}
