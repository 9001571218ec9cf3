// poll_oneoff through the CLI: clocks (relative, absolute, realtime),
// stdout/stderr/file readiness, and stdin as an idle pipe, a pipe with data,
// and at EOF (wasi-testsuite poll_oneoff_stdio; docs/WASI-CONFORMANCE.md §2.8).
import { describe, expect, it } from 'vitest';
import { expectAllOk, failures, prog, run, runWithOpenStdin, scratch } from './wasi-cli.js';

describe('poll_oneoff (poll)', () => {
  it('sleeps on relative and absolute clocks, earliest first, and rejects 0 subscriptions', () => {
    expectAllOk(run(prog('poll'), ['clocks']), 14);
  });

  it('reports regular files readable and writable at once', () => {
    const dir = scratch('poll');
    expectAllOk(run(prog('poll'), ['files'], { dirs: [`${dir}::scratch`] }), 4);
  });

  it('fires the clock when stdin is an open pipe with no data', async () => {
    const r = await runWithOpenStdin(prog('poll'), ['stdin-idle'], '', { timeout: 5000 });
    expect(failures(r)).toEqual([]);
    expect(r.stdout).toMatch(/^PASSED: 3 checks, 0 failed$/m);
  });

  it('exits when the guest exits, even though stdin is still an open pipe', async () => {
    const r = await runWithOpenStdin(prog('poll'), ['stdin-idle'], '', { timeout: 5000 });
    expect(r.signal, 'the CLI was still running 5 s after the guest finished').toBeNull();
    expect(r.status).toBe(0);
  });

  it('reports stdin readable when a pipe holds data', async () => {
    expectAllOk(await runWithOpenStdin(prog('poll'), ['stdin-data'], 'ping'), 3);
  });

  it('reports stdin readable at EOF', () => {
    expectAllOk(run(prog('poll'), ['stdin-eof'], { input: '' }), 3);
  });
});
