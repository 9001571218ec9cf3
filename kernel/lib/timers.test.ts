import { describe, expect, it } from 'vitest';
import { nextDeadline, runDue, startTimer, stopTimer } from './timers.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('kernel timers', () => {
  it('run once: by runDue when due, never again by the host', async () => {
    const runs: string[] = [];
    const a = startTimer(5, () => runs.push('a'));
    const late = startTimer(60_000, () => runs.push('late'));
    expect(nextDeadline()).toBe(a.at);
    expect(runDue(performance.now())).toBe(false);
    expect(runDue(a.at)).toBe(true);
    expect(runs).toEqual(['a']);
    await sleep(30);
    expect(runs).toEqual(['a']);
    expect(nextDeadline()).toBe(late.at);
    stopTimer(late);
    expect(nextDeadline()).toBeUndefined();
  });

  it('run by the host when nobody runs them first', async () => {
    const runs: number[] = [];
    startTimer(1, () => runs.push(1));
    await sleep(30);
    expect(runs).toEqual([1]);
    expect(runDue(performance.now() + 10)).toBe(false);
  });

  it('stopped, run by neither', async () => {
    const runs: number[] = [];
    const t = startTimer(1, () => runs.push(1));
    stopTimer(t);
    expect(runDue(performance.now() + 10)).toBe(false);
    await sleep(30);
    expect(runs).toEqual([]);
  });
});
