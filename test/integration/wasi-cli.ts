// Helpers for the wasi-*.test.ts integration tests: run a C test program from
// test/programs/bin through the real CLI (`node bin/tabkernel.js run ...`),
// the way the WASI conformance suite's adapter runs wasmtime, and read the
// "ok NAME" / "FAIL NAME: why" lines the programs print (test/programs/tk_test.h).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';

export const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'bin/tabkernel.js');

/** Path of a built test program. */
export function prog(name: string): string {
  return path.join(root, 'test/programs/bin', `${name}.wasm`);
}

/** A fresh, empty host directory for one test. */
export function scratch(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `tk-wasi-${tag}-`));
}

export interface RunOptions {
  dirs?: string[];            // each `HOST[::GUEST]`, in preopen order
  env?: string[];             // each `K=V`
  cwd?: string;               // --cwd
  input?: string | Buffer;    // stdin contents (then EOF); default: empty
  hostEnv?: NodeJS.ProcessEnv;
  timeout?: number;
  flags?: string[];           // more CLI flags before the program (--memory 64M)
}

export interface RunResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
}

function cliArgs(wasm: string, args: string[], o: RunOptions): string[] {
  const a = [cli, 'run'];
  for (const d of o.dirs ?? []) a.push('--dir', d);
  for (const e of o.env ?? []) a.push('--env', e);
  if (o.cwd !== undefined) a.push('--cwd', o.cwd);
  a.push(...(o.flags ?? []));
  return [...a, wasm, ...args];
}

/** `tabkernel run` to completion, stdin fed from `input` then closed. */
export function run(wasm: string, args: string[] = [], o: RunOptions = {}): RunResult {
  const r = spawnSync(process.execPath, cliArgs(wasm, args, o), {
    input: o.input ?? '',
    env: o.hostEnv ?? process.env,
    timeout: o.timeout ?? 20_000,
    maxBuffer: 64 << 20,
  });
  return {
    status: r.status,
    signal: r.signal,
    stdout: r.stdout.toString('utf8'),
    stderr: r.stderr.toString('utf8'),
    stdoutBytes: r.stdout,
  };
}

/**
 * `tabkernel run` with stdin an open pipe: `feed` (if any) is written first,
 * and stdin is closed only after the process has exited (like the
 * conformance runner's Popen(stdin=PIPE)).
 */
export function runWithOpenStdin(wasm: string, args: string[], feed = '', o: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, cliArgs(wasm, args, o), { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.stdin.on('error', () => {});
    if (feed) child.stdin.write(feed);
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeout ?? 20_000);
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      child.stdin.destroy();
      const stdoutBytes = Buffer.concat(out);
      resolve({ status, signal, stdout: stdoutBytes.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), stdoutBytes });
    });
  });
}

/** The FAIL lines of a program's output. */
export function failures(r: RunResult): string[] {
  return r.stdout.split('\n').filter((l) => l.startsWith('FAIL'));
}

/** The names of the checks that passed. */
export function passed(r: RunResult): Set<string> {
  return new Set(r.stdout.split('\n').filter((l) => l.startsWith('ok ')).map((l) => l.slice(3)));
}

/**
 * Every check passed and the program said so. Failure messages list the
 * FAIL lines (with the expected/actual errno) and stderr.
 */
export function expectAllOk(r: RunResult, minChecks = 1): void {
  expect(failures(r), `stderr:\n${r.stderr}`).toEqual([]);
  expect(r.stdout, `stderr:\n${r.stderr}`).toMatch(/^PASSED: \d+ checks, 0 failed$/m);
  expect(passed(r).size).toBeGreaterThanOrEqual(minChecks);
  expect(r.status).toBe(0);
}
