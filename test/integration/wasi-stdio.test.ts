// Standard streams through the CLI: stdio passes straight through (byte-exact,
// binary-safe), pipes are not ttys, and stdio refuses seeking.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { expectAllOk, prog, run } from './wasi-cli.js';

describe('stdio', () => {
  it('presents pipes as non-ttys that cannot seek, and reads stdin to EOF', () => {
    const r = run(prog('stdio'), ['checks'], { input: 'input-line\n' });
    expectAllOk(r, 30);
    expect(r.stderr).toBe('to-stderr\n');
  });

  it('copies 1 MiB of binary stdin to stdout unchanged', () => {
    const data = crypto.randomBytes(1 << 20);
    const r = run(prog('stdio'), ['cat'], { input: data });
    expect(r.status).toBe(0);
    expect(r.stdoutBytes.length).toBe(data.length);
    expect(r.stdoutBytes.equals(data)).toBe(true);
  });

  it('keeps stderr apart from stdout', () => {
    const r = run(prog('stdio'), ['stderr']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('to-stderr\n');
  });
});
