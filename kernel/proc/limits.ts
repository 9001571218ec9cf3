// Resource limits (getrlimit/setrlimit/prlimit): a soft and a hard value per
// resource, inherited across fork and spawn and kept across exec. The numbers
// are Linux's; Infinity is RLIM_INFINITY. Where each is enforced:
//   RLIMIT_NOFILE  proc/fdtable.ts: no fd at or above the soft limit (EMFILE)
//   RLIMIT_NPROC   syscall/process.ts: spawn and fork fail with EAGAIN
//   RLIMIT_FSIZE   syscall/fd.ts: writes past it are cut short, or fail with
//                  EFBIG and SIGXFSZ when nothing fits
//   RLIMIT_AS      proc/lifecycle.ts: the maximum of the memory a program is
//                  given at exec, spawn or fork (memory.grow fails past it)
//   RLIMIT_CPU     proc/cpulimit.ts: SIGXCPU at the soft limit and each second
//                  after, SIGKILL at the hard one
// The others are recorded and reported (docs/LIMITS.md says which mean nothing here).
// Spec: POSIX getrlimit(2); Linux prlimit(2) and /proc/PID/limits.
import { Errno } from '../abi/errno.js';
import { FD_LIMIT } from './fdtable.js';

export const enum Rlimit {
  CPU = 0, FSIZE = 1, DATA = 2, STACK = 3, CORE = 4, RSS = 5, NPROC = 6, NOFILE = 7,
  MEMLOCK = 8, AS = 9, LOCKS = 10, SIGPENDING = 11, MSGQUEUE = 12, NICE = 13, RTPRIO = 14, RTTIME = 15,
}
export const RLIM_NLIMITS = 16;

/** Names and units as /proc/PID/limits shows them. */
const shown: ReadonlyArray<[string, string]> = [
  ['Max cpu time', 'seconds'], ['Max file size', 'bytes'], ['Max data size', 'bytes'],
  ['Max stack size', 'bytes'], ['Max core file size', 'bytes'], ['Max resident set', 'bytes'],
  ['Max processes', 'processes'], ['Max open files', 'files'], ['Max locked memory', 'bytes'],
  ['Max address space', 'bytes'], ['Max file locks', 'locks'], ['Max pending signals', 'signals'],
  ['Max msgqueue size', 'bytes'], ['Max nice priority', ''], ['Max realtime priority', ''],
  ['Max realtime timeout', 'us'],
];

/** The first process's limits; every other process inherits its parent's. */
const defaults: ReadonlyArray<[number, number]> = Array.from({ length: RLIM_NLIMITS }, (_, r): [number, number] => {
  switch (r) {
    case Rlimit.NOFILE: return [FD_LIMIT, FD_LIMIT];
    case Rlimit.STACK: return [1 << 20, Infinity]; // the stack programs are linked with (userland/build.sh)
    case Rlimit.CORE: return [0, Infinity];
    case Rlimit.NPROC: return [256, 256]; // a process is a worker thread (~8 MiB before its program)
    case Rlimit.NICE: case Rlimit.RTPRIO: return [0, 0];
    case Rlimit.AS: return [1 << 30, Infinity]; // 1 GiB of linear memory per process unless raised
    default: return [Infinity, Infinity];
  }
});

export class Limits {
  private readonly cur: number[];
  private readonly max: number[];

  constructor(from?: Limits) {
    this.cur = from ? [...from.cur] : defaults.map(([c]) => c);
    this.max = from ? [...from.max] : defaults.map(([, m]) => m);
  }

  /** The soft limit of `r` (what is enforced). */
  soft(r: Rlimit): number {
    return this.cur[r];
  }
  get(r: number): [number, number] | Errno {
    if (!validResource(r)) return Errno.INVAL;
    return [this.cur[r], this.max[r]];
  }
  /**
   * setrlimit(2): EINVAL for an unknown resource or a soft limit above the
   * hard one. Every process is root, so the hard limit may also be raised —
   * except RLIMIT_NOFILE's, which cannot pass the fd table's size.
   */
  set(r: number, cur: number, max: number): Errno {
    if (!validResource(r) || !(cur >= 0) || !(max >= 0) || cur > max) return Errno.INVAL;
    if (r === Rlimit.NOFILE && max > FD_LIMIT) return Errno.PERM;
    this.cur[r] = cur;
    this.max[r] = max;
    return Errno.SUCCESS;
  }

  /** The text of /proc/PID/limits. */
  describe(): string {
    const value = (v: number): string => (v === Infinity ? 'unlimited' : String(v));
    const row = (a: string, b: string, c: string, d: string): string => `${a.padEnd(26)}${b.padEnd(21)}${c.padEnd(21)}${d}`.trimEnd();
    const lines = [row('Limit', 'Soft Limit', 'Hard Limit', 'Units')];
    shown.forEach(([name, unit], r) => lines.push(row(name, value(this.cur[r]), value(this.max[r]), unit)));
    return lines.join('\n') + '\n';
  }
}

function validResource(r: number): boolean {
  return Number.isInteger(r) && r >= 0 && r < RLIM_NLIMITS;
}
