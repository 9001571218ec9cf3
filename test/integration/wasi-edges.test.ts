// Boundary cases for the syscall path: I/O larger than any copy window,
// buffers in pages added by memory.grow, invalid UTF-8 paths (wasmtime:
// EILSEQ), long names cut by fd_readdir, and long symlink chains.
import { describe, expect, it } from 'vitest';
import { expectAllOk, passed, prog, run, scratch } from './wasi-cli.js';

describe('syscall boundaries (edges)', () => {
  it('passes every boundary check', () => {
    const dir = scratch('edges');
    expectAllOk(run(prog('edges'), ['x'], { dirs: [`${dir}::x`] }), 18);
  });

  it('moves 6 MiB through one write and one pread call, looping on short counts', () => {
    const dir = scratch('edges-big');
    const r = run(prog('edges'), ['x'], { dirs: [`${dir}::x`] });
    for (const name of ['big.write', 'big.pread', 'big.size']) expect(passed(r), name).toContain(name);
  });

  it('accepts pointers into memory added by memory.grow', () => {
    const dir = scratch('edges-grow');
    const r = run(prog('edges'), ['x'], { dirs: [`${dir}::x`] });
    for (const name of ['grow.write-from-new-pages', 'grow.pread-into-new-pages', 'grow.still-bounded']) {
      expect(passed(r), name).toContain(name);
    }
  });
});
