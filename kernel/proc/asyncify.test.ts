import binaryenModule from 'binaryen';
import { describe, expect, it, vi } from 'vitest';
import fs from 'node:fs';
import type { AsyncifiedStore } from '../hostapi.js';
import { asyncifyWith, type Binaryen, BINARYEN_VERSION, forkPlan } from './asyncify.js';
import { digest, ModuleCache } from './modules.js';

const binaryen = binaryenModule as unknown as Binaryen;

/** A module of WebAssembly text, as bytes. */
function wasm(text: string, features = binaryenModule.Features.MVP): Uint8Array {
  const m = binaryenModule.parseText(text);
  m.setFeatures(features);
  const bytes = m.emitBinary();
  m.dispose();
  return bytes;
}

/** A command whose _start stores what fork returns, plus one, at 0 (the store runs after the rewind). */
const forking = wasm(`(module
  (import "tabkernel" "fork" (func $fork (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (i32.store (i32.const 0) (i32.add (call $fork (i32.const 16) (i32.const 1024) (i32.const 8)) (i32.const 1)))))`);

/** The same, with a tag (exception handling: what clang's setjmp lowering defines). */
const tagged = wasm(`(module
  (import "tabkernel" "fork" (func $fork (param i32 i32 i32) (result i32)))
  (tag $longjmp (param i32))
  (memory (export "memory") 1)
  (func (export "_start") (drop (call $fork (i32.const 16) (i32.const 1024) (i32.const 8)))))`, binaryenModule.Features.All);

describe('asyncify for programs that fork (the loader\'s pass)', () => {
  it('asyncifies a program that imports fork without asyncify\'s exports, and only such a program', () => {
    expect(forkPlan(forking)).toBe('asyncify');
    const out = asyncifyWith(binaryen, forking);
    expect(forkPlan(out)).toBe('none');
    expect(WebAssembly.Module.exports(new WebAssembly.Module(out as Uint8Array<ArrayBuffer>)).map((e) => e.name))
      .toEqual(expect.arrayContaining(['asyncify_start_unwind', 'asyncify_stop_unwind', 'asyncify_start_rewind', 'asyncify_stop_rewind']));
    expect(forkPlan(wasm('(module (memory (export "memory") 1) (func (export "_start")))'))).toBe('none');
  });

  it('gives a module that unwinds at the fork call and rewinds into it (as runtime/fork.ts drives it)', () => {
    type X = { memory: WebAssembly.Memory; _start(): void; asyncify_start_unwind(a: number): void; asyncify_stop_unwind(): void; asyncify_start_rewind(a: number): void; asyncify_stop_rewind(): void };
    let x: X | null = null;
    let rewinding = false;
    const fork = (buf: number, len: number): number => {
      if (rewinding) {
        x!.asyncify_stop_rewind();
        return 41;
      }
      const view = new DataView(x!.memory.buffer);
      view.setUint32(buf, buf + 8, true);
      view.setUint32(buf + 4, buf + len, true);
      x!.asyncify_start_unwind(buf);
      return 0;
    };
    const inst = new WebAssembly.Instance(new WebAssembly.Module(asyncifyWith(binaryen, forking) as Uint8Array<ArrayBuffer>), { tabkernel: { fork } });
    x = inst.exports as unknown as X;
    x._start();                         // unwinds out of the fork call: nothing stored yet
    x.asyncify_stop_unwind();
    expect(new Uint32Array(x.memory.buffer)[0]).toBe(0);
    rewinding = true;
    x.asyncify_start_rewind(16);
    x._start();                         // back into fork, which now returns 41
    expect(new Uint32Array(x.memory.buffer)[0]).toBe(42);
  });

  it('leaves a program with exception handling (clang\'s setjmp lowering) as it is, saying why', () => {
    expect(forkPlan(tagged)).toEqual({ cannot: expect.stringMatching(/exception handling/) });
  });
});

describe('the module cache with a host that asyncifies', () => {
  it('asyncifies a program once, keyed by its own bytes', async () => {
    const asyncify = vi.fn((b: Uint8Array) => Promise.resolve(asyncifyWith(binaryen, b)));
    const log = vi.fn();
    const cache = new ModuleCache(undefined, { asyncify, log });
    const [a, b] = await Promise.all([cache.get(forking), cache.get(forking.slice())]);
    expect(a).toBe(b);
    expect(asyncify).toHaveBeenCalledTimes(1);
    expect(WebAssembly.Module.exports(a).map((e) => e.name)).toContain('asyncify_start_unwind');
    expect(log).not.toHaveBeenCalled();
  });

  it('runs the program as it is when the pass fails, and logs why fork will fail', async () => {
    const log = vi.fn();
    const cache = new ModuleCache(undefined, { asyncify: () => Promise.reject(new Error('out of memory')), log });
    const m = await cache.get(forking, false, '/w/prog');
    expect(WebAssembly.Module.exports(m).map((e) => e.name)).not.toContain('asyncify_start_unwind');
    expect(log).toHaveBeenCalledWith('tabkernel: /w/prog: fork() will fail with ENOSYS: asyncify failed: out of memory');
    const asyncify = vi.fn((b: Uint8Array) => Promise.resolve(b));
    await new ModuleCache(undefined, { asyncify, log }).get(tagged, false, '/w/jump');
    expect(asyncify).not.toHaveBeenCalled();
    expect(log).toHaveBeenLastCalledWith(expect.stringMatching(/^tabkernel: \/w\/jump: fork\(\) will fail with ENOSYS: it uses WebAssembly exception handling/));
  });
});

/** A host's store in a Map (what Node's directory and the page's IndexedDB keep). */
function mapStore(): AsyncifiedStore & { entries: Map<string, Uint8Array> } {
  const entries = new Map<string, Uint8Array>();
  return {
    entries,
    get: (k) => Promise.resolve(entries.get(k)),
    put: (k, e) => (entries.set(k, e.slice()), Promise.resolve()),
  };
}

const exportsOf = (m: WebAssembly.Module): string[] => WebAssembly.Module.exports(m).map((e) => e.name);

describe('the asyncified program kept across kernels (proc/asyncified.ts)', () => {
  it('names the Binaryen that package.json pins, so a new one does not meet an older pass\'s output', () => {
    const pkg = (f: string) => JSON.parse(fs.readFileSync(new URL(f, import.meta.url), 'utf8')) as { version: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
    const pinned = pkg('../../package.json');
    expect({ ...pinned.dependencies, ...pinned.devDependencies }.binaryen).toBe(BINARYEN_VERSION);
    expect(pkg('../../node_modules/binaryen/package.json').version).toBe(BINARYEN_VERSION);
  });

  it('runs the pass once for two caches sharing a store: the second takes the output the first kept', async () => {
    const store = mapStore();
    const asyncify = vi.fn((b: Uint8Array) => Promise.resolve(asyncifyWith(binaryen, b)));
    const log = vi.fn();
    const first = await new ModuleCache(undefined, { asyncify, store, log }).get(forking);
    expect(asyncify).toHaveBeenCalledTimes(1);
    expect(store.entries.size).toBe(1);
    const second = await new ModuleCache(undefined, { asyncify, store, log }).get(forking.slice());
    expect(asyncify).toHaveBeenCalledTimes(1);
    expect(exportsOf(second)).toEqual(exportsOf(first));
    expect(exportsOf(second)).toContain('asyncify_start_unwind');
    expect(log).not.toHaveBeenCalled();
  });

  it('keys the entry by the program: another program runs the pass', async () => {
    const store = mapStore();
    const asyncify = vi.fn((b: Uint8Array) => Promise.resolve(asyncifyWith(binaryen, b)));
    await new ModuleCache(undefined, { asyncify, store, log: vi.fn() }).get(forking);
    const another = wasm(`(module
      (import "tabkernel" "fork" (func $fork (param i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "_start") (drop (call $fork (i32.const 32) (i32.const 1024) (i32.const 8)))))`);
    await new ModuleCache(undefined, { asyncify, store, log: vi.fn() }).get(another);
    expect(asyncify).toHaveBeenCalledTimes(2);
    expect(store.entries.size).toBe(2);
  });

  it.each([
    ['short', (e: Uint8Array) => e.subarray(0, 20)],
    ['torn (cut after its hash)', (e: Uint8Array) => e.subarray(0, e.length - 7)],
    ['altered', (e: Uint8Array) => { const c = e.slice(); c[40] ^= 0xff; return c; }],
    ['empty', () => new Uint8Array(0)],
  ])('ignores an entry that is %s, runs the pass and writes the entry anew', async (_, spoil) => {
    const store = mapStore();
    const asyncify = vi.fn((b: Uint8Array) => Promise.resolve(asyncifyWith(binaryen, b)));
    await new ModuleCache(undefined, { asyncify, store, log: vi.fn() }).get(forking);
    const [key, good] = [...store.entries][0];
    store.entries.set(key, spoil(good));
    const m = await new ModuleCache(undefined, { asyncify, store, log: vi.fn() }).get(forking);
    expect(asyncify).toHaveBeenCalledTimes(2);
    expect(exportsOf(m)).toContain('asyncify_start_unwind');
    expect(store.entries.get(key)).toEqual(good);
  });

  it('ignores a verified entry that is no module, and replaces it', async () => {
    const store = mapStore();
    const asyncify = vi.fn((b: Uint8Array) => Promise.resolve(asyncifyWith(binaryen, b)));
    await new ModuleCache(undefined, { asyncify, store, log: vi.fn() }).get(forking);
    const [key, good] = [...store.entries][0];
    const junk = new TextEncoder().encode('not a module at all');
    const hex = await digest(junk);
    store.entries.set(key, new Uint8Array([...Array.from({ length: 32 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16)), ...junk]));
    const m = await new ModuleCache(undefined, { asyncify, store, log: vi.fn() }).get(forking);
    expect(asyncify).toHaveBeenCalledTimes(2);
    expect(exportsOf(m)).toContain('asyncify_start_unwind');
    expect(store.entries.get(key)).toEqual(good);
  });

  it('runs the program when the store fails to read or to write, and logs that the output was not kept', async () => {
    const asyncify = vi.fn((b: Uint8Array) => Promise.resolve(asyncifyWith(binaryen, b)));
    const log = vi.fn();
    const broken: AsyncifiedStore = { get: () => Promise.reject(new Error('EIO')), put: () => Promise.reject(new Error('ENOSPC: no space left')) };
    const m = await new ModuleCache(undefined, { asyncify, store: broken, log }).get(forking, false, '/w/prog');
    expect(exportsOf(m)).toContain('asyncify_start_unwind');
    expect(log).toHaveBeenCalledWith('tabkernel: /w/prog: the asyncified program is not kept for the next run: ENOSPC: no space left');
  });
});
