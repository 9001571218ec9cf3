// Signals and the calls that wait (issue 15, items 2 and 3): pselect, ppoll
// and sigtimedwait with their masks swapped atomically in the kernel
// (test/programs/posix/sigmask.c), and SA_RESTART restarting the calls Linux
// restarts while poll, select, nanosleep and sigsuspend end with EINTR
// (test/programs/posix/restart.c). Each C check is what Linux does.
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

describe('SA_RESTART', () => {
  it('restarts pipe reads and writes, waitpid and flock after a handler with SA_RESTART, EINTR without; poll, select, nanosleep, sigsuspend always EINTR', () => {
    const out = passed(run(prog('restart'), [], { timeout: 60_000 }));
    expect(out).toContain('read 5 bytes, handler ran 1\n');
  });
});
