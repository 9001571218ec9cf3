// Syscall ABI fuzzing (issue 17): fast-check makes scripts of calls to every
// import of wasi_snapshot_preview1 and tabkernel with hostile arguments
// (test/integration/fuzz-abi.ts), the driver test/programs/bin/fuzz.wasm makes
// them in a kernel on this thread, and the property is that the kernel
// survives them: every call returns an errno, the driver reaches its end, the
// kernel logs no bug and writes nothing to stderr, nothing hangs, and a second
// program then runs correctly in the same kernel.
//
// npm test runs a seeded, bounded search; `npm run fuzz` a long one
// (FUZZ_RUNS runs of up to FUZZ_CALLS calls; FUZZ_SEED and FUZZ_PATH, as a
// failure prints them, replay it).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tabkernelImportNames, wasiImportNames } from '../../kernel/abi/imports.js';
import { MemFile } from '../../kernel/fs/memfs.js';
import type { RunRequest } from '../../kernel/abi/messages.js';
import { captureKernel, program } from '../support/kernel.js';
import { ENDINGS, encode, formatCall, type Script, scripts, signatureOf, table } from './fuzz-abi.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 250);
const MAX_CALLS = Number(process.env.FUZZ_CALLS ?? 30);
const SEED = Number(process.env.FUZZ_SEED ?? 17);
const LONG = process.env.FUZZ_RUNS !== undefined;

const WASI_ERRNO_MAX = 76; // NOTCAPABLE
const EINTR = 27;
const SIGKILL = 9;
/** How a program ends that jumps with no setjmp to land on (runtime/start.ts, runtime/sjlj.ts). */
const TRAP_STATUS = 134;
const STRAY_JUMP = 'longjmp with no setjmp of a running function to land on';

/** What a call must return beyond "an errno", where the ABI says exactly. */
const exactly: Record<string, number> = { sigsuspend: EINTR, sched_yield: 0 };

const wasm = program('fuzz');
const k = captureKernel();
const enc = new TextEncoder();
const ids = new Map<string, number>();
let runs = 0;
let callsMade = 0;
/** Calls made, by import. */
const byImport = new Map<string, number>();
/** Calls that succeeded, by import. */
const okByImport = new Map<string, number>();

// Host directory mounted at /h for scripts whose scratch directory is on the
// host: two levels down in a directory of its own, so that even an escape
// through the generated "../.." would stay in it.
const hostTop = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-fuzz-'));
const hostDir = path.join(hostTop, 'a', 'b');
fs.mkdirSync(hostDir, { recursive: true });

// Every boot.run mounts its --dir directories and the root image again, and
// each mount holds a host directory fd that is never closed (reported with
// the fuzzer's findings): mount /h once, with the first run; it stays in the tree.
let mounted = false;

function request(argv: string[], cwd = '/tmp'): RunRequest {
  const mounts = mounted ? [] : [{ host: hostDir, guest: '/h' }];
  mounted = true;
  return { type: 'run', wasm, argv, env: [], cwd, mounts };
}

/** Run a request to its end; null when it has not ended within `ms`. */
async function runFor(req: RunRequest, ms: number): Promise<{ status: number; error?: string; out: string; err: string } | null> {
  const out0 = k.stdout().length;
  const err0 = k.stderr().length;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), ms); });
  const exit = await Promise.race([k.kernel.boot.run(req), hang]);
  clearTimeout(timer);
  // Boot.whenEnded (kernel/boot.ts) wraps lifecycle.onExit in a new hook for
  // every run and never unwraps it, keeping every first process (its 256 KiB
  // syscall page and all) alive: a long run grew by 0.5 MiB a script. Runs
  // here are one at a time, so the chain can be cut after each.
  k.kernel.lifecycle.onExit = null;
  if (!exit) {
    // Leave no hung process behind for the next script (or the shrinker).
    for (const p of k.kernel.procs.all()) k.kernel.lifecycle.terminate(p, SIGKILL);
    return null;
  }
  return { status: exit.status, error: exit.error, out: k.stdout().slice(out0), err: k.stderr().slice(err0) };
}

/** One script in the shared kernel: a description of what went wrong, or null. */
async function check(script: Script): Promise<string | null> {
  const n = ++runs;
  const tmp = k.kernel.vfs.tmp.root;
  tmp.add(`fz${n}.script`, new MemFile(k.kernel.vfs.tmp, enc.encode(encode(script, ids))));
  const logged: string[] = [];
  const log = (...a: unknown[]) => { logged.push(a.map(String).join(' ')); };
  const spies = [vi.spyOn(console, 'error').mockImplementation(log), vi.spyOn(console, 'warn').mockImplementation(log)];
  // Node's own complaints about what the kernel asked of it (TimeoutOverflowWarning).
  const warned = (w: Error) => log(`${w.name}: ${w.message}`);
  process.on('warning', warned);
  try {
    // A call that blocks is ended by the driver's alarm(1): allow for every call doing so.
    const dir = `${script.onHost ? '/h' : '/tmp'}/fz${n}`;
    const r = await runFor(request(['fuzz', dir, `/tmp/fz${n}.script`]), 15_000 + 1_500 * script.calls.length);
    if (!r) return 'the driver did not finish (hang)';
    if (logged.length) return `the kernel logged: ${logged.join('\n')}`;
    const last = script.calls.at(-1);
    const jumps = last?.name === 'longjmp';
    if (r.err && !(jumps && r.err.includes(STRAY_JUMP))) return `stderr: ${r.err}`;
    const lines = r.out.split('\n').filter((l) => l !== '');
    const exits = last !== undefined && ENDINGS.includes(last.name);
    const made = exits ? script.calls.length - 1 : script.calls.length;
    if (lines.at(-1) !== `end ${made}`) {
      return `the driver did not reach its end (status ${r.status}${r.error ? `, ${r.error}` : ''}); output:\n${lines.slice(-5).join('\n')}`;
    }
    for (let i = 0; i < made; i++) {
      const m = /^r (-?\d+)$/.exec(lines[i] ?? '');
      const c = script.calls[i];
      if (!m) return `call ${i} ${formatCall(c)}: no result line (${lines[i]})`;
      const e = Number(m[1]);
      if (!(e >= 0 && e <= WASI_ERRNO_MAX)) return `call ${i} ${formatCall(c)} returned ${e}, not an errno`;
      if (e === 0) okByImport.set(c.name, (okByImport.get(c.name) ?? 0) + 1);
      if (c.name in exactly && e !== exactly[c.name]) return `call ${i} ${formatCall(c)} returned ${e}, not ${exactly[c.name]}`;
    }
    callsMade += made;
    for (const c of script.calls.slice(0, made)) byImport.set(c.name, (byImport.get(c.name) ?? 0) + 1);
    const want = jumps ? TRAP_STATUS : exits ? Number(BigInt.asUintN(8, (last.args[0].val as { v: bigint }).v)) : 0;
    if (r.status !== want) return `the driver exited with ${r.status}, not ${want}${r.error ? ` (${r.error})` : ''}`;
    // A second program in the same kernel.
    const sh = await runFor({ ...request(['sh', '-c', 'echo ok'], '/'), wasm: undefined }, 20_000);
    if (!sh || sh.status !== 0 || sh.out !== 'ok\n' || sh.err) return `a second program failed afterwards: ${JSON.stringify(sh)}`;
    // Fork children _exit at once, but may not have had a core yet.
    for (let i = 0; i < 500 && k.kernel.processCount !== 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    if (k.kernel.processCount !== 0) return `${k.kernel.processCount} processes left behind: ${k.kernel.describe()}`;
    return null;
  } finally {
    for (const s of spies) s.mockRestore();
    process.off('warning', warned);
  }
}

describe('syscall ABI fuzzing (fuzz.wasm)', () => {
  beforeAll(async () => {
    const r = await runFor(request(['fuzz', '--list'], '/'), 20_000);
    if (!r) throw new Error('fuzz --list did not finish');
    for (const line of r.out.trim().split('\n')) {
      const [id, name] = line.split(' ');
      ids.set(name, Number(id));
    }
  });

  afterAll(() => {
    fs.rmSync(hostTop, { recursive: true, force: true });
    const mb = (n: number) => `${Math.round(n / 2 ** 20)} MiB`;
    const m = process.memoryUsage();
    let fds = '?';
    try { fds = String(fs.readdirSync('/proc/self/fd').length); } catch { /* not Linux */ }
    console.log(`fuzz: ${runs} scripts, ${callsMade} calls of ${byImport.size} imports (rss ${mb(m.rss)}, heap ${mb(m.heapUsed)}, ${fds} fds open)`);
    if (LONG) console.log([...byImport].sort((x, y) => y[1] - x[1]).map(([n, c]) => `${n} ${okByImport.get(n) ?? 0}/${c}`).join(', '));
  });

  it('has every import of both modules in its table, with the signature the generator makes', async () => {
    const all = [...wasiImportNames, ...tabkernelImportNames].sort();
    expect(Object.keys(table).sort()).toEqual(all);
    expect([...ids.keys()].sort()).toEqual(all);
    const list = (await runFor(request(['fuzz', '--list'], '/'), 20_000))!.out;
    const sample = fc.sample(fc.tuple(...all.map((n) => table[n])), { numRuns: 1, seed: 1 })[0];
    const sigs = Object.fromEntries(list.trim().split('\n').map((l) => l.split(' ').slice(1)).map(([n, s]) => [n, s ?? '']));
    all.forEach((n, i) => expect(`${n} ${signatureOf(sample[i])}`).toBe(`${n} ${sigs[n]}`));
    const imported = WebAssembly.Module.imports(new WebAssembly.Module(new Uint8Array(wasm))).map((i) => `${i.module}.${i.name}`);
    for (const n of wasiImportNames) expect(imported).toContain(`wasi_snapshot_preview1.${n}`);
    for (const n of tabkernelImportNames) expect(imported).toContain(`tabkernel.${n}`);
  });

  it('survives generated calls: errnos only, the driver reaches its end, the kernel lives on', async () => {
    await fc.assert(fc.asyncProperty(scripts(MAX_CALLS), async (s) => {
      const why = await check(s);
      if (why) throw new Error(why);
    }), { seed: SEED, numRuns: RUNS, path: process.env.FUZZ_PATH });
    expect(runs).toBeGreaterThan(0);
  }, LONG ? 24 * 3600_000 : 300_000);
});
