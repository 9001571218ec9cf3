// The kernel with real process workers: life cycle, stdio, many processes,
// bad pointers, traps and unknown imports.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemDir } from '../../kernel/fs/memfs.js';
import type { Process } from '../../kernel/proc/process.js';
import { captureKernel, program, wasmFromBase64 } from '../support/kernel.js';

/** fd_write with an iovec array, an iovec buffer and a result pointer out of bounds; exits 42 when all three are EFAULT. */
const EFAULT_WASM = 'AGFzbQEAAAABEANgBH9/f38Bf2ABfwBgAAACRgIWd2FzaV9zbmFwc2hvdF9wcmV2aWV3MQhmZF93cml0ZQAAFndhc2lfc25hcHNob3RfcHJldmlldzEJcHJvY19leGl0AAEDAgECBQMBAAEHEwIGbWVtb3J5AgAGX3N0YXJ0AAIKRgFEAEEBQfz/A0EBQRAQAEEVRwRAQQEQAQtBAUEAQQFBEBAAQRVHBEBBAhABC0EBQQBBAEF8EABBFUcEQEEDEAELQSoQAQsLDgEAQQALCPD/AABkAAAA';
/** Imports env::frobnicate. */
const UNKNOWN_IMPORT_WASM = 'AGFzbQEAAAABBAFgAAACEgEDZW52CmZyb2JuaWNhdGUAAAMCAQAFAwEAAQcTAgZtZW1vcnkCAAZfc3RhcnQAAQoGAQQAEAAL';

function exited(kernel: ReturnType<typeof captureKernel>['kernel'], p: Process): Promise<number> {
  return new Promise((resolve) => {
    const prev = kernel.lifecycle.onExit;
    kernel.lifecycle.onExit = (q, e) => {
      prev?.(q, e);
      if (q === p) resolve(q.status);
    };
  });
}

describe('kernel', () => {
  it('takes its exit hook out again after each first process, so programs run one after another leave nothing hooked', async () => {
    const { kernel } = captureKernel();
    const req = { type: 'run' as const, wasm: program('procs'), argv: ['procs', '3'], env: [], cwd: '/', mounts: [] };
    for (let i = 0; i < 3; i++) {
      const notice = await kernel.boot.run(req);
      expect(notice.status).toBe(3);
      expect(kernel.lifecycle.onExit).toBeNull();
    }
  });

  it('runs a program with arguments and stdin, and reports its exit status', async () => {
    const { kernel, stdout } = captureKernel('piped input\n');
    const scratch = new MemDir(kernel.vfs.mem, null);
    const p = await kernel.boot.spawn0(program('procs'), ['procs', '7', 'f1'], [], [['scratch', scratch]]);
    expect(typeof p).not.toBe('string');
    const status = await exited(kernel, p as Process);
    expect(status).toBe(7);
    expect(stdout()).toBe('arg1=7\narg2=f1\npiped input\n');
    expect(scratch.list().map(([n]) => n)).toEqual(['f1']);
  });

  it('runs 24 processes at once and leaves none behind', async () => {
    const { kernel, stdout } = captureKernel();
    const scratch = new MemDir(kernel.vfs.mem, null);
    const procs = await Promise.all(
      Array.from({ length: 24 }, (_, i) => kernel.boot.spawn0(program('procs'), ['procs', String(i), `file${i}`], [], [['scratch', scratch]])),
    );
    const statuses = await Promise.all(procs.map((p) => exited(kernel, p as Process)));
    expect(statuses).toEqual(Array.from({ length: 24 }, (_, i) => i));
    expect(scratch.list().length).toBe(24);
    expect(stdout().split('\n').filter((l) => l.startsWith('arg2=')).length).toBe(24);
    expect(kernel.processCount).toBe(0);
  });

  it('answers out-of-bounds pointers with EFAULT instead of failing', async () => {
    const { kernel } = captureKernel();
    const p = await kernel.boot.spawn0(wasmFromBase64(EFAULT_WASM), ['efault'], [], []);
    expect(await exited(kernel, p as Process)).toBe(42);
  });

  it('mounts the root image and a host directory once for many runs: no host fd left per run', async () => {
    const { kernel } = captureKernel();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-runs-'));
    const fds = () => fs.readdirSync('/proc/self/fd').length;
    const runOnce = () => kernel.boot.run({ type: 'run', argv: ['true'], env: [], cwd: '/', mounts: [{ host: dir, guest: '/data' }] });
    expect((await runOnce()).status).toBe(0);
    const before = fds();
    for (let i = 0; i < 30; i++) expect((await runOnce()).status).toBe(0);
    expect(fds() - before).toBeLessThan(10);
    fs.rmSync(dir, { recursive: true });
  });

  it('refuses to start a program whose imports it cannot satisfy, naming them', async () => {
    const { kernel } = captureKernel();
    const r = await kernel.boot.spawn0(wasmFromBase64(UNKNOWN_IMPORT_WASM), ['u'], [], []);
    expect(r).toMatch(/unknown import: env::frobnicate/);
  });

  it('refuses bytes that are not WebAssembly with a clear message', async () => {
    const { kernel } = captureKernel();
    const r = await kernel.boot.spawn0(new TextEncoder().encode('#!/bin/sh\n'), ['x'], [], []);
    expect(r).toMatch(/not a valid WebAssembly module/);
  });
});
