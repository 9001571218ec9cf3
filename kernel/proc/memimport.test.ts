import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MEMORY_IMPORT } from '../abi/imports.js';
import { importMemory, importMemoryInPlace, MAX_PAGES } from './memimport.js';

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const name = (s: string): number[] => [s.length, ...Buffer.from(s)];
const section = (id: number, body: number[]): number[] => [id, body.length, ...body];
const exportMemory = section(7, [1, ...name('memory'), 0x02, 0x00]);
/** One data segment at address 16: "hi". */
const data = section(11, [1, 0x00, 0x41, 16, 0x0b, 2, 0x68, 0x69]);

function module(...sections: number[][]): Uint8Array {
  return Uint8Array.from([...HEADER, ...sections.flat()]);
}

describe('a module\'s memory made an import', () => {
  it('turns a defined memory into the runtime\'s import, type kept, still exported, data applied', () => {
    const r = importMemory(module(section(5, [1, 0x01, 2, 5]), exportMemory, data));
    expect(r?.type).toEqual({ initial: 2, maximum: 5 });
    const m = new WebAssembly.Module(r!.bytes as Uint8Array<ArrayBuffer>);
    expect(WebAssembly.Module.imports(m)).toEqual([{ module: MEMORY_IMPORT.module, name: MEMORY_IMPORT.name, kind: 'memory' }]);
    const memory = new WebAssembly.Memory({ initial: 2, maximum: 5, shared: true });
    const inst = new WebAssembly.Instance(m, { [MEMORY_IMPORT.module]: { [MEMORY_IMPORT.name]: memory } });
    expect(inst.exports.memory).toBe(memory);
    expect(Buffer.from(new Uint8Array(memory.buffer, 16, 2)).toString()).toBe('hi');
    // A memory whose maximum exceeds the declared one does not link: the type is really kept;
    // nor does one that is not shared (fork copies out of the shared buffer).
    const link = (memory: WebAssembly.Memory) => () => new WebAssembly.Instance(m, { [MEMORY_IMPORT.module]: { [MEMORY_IMPORT.name]: memory } });
    expect(link(new WebAssembly.Memory({ initial: 2, maximum: 9, shared: true }))).toThrow(WebAssembly.LinkError);
    expect(link(new WebAssembly.Memory({ initial: 2, maximum: 5 }))).toThrow(WebAssembly.LinkError);
  });

  it('adds the memory after the existing imports, keeping function indices', () => {
    // type () -> i32; import env.f as function 0; function 1 returns f() + 1; export it.
    const types = section(1, [1, 0x60, 0, 1, 0x7f]);
    const imports = section(2, [1, ...name('env'), ...name('f'), 0x00, 0]);
    const funcs = section(3, [1, 0]);
    const mem = section(5, [1, 0x00, 1]);
    const exps = section(7, [2, ...name('g'), 0x00, 1, ...name('memory'), 0x02, 0x00]);
    const code = section(10, [1, 7, 0, 0x10, 0, 0x41, 1, 0x6a, 0x0b]);
    const r = importMemory(module(types, imports, funcs, mem, exps, code));
    expect(r?.type).toEqual({ initial: 1, maximum: MAX_PAGES });
    const m = new WebAssembly.Module(r!.bytes as Uint8Array<ArrayBuffer>);
    expect(WebAssembly.Module.imports(m).map((i) => `${i.module}.${i.name}:${i.kind}`))
      .toEqual(['env.f:function', `${MEMORY_IMPORT.module}.${MEMORY_IMPORT.name}:memory`]);
    const inst = new WebAssembly.Instance(m, {
      env: { f: () => 41 },
      [MEMORY_IMPORT.module]: { [MEMORY_IMPORT.name]: new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true }) },
    });
    expect((inst.exports.g as () => number)()).toBe(42);
  });

  it('rewrites a real program, which then instantiates with the declared type', () => {
    const wasm = fs.readFileSync(path.resolve(import.meta.dirname, '../../test/programs/bin/clock_random_args.wasm'));
    const r = importMemory(wasm);
    expect(r).not.toBeNull();
    const m = new WebAssembly.Module(r!.bytes as Uint8Array<ArrayBuffer>);
    expect(WebAssembly.Module.imports(m).filter((i) => i.kind === 'memory')).toHaveLength(1);
    expect(WebAssembly.Module.exports(m)).toEqual(WebAssembly.Module.exports(new WebAssembly.Module(wasm)));
  });

  it('leaves alone modules it cannot serve: no memory, an imported memory, a shared memory, garbage', () => {
    expect(importMemory(module(exportMemory.slice(0, 0)))).toBeNull();
    expect(importMemory(module(section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x00, 1])))).toBeNull();
    expect(importMemory(module(section(5, [1, 0x03, 1, 2])))).toBeNull();
    expect(importMemory(Uint8Array.from([...HEADER, 5, 0x7f]))).toBeNull();
    expect(importMemory(Uint8Array.from([1, 2, 3]))).toBeNull();
  });
});

describe('the rewrite in place', () => {
  /** `bytes` copied into a buffer with `room` bytes before them, as the CLI reads a program. */
  const roomy = (bytes: Uint8Array, room: number): Uint8Array => {
    const buf = new Uint8Array(room + bytes.length).fill(0xee);
    buf.set(bytes, room);
    return buf.subarray(room);
  };

  it('gives the same module as the copying rewrite, sharing the bytes after the memory section', () => {
    const wasm = new Uint8Array(fs.readFileSync(path.resolve(import.meta.dirname, '../../test/programs/bin/clock_random_args.wasm')));
    const copied = importMemory(wasm)!;
    const given = roomy(wasm, 64);
    const r = importMemoryInPlace(given)!;
    expect(r).not.toBeNull();
    expect(Buffer.from(r.bytes).equals(Buffer.from(copied.bytes))).toBe(true);
    expect(r.type).toEqual(copied.type);
    expect(r.bytes.buffer).toBe(given.buffer);
    // The original is the saved prefix followed by the tail, which the new module ends with.
    expect(Buffer.concat([r.prefix, r.tail]).equals(Buffer.from(wasm))).toBe(true);
    expect(r.tail.buffer).toBe(given.buffer);
    expect(r.bytes.byteOffset + r.bytes.length).toBe(given.byteOffset + given.length);
  });

  it('works without an import section, and keeps custom sections before the memory', () => {
    const custom = section(0, [...name('x'), 1, 2, 3]);
    const wasm = module(custom, section(5, [1, 0x00, 1]), exportMemory, data);
    const r = importMemoryInPlace(roomy(wasm, 64))!;
    expect(Buffer.from(r.bytes).equals(Buffer.from(importMemory(wasm)!.bytes))).toBe(true);
    const m = new WebAssembly.Module(r.bytes as Uint8Array<ArrayBuffer>);
    expect(WebAssembly.Module.customSections(m, 'x')).toHaveLength(1);
  });

  it('declines when there is too little room before the bytes, touching nothing', () => {
    const wasm = module(section(5, [1, 0x01, 2, 5]), exportMemory, data);
    const given = roomy(wasm, 3);
    expect(importMemoryInPlace(given)).toBeNull();
    expect(Buffer.from(given.buffer as ArrayBuffer).subarray(0, 3).equals(Buffer.from([0xee, 0xee, 0xee]))).toBe(true);
    expect(Buffer.from(given).equals(Buffer.from(wasm))).toBe(true);
    expect(importMemoryInPlace(module(exportMemory.slice(0, 0)))).toBeNull();
  });
});
