// Standard streams through the CLI: stdio passes straight through (byte-exact,
// binary-safe), pipes are not ttys, and stdio refuses seeking.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectAllOk, prog, root, run } from './wasi-cli.js';

const haveScript = spawnSync('script', ['--version']).status === 0;

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

describe.skipIf(!haveScript)('stdio on a terminal (via util-linux script)', () => {
  it('presents a terminal as a character device that isatty() accepts and that cannot seek', () => {
    const cmd = `${process.execPath} ${path.join(root, 'bin/tabkernel.js')} run ${prog('stdio')} tty`;
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', timeout: 20_000 });
    const lines = r.stdout.split(/\r?\n/);
    expect(lines.filter((l) => l.startsWith('FAIL'))).toEqual([]);
    expect(lines).toContain('PASSED: 12 checks, 0 failed');
    expect(r.status).toBe(0);
  });
});
