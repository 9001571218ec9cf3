// The CLI's first process in the CLI's own thread (kernel/host/node/inline.ts):
// a plain WASI program runs with no worker, its calls served as it makes
// them (kernel.ts serveInline). What it must keep from a run in a worker:
// input read as it comes, output written as it goes, waits that end at
// their deadline, SIGPIPE, the host's signals, and every result the same.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { prog } from './wasi-cli.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'bin/tabkernel.js');
const INLINE_LINE = "runs in the kernel's thread";

/** The environment of a run in a worker (TABKERNEL_WORKER) or inline. */
function envFor(worker: boolean, more: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...more };
  if (worker) env.TABKERNEL_WORKER = '1';
  else delete env.TABKERNEL_WORKER;
  return env;
}

function runSync(args: string[], o: { worker?: boolean; input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}) {
  return spawnSync(process.execPath, [cli, 'run', ...args], { input: o.input ?? '', env: envFor(o.worker ?? false, o.env), timeout: 30_000, maxBuffer: 64 << 20 });
}

describe('the first process in the CLI thread', () => {
  it('is a plain WASI program; a program of the libc extension, or any with TABKERNEL_WORKER, runs in a worker', () => {
    const trace = { TABKERNEL_TRACE: '1' };
    const plain = runSync([prog('stdio'), 'stderr'], { env: trace });
    expect(plain.status).toBe(0);
    expect(plain.stderr.toString()).toContain(INLINE_LINE);
    const forced = runSync([prog('stdio'), 'stderr'], { env: trace, worker: true });
    expect(forced.status).toBe(0);
    expect(forced.stderr.toString()).not.toContain(INLINE_LINE);
    // The root image's programs import the `tabkernel` module: they could fork.
    const ext = runSync([path.join(root, 'userland/rootfs/bin/true')], { env: trace });
    expect(ext.status).toBe(0);
    expect(ext.stderr.toString()).not.toContain(INLINE_LINE);
  });

  it('reads standard input as it comes and writes its output as it goes', async () => {
    const child = spawn(process.execPath, [cli, 'run', prog('stdio'), 'cat'], { env: envFor(false), stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    const seen = (text: string): Promise<void> => new Promise((resolve) => {
      const check = (): void => {
        if (out.includes(text)) resolve();
        else child.stdout.once('data', check);
      };
      check();
    });
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stdin.write('first\n');
    // The first line comes back while stdin is still open: nothing waits for its end.
    await seen('first\n');
    child.stdin.write('second\n');
    await seen('second\n');
    child.stdin.end();
    const status = await new Promise<number | null>((resolve) => child.on('close', (s) => resolve(s)));
    expect(out).toBe('first\nsecond\n');
    expect(status).toBe(0);
  }, 30_000);

  it('copies 5 MB of input byte for byte', () => {
    const input = Buffer.alloc(5 << 20);
    for (let i = 0; i < input.length; i++) input[i] = (i * 2654435761) >>> 24;
    const r = runSync([prog('stdio'), 'cat'], { input });
    expect(r.status).toBe(0);
    expect(Buffer.compare(r.stdout, input)).toBe(0);
  });

  it('ends by SIGPIPE (status 141) when its output pipe closes, as in a worker', () => {
    for (const worker of [false, true]) {
      const status = spawnSync('bash', ['-c', `head -c 5000000 /dev/zero | "${process.execPath}" "${cli}" run "${prog('stdio')}" cat | head -c 10 >/dev/null; echo \${PIPESTATUS[1]}`], { env: envFor(worker), timeout: 30_000 });
      expect(status.stdout.toString().trim(), worker ? 'in a worker' : 'inline').toBe('141');
    }
  });

  it('is ended by a signal from the host while it runs without a call', async () => {
    for (const worker of [false, true]) {
      const child = spawn(process.execPath, [cli, 'run', prog('spin')], { env: envFor(worker), stdio: 'ignore' });
      setTimeout(() => child.kill('SIGTERM'), 500);
      const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_s, sig) => resolve(sig)));
      expect(signal, worker ? 'in a worker' : 'inline').toBe('SIGTERM');
    }
  }, 30_000);

  it('a poll with a timeout on an idle stdin pipe ends at its deadline, and at once when input comes', async () => {
    // poll.wasm stdin-idle: the clock (100 ms) must fire though stdin stays open and empty.
    const idle = spawn(process.execPath, [cli, 'run', prog('poll'), 'stdin-idle'], { env: envFor(false), stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    idle.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    const status = await new Promise<number | null>((resolve) => idle.on('close', (s) => resolve(s)));
    idle.stdin.destroy();
    expect(out).toMatch(/^PASSED: 3 checks, 0 failed$/m);
    expect(status).toBe(0);
    const data = spawn(process.execPath, [cli, 'run', prog('poll'), 'stdin-data'], { env: envFor(false), stdio: ['pipe', 'pipe', 'pipe'] });
    let out2 = '';
    data.stdout.on('data', (d: Buffer) => { out2 += d.toString(); });
    data.stdin.write('ping');
    const status2 = await new Promise<number | null>((resolve) => data.on('close', (s) => resolve(s)));
    data.stdin.destroy();
    expect(out2).toMatch(/^PASSED: 3 checks, 0 failed$/m);
    expect(status2).toBe(0);
  }, 30_000);

  it('gives what a run in a worker gives: statuses, output, traps', () => {
    const cases: string[][] = [
      [prog('proc'), 'exit', '7'], [prog('proc'), 'return', '5'], [prog('proc'), 'atexit'], [prog('proc'), 'buffered'], [prog('proc'), 'raise'],
      [prog('trap'), 'unreachable'], [prog('trap'), 'divide'], [prog('trap'), 'oob'], [prog('trap'), 'stack'],
      [prog('poll'), 'clocks'], [prog('stdio'), 'checks'], [prog('efault')],
    ];
    for (const args of cases) {
      const input = args[1] === 'checks' ? 'input-line\n' : '';
      const inline = runSync(args, { input });
      const worker = runSync(args, { input, worker: true });
      const name = args.map((a) => path.basename(a)).join(' ');
      expect(inline.status, name).toBe(worker.status);
      expect(inline.stderr.toString(), name).toBe(worker.stderr.toString());
      // Clocks and random bytes differ from run to run; the checks they pass do not.
      expect(inline.stdout.toString().replace(/=\S+/g, ''), name).toBe(worker.stdout.toString().replace(/=\S+/g, ''));
    }
  }, 120_000);

  describe('on a terminal (script(1) gives it one)', () => {
    /** `tabkernel run ARGS` on a new terminal, `keys` typed after `delayMs`; what the terminal showed, and the status. */
    function onTerminal(args: string[], keys: string, delayMs = 1500): { shown: string; status: number | null } {
      const cmd = ['exec', JSON.stringify(process.execPath), JSON.stringify(cli), 'run', ...args.map((a) => JSON.stringify(a))].join(' ');
      const feed = `sleep ${delayMs / 1000}; printf '${keys}'; sleep 1`;
      const r = spawnSync('sh', ['-c', `(${feed}) | script -qfec '${cmd.replace(/'/g, "'\\''")}' /dev/null`], { env: envFor(false), timeout: 30_000 });
      return { shown: r.stdout.toString().replace(/\r/g, ''), status: r.status };
    }

    it('reads a typed line, and ends at Ctrl-D', () => {
      const r = onTerminal([prog('stdio'), 'cat'], 'typed line\\n\\004');
      // The terminal echoes the line, then the program writes it back.
      expect(r.shown).toBe('typed line\ntyped line\n');
      expect(r.status).toBe(0);
    });

    it('sees a terminal, and a poll with a timeout ends at its deadline though nothing is typed', () => {
      const tty = onTerminal([prog('stdio'), 'tty'], '', 0);
      expect(tty.shown).toMatch(/^PASSED: 12 checks, 0 failed$/m);
      const idle = onTerminal([prog('poll'), 'stdin-idle'], '', 0);
      expect(idle.shown).toMatch(/^PASSED: 3 checks, 0 failed$/m);
      expect(idle.status).toBe(0);
    });

    it('is ended by Ctrl-C, in a read and in a loop without calls', () => {
      expect(onTerminal([prog('stdio'), 'cat'], '\\003').status).toBe(130);
      expect(onTerminal([prog('spin')], '\\003').status).toBe(130);
    });
  });
});
