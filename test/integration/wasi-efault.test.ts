// Out-of-bounds pointers and lengths: every call fails with EFAULT and the
// process keeps running (DESIGN.md §2; wasmtime traps instead, and the
// conformance suite does not test this).
import { describe, it } from 'vitest';
import { expectAllOk, prog, run, scratch } from './wasi-cli.js';

describe('EFAULT (efault)', () => {
  it('answers EFAULT for bad pointers in non-path calls, and survives', () => {
    expectAllOk(run(prog('efault'), [], { input: '' }), 20);
  });

  it('answers EFAULT for bad pointers in path calls too', () => {
    const dir = scratch('efault');
    expectAllOk(run(prog('efault'), ['scratch'], { dirs: [`${dir}::scratch`], input: '' }), 30);
  });
});
