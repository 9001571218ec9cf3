// The host's output through the CLI with a slow reader: the kernel thread
// queues what the processes write to the host's stdout and never waits for
// the reader (kernel/host/node/output.ts), so a full stdout pipe holds up only
// the processes writing to it — another process's stderr still gets out — and
// every byte reaches the reader in order once it reads.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './wasi-cli.js';

const cli = path.join(root, 'bin/tabkernel.js');
/** More than a pipe and the host's queue hold together, so `seq` must wait for the reader. */
const COUNT = 1_000_000;

/** Resolve once `pred` holds for the text read so far; reject after `ms` (this is a deadline, not a measurement). */
function until(text: () => string, pred: (s: string) => boolean, ms: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not arrive within ${ms} ms; got ${JSON.stringify(text().slice(0, 200))}`)), ms);
    const poll = setInterval(() => {
      if (!pred(text())) return;
      clearTimeout(timer);
      clearInterval(poll);
      resolve();
    }, 20);
  });
}

describe('host output', () => {
  it('lets a process write to stderr while nobody reads a full stdout, and delivers all of stdout in order later', async () => {
    const script = `seq 1 ${COUNT} & sleep 1; echo tick >&2; wait`;
    const child = spawn(process.execPath, [cli, 'run', 'sh', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => (stderr += d));
    // stdout stays paused: once Node's buffer and the pipe are full, seq waits on the host.
    try {
      await until(() => stderr, (s) => s.includes('tick'), 20_000, '"tick" on stderr');
    } catch (e) {
      child.kill();
      throw e;
    }
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    expect(await exited).toBe(0);
    const expected = Array.from({ length: COUNT }, (_, i) => `${i + 1}\n`).join('');
    const stdout = Buffer.concat(chunks).toString('utf8');
    expect(stdout.length).toBe(expected.length);
    expect(stdout === expected).toBe(true);
    expect(stderr).toBe('tick\n');
  }, 60_000);
});

describe('the kernel log (TABKERNEL_TRACE)', () => {
  it('goes to stderr through the queued stream, in order with the program\'s own stderr', async () => {
    const { run } = await import('./wasi-cli.js');
    const r = run('sh', ['-c', 'echo out; echo err >&2'], { hostEnv: { ...process.env, TABKERNEL_TRACE: '1' } });
    expect(r.stdout).toBe('out\n');
    const lines = r.stderr.split('\n');
    // The builtin echo writes to its fd 1, dup'ed from 2; the call is logged once it is answered.
    const err = lines.indexOf('err');
    expect(err).toBeGreaterThan(0);
    expect(lines[err + 1]).toMatch(/^pid \d+ fd_write\(1, <4 bytes>\) = 0$/);
    expect(lines.filter((l) => l.startsWith('pid ')).length).toBeGreaterThan(3);
  });
});

describe('TABKERNEL_TRACE inside the process', () => {
  it('also shows the calls the runtime answered without the kernel, marked as such', async () => {
    const { prog, run } = await import('./wasi-cli.js');
    const r = run(prog('clock_random_args'), ['a', 'b'], { hostEnv: { ...process.env, TABKERNEL_TRACE: '1' } });
    expect(r.stdout).toMatch(/^ok args\.sizes$/m);
    const inProcess = r.stderr.split('\n').filter((l) => l.endsWith(' (in process)'));
    // Arguments, clocks and random bytes never reach the kernel: only this trace shows them.
    expect(inProcess.some((l) => /^pid \d+ args_sizes_get\(\d+, \d+\) = 0 \(in process\)$/.test(l))).toBe(true);
    expect(inProcess.some((l) => /^pid \d+ clock_time_get\(/.test(l))).toBe(true);
    expect(inProcess.some((l) => /^pid \d+ random_get\(/.test(l))).toBe(true);
    // A call the kernel answered is traced there, once, not here as well.
    expect(inProcess.some((l) => / fd_write\(| proc_exit\(/.test(l))).toBe(false);
    expect(r.stderr).toMatch(/^pid \d+ fd_write\(1, <\d+ bytes>\) = 0$/m);
  });
});
