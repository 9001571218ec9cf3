// The wasi-testsuite's own call sequences, with the rights sets its Rust tests
// pass (often just FD_READ|FD_WRITE before seeking, truncating and setting
// flags): a kernel stricter about rights than wasmtime fails here first.
// Expectations: docs/WASI-CONFORMANCE.md §2.2.
import { describe, expect, it } from 'vitest';
import { expectAllOk, passed, prog, run, scratch } from './wasi-cli.js';

describe('wasi-testsuite call sequences (suite_flows)', () => {
  it('passes every flow with the suite\'s exact rights sets', () => {
    const dir = scratch('flows');
    expectAllOk(run(prog('suite_flows'), ['fs-tests.dir'], { dirs: [`${dir}::fs-tests.dir`] }), 50);
  });

  it('lets fds opened with only FD_READ|FD_WRITE seek, tell, truncate and set flags', () => {
    const dir = scratch('flows-minimal');
    const r = run(prog('suite_flows'), ['fs-tests.dir'], { dirs: [`${dir}::fs-tests.dir`] });
    for (const name of ['minimal.set_size', 'minimal.seek', 'minimal.tell', 'minimal.pwrite', 'minimal.pread', 'minimal.set_flags']) {
      expect(passed(r), name).toContain(name);
    }
  });

  it('exits cleanly: nothing on stderr', () => {
    const dir = scratch('flows-stderr');
    const r = run(prog('suite_flows'), ['fs-tests.dir'], { dirs: [`${dir}::fs-tests.dir`] });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
