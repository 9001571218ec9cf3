// Signals and the calls that wait (issue 15, item 2): pselect, ppoll and
// sigtimedwait with their masks swapped atomically in the kernel
// (test/programs/posix/sigmask.c). Each C check is what Linux does.
import { describe, expect, it } from 'vitest';
import { prog, run } from './wasi-cli.js';

function passed(r: ReturnType<typeof run>): string {
  expect(r.stdout.split('\n').filter((l) => l.startsWith('FAIL'))).toEqual([]);
  expect(r.stdout).toMatch(/^PASSED: \d+ checks, 0 failed$/m);
  expect(r.status).toBe(0);
  return r.stdout;
}

describe('waiting with a signal mask', () => {
  it('ends pselect and ppoll with EINTR when a child exits, pending signals included; sigtimedwait takes a blocked signal or fails with EAGAIN', () => {
    const out = passed(run(prog('sigmask'), [], { timeout: 60_000 }));
    expect(out).toContain('ok pselect: a child\'s exit ends the wait with EINTR\n');
    expect(out).toContain('ok pselect: a signal pending before the wait ends it with EINTR\n');
  });
});
