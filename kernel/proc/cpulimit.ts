// RLIMIT_CPU, by Linux's rules: a process whose CPU time reaches its soft
// limit gets SIGXCPU and its soft limit moves up a second (so it gets one
// more SIGXCPU per further second of CPU, and getrlimit shows the new soft
// limit, as on Linux); at the hard limit it gets SIGKILL. SIGXCPU's default
// action ends the process; a handler runs at its next syscall.
//
// The CPU time is read from the process's page (abi/page.ts, Cpu), so a
// process spinning without syscalls is seen too, and ended: terminating a
// process stops its worker (proc/lifecycle.ts). Nothing runs while no process
// has a finite limit: one host timer, armed only while some process is
// watched, for the earliest moment one of them could reach its soft limit
// (CPU time grows no faster than wall time), with a floor of MIN_TICK_MS.
// Spec: Linux setrlimit(2) RLIMIT_CPU; kernel/time/posix-cpu-timers.c
// (check_process_timers).
import { Signal } from '../abi/wasi.js';
import { Rlimit } from './limits.js';
import type { Process } from './process.js';

/** The shortest timer: how late a limit may be noticed, at worst, beyond the host timer's own lateness (ms). */
const MIN_TICK_MS = 10;
/** The longest delay a host timer keeps (Node and browsers run a longer one after 1 ms). */
const MAX_TIMER_MS = 0x7fffffff;
const NS_PER_S = 1_000_000_000n;

export class CpuLimits {
  /** Processes with a finite soft RLIMIT_CPU. */
  private readonly watched = new Set<Process>();
  private timer: unknown = null;

  constructor(private readonly signal: (p: Process, sig: number) => void) {}

  /** `p` started a program or changed its RLIMIT_CPU: watch it while its limit is finite. */
  watch(p: Process): void {
    if (p.alive && p.limits.soft(Rlimit.CPU) !== Infinity) this.watched.add(p);
    else if (!this.watched.delete(p)) return;
    this.arm();
  }

  /** `p` ended. */
  forget(p: Process): void {
    if (this.watched.delete(p)) this.arm();
  }

  /** How many processes are watched (for tests). */
  get size(): number {
    return this.watched.size;
  }

  /** The timer fired: signal every process past a limit, then wait for the next. */
  private check(): void {
    this.timer = null;
    for (const p of [...this.watched]) this.checkOne(p);
    this.arm();
  }

  private checkOne(p: Process): void {
    const limit = p.limits.get(Rlimit.CPU);
    if (typeof limit === 'number' || !p.alive || limit[0] === Infinity) {
      this.watched.delete(p);
      return;
    }
    const [soft, hard] = limit;
    const cpu = p.cpuTimeNs();
    if (hard !== Infinity && cpu >= BigInt(hard) * NS_PER_S) {
      this.watched.delete(p);
      this.signal(p, Signal.KILL);
    } else if (cpu >= BigInt(soft) * NS_PER_S) {
      // soft < hard here (both whole seconds, soft <= cpu < hard): the raised one is valid.
      p.limits.set(Rlimit.CPU, soft + 1, hard);
      this.signal(p, Signal.XCPU);
    }
  }

  /** Set the timer for the earliest moment a watched process could reach its soft limit. */
  private arm(): void {
    if (this.timer !== null) clearTimeout(this.timer as never);
    this.timer = null;
    if (this.watched.size === 0) return;
    let next = Infinity;
    for (const p of this.watched) {
      const soft = p.limits.soft(Rlimit.CPU);
      if (soft === Infinity) continue;
      next = Math.min(next, Number(BigInt(soft) * NS_PER_S - p.cpuTimeNs()) / 1e6);
    }
    this.timer = setTimeout(() => this.check(), Math.min(MAX_TIMER_MS, Math.max(MIN_TICK_MS, next)));
  }
}
