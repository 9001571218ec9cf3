// The Node host's compile thread (compile.ts, compile-worker.ts): a program in
// a blob of the store compiled off the caller's thread, as the kernel's
// module cache would compile it.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryBlob } from '../../../test/support/tarball.js';
import { program, root } from '../../../test/support/kernel.js';
import type { BlobFile } from '../../fs/blobfile.js';
import { importProblems, memoryTypeOf, ModuleCache } from '../../proc/modules.js';
import { DirBlobStore } from './blobstore.js';
import { CompileThread } from './compile.js';

const worker = new URL(`file://${root}/dist/compile-worker.js`);
const name = (s: string): number[] => [s.length, ...Buffer.from(s)];
const section = (id: number, body: number[]): number[] => [id, body.length, ...body];

/** A command that imports tabkernel.fork and was not built with asyncify: the kernel's to transform. */
const FORKING = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, [2, 0x60, 3, 0x7f, 0x7f, 0x7f, 1, 0x7f, 0x60, 0, 0]),
  ...section(2, [1, ...name('tabkernel'), ...name('fork'), 0x00, 0]),
  ...section(3, [1, 1]),
  ...section(5, [1, 0x00, 1]),
  ...section(7, [2, ...name('memory'), 0x02, 0, ...name('_start'), 0x00, 1]),
  ...section(10, [1, 2, 0, 0x0b]),
]);

describe('the compile thread', () => {
  let dir: string;
  let blob: BlobFile;
  const hello = program('stdio');
  const at = 1000;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-compile-'));
    const store = await DirBlobStore.open(dir);
    const bytes = new Uint8Array(at + hello.length + FORKING.length + 500).fill(0xee);
    bytes.set(hello, at);
    bytes.set(FORKING, at + hello.length);
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const w = await store.create(digest);
    await w.write(bytes);
    await w.commit();
    blob = (await store.file(digest))!;
  });
  afterAll(() => {
    blob.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('compiles a program where it lies in a stored blob, as the module cache would', async () => {
    const thread = new CompileThread(worker);
    const c = await thread.compile({ blob, at, size: hello.length });
    // As the kernel's cache adopts it: the memory it supplies, and no problems.
    const m = await new ModuleCache().adopt('test', Promise.resolve(c));
    expect(m).toBe(c.module);
    expect(memoryTypeOf(m)).toEqual(c.memory);
    expect(c.memory).toBeDefined();
    expect(importProblems(m)).toEqual([]);
    expect(c.face?.exports.map((e) => e.name)).toContain('_start');
    // And it runs: the module is the program's.
    expect(WebAssembly.Module.imports(m).some((i) => i.name === 'fd_write')).toBe(true);
  });

  it('refuses a program that forks, a range past the blob\'s end and a blob not of the host\'s store', async () => {
    const thread = new CompileThread(worker);
    await expect(thread.compile({ blob, at: at + hello.length, size: FORKING.length })).rejects.toThrow(/forks/);
    await expect(thread.compile({ blob, at: blob.size - 10, size: 100 })).rejects.toThrow(/ends at byte/);
    await expect(thread.compile({ blob: memoryBlob(hello), at: 0, size: hello.length })).rejects.toThrow(/not a blob/);
    // And goes on compiling after them.
    await expect(thread.compile({ blob, at, size: hello.length })).resolves.toHaveProperty('module');
  });
});
