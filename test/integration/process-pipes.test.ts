// Pipe traffic through the runtime's fast path (kernel/runtime/pipes.ts):
// writes larger than the ring and writevs of several iovecs keep every byte
// in order, small writevs stay atomic (test/programs/posix/pipes.c), and
// stdio's 64 KiB writes (two iovecs each) carry a long pipeline's output intact.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../support/kernel.js';

function tabkernel(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/tabkernel.js'), 'run', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('pipes', () => {
  it('passes the C checks of large and gathered writes', () => {
    const r = tabkernel([path.join(root, 'test/programs/bin/pipes.wasm')]);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('FAIL'))).toEqual([]);
    expect(r.stdout).toContain('PASSED: 5 checks, 0 failed');
    expect(r.status).toBe(0);
  });

  it('carries seq | grep | cat output byte for byte', () => {
    const lines = Array.from({ length: 300000 }, (_, i) => `${i + 1}\n`);
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    const r = tabkernel(['sh', '-c', 'seq 1 300000 | cat | sha256sum; seq 1 300000 | grep 7 | cat | sha256sum']);
    expect(r.stdout).toBe(`${sha(lines.join(''))}  -\n${sha(lines.filter((l) => l.includes('7')).join(''))}  -\n`);
    expect(r.status).toBe(0);
  });
});
