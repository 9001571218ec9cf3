// Pipe traffic through the runtime's fast path (kernel/runtime/pipes.ts):
// writes larger than the ring and writevs of several iovecs keep every byte
// in order, small writevs stay atomic (test/programs/posix/pipes.c), and
// stdio's 64 KiB writes (two iovecs each) carry a long pipeline's output intact.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './wasi-cli.js';
import { root } from '../support/kernel.js';

describe('pipes', () => {
  it('passes the C checks of large and gathered writes', () => {
    const r = run(path.join(root, 'test/programs/bin/pipes.wasm'), [], { timeout: 60_000 });
    expect(r.stdout.split('\n').filter((l) => l.startsWith('FAIL'))).toEqual([]);
    expect(r.stdout).toContain('PASSED: 5 checks, 0 failed');
    expect(r.status).toBe(0);
  });

  it('carries seq | grep | cat output byte for byte', () => {
    const lines = Array.from({ length: 300000 }, (_, i) => `${i + 1}\n`);
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    const r = run('sh', ['-c', 'seq 1 300000 | cat | sha256sum; seq 1 300000 | grep 7 | cat | sha256sum'], { timeout: 60_000 });
    expect(r.stdout).toBe(`${sha(lines.join(''))}  -\n${sha(lines.filter((l) => l.includes('7')).join(''))}  -\n`);
    expect(r.status).toBe(0);
  });
});
