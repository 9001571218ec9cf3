// Task.block's timeout against the host's timers, with the clock faked: no test waits.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Process } from '../proc/process.js';
import { BLOCKED, Task, type Sys } from './task.js';

/** A task of a process with nothing pending; `retries` counts its wake-ups. */
function task(): { t: Task; retries: () => number } {
  let n = 0;
  const proc = { sigPending: 0, sigBlocked: 0, page: {} } as unknown as Process;
  const sys = { retry: () => { n++; } } as unknown as Sys;
  return { t: new Task(proc, 'poll_oneoff', [], 0, sys, () => BLOCKED), retries: () => n };
}

describe('Task.block', () => {
  afterEach(() => { vi.useRealTimers(); });

  it('runs the handler again once the timeout has passed', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { t, retries } = task();
    expect(t.block([], 50)).toBe(BLOCKED);
    vi.advanceTimersByTime(49);
    expect(retries()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(retries()).toBe(1);
  });

  it('waits a host timer\'s longest (2^31-1 ms) for a longer timeout, instead of 1 ms (a poll_oneoff clock of 2^64-1 ns)', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { t, retries } = task();
    t.block([], 18446744073709.55);
    vi.advanceTimersByTime(0x7fffffff - 1);
    expect(retries()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(retries()).toBe(1);
  });
});
