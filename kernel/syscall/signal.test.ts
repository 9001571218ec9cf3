// alarm(2) against the host's timers, with the clock faked: no test waits.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Process } from '../proc/process.js';
import { alarm } from './signal.js';
import type { Task } from './task.js';

/** A task of a process with no alarm that records the signals it is sent. */
function task(): { t: Task; sent: number[] } {
  const sent: number[] = [];
  const proc = { alarmTimer: null, alarmDeadline: 0 } as unknown as Process;
  const t = { proc, ret: () => {}, sys: { lifecycle: { signal: (_p: Process, sig: number) => sent.push(sig) } } } as unknown as Task;
  return { t, sent };
}

describe('alarm', () => {
  afterEach(() => { vi.useRealTimers(); });

  it('raises SIGALRM after the seconds asked for', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const { t, sent } = task();
    alarm(t, 5);
    vi.advanceTimersByTime(4_999);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([14]);
  });

  it('waits the whole time for an alarm longer than a host timer keeps (2^31 ms, 24.8 days)', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const { t, sent } = task();
    alarm(t, 0xffffffff);
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([]);
    for (let i = 0; i < 1999; i++) vi.advanceTimersByTime(0x7fffffff);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(0xffffffff * 1000 - 1000 - 1999 * 0x7fffffff);
    expect(sent).toEqual([14]);
  });
});
