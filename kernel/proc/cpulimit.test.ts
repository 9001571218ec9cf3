import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Signal } from '../abi/wasi.js';
import { CpuLimits } from './cpulimit.js';
import { Limits, Rlimit } from './limits.js';
import type { Process } from './process.js';

/** What CpuLimits reads of a process: its limits, whether it lives, its CPU time (set by the test). */
function proc(soft: number, hard: number): Process & { cpu: bigint } {
  const limits = new Limits();
  limits.set(Rlimit.CPU, soft, hard);
  const p = { limits, alive: true, cpu: 0n, cpuTimeNs: () => p.cpu };
  return p as unknown as Process & { cpu: bigint };
}
const S = 1_000_000_000n;

describe('RLIMIT_CPU', () => {
  let sent: Array<[Process, number]>;
  let limits: CpuLimits;
  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    limits = new CpuLimits((p, sig) => sent.push([p, sig]));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps no timer while no process has a finite limit', () => {
    limits.watch(proc(Infinity, Infinity));
    expect(limits.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('sends SIGXCPU at the soft limit and raises it a second, as Linux does', () => {
    const p = proc(1, 3);
    limits.watch(p);
    p.cpu = S / 2n;
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([]);
    p.cpu = S;
    vi.advanceTimersByTime(500);
    expect(sent).toEqual([[p, Signal.XCPU]]);
    expect(p.limits.get(Rlimit.CPU)).toEqual([2, 3]);
  });

  it('sends SIGKILL at the hard limit, and stops watching', () => {
    const p = proc(1, 1);
    limits.watch(p);
    p.cpu = S;
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([[p, Signal.KILL]]);
    expect(limits.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('waits no longer than the CPU time left: a process blocked half the time is checked again', () => {
    const p = proc(2, 5);
    limits.watch(p);
    p.cpu = S; // half of the 2 s went by blocked
    vi.advanceTimersByTime(2000);
    expect(sent).toEqual([]);
    p.cpu = 2n * S;
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([[p, Signal.XCPU]]);
  });

  it('forgets a process that ended, and drops the timer with the last one', () => {
    const p = proc(1, 2);
    limits.watch(p);
    expect(vi.getTimerCount()).toBe(1);
    limits.forget(p);
    expect(vi.getTimerCount()).toBe(0);
  });
});
