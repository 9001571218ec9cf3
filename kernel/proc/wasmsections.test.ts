import { describe, expect, it } from 'vitest';
import { formatFuncType, importModules, readInterface } from './wasmsections.js';

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const name = (s: string): number[] => [s.length, ...Buffer.from(s)];
const section = (id: number, body: number[]): number[] => [id, body.length, ...body];
const leb = (n: number): number[] => (n < 0x80 ? [n] : [(n & 0x7f) | 0x80, ...leb(n >> 7)]);
const I32 = 0x7f, I64 = 0x7e, F64 = 0x7c;

function module(...sections: number[][]): Uint8Array<ArrayBuffer> {
  return Uint8Array.from([...HEADER, ...sections.flat()]);
}

// type 0: (i32, i64) -> i32; type 1: () -> ()
const types = section(1, [2, 0x60, 2, I32, I64, 1, I32, 0x60, 0, 0]);

describe('a module\'s interface read from its binary', () => {
  it('gives each imported function its type, and skips tables, memories and globals', () => {
    const imports = section(2, [4,
      ...name('m'), ...name('t'), 0x01, 0x70, 0x00, 1,        // table funcref, min 1
      ...name('m'), ...name('mem'), 0x02, 0x01, 1, 2,         // memory 1..2
      ...name('m'), ...name('g'), 0x03, F64, 0x01,            // mutable f64 global
      ...name('wasi'), ...name('f'), 0x00, 0,                 // function of type 0
    ]);
    const face = readInterface(module(types, imports))!;
    expect(face.imports).toEqual([
      { module: 'm', name: 't', kind: 'table' },
      { module: 'm', name: 'mem', kind: 'memory' },
      { module: 'm', name: 'g', kind: 'global' },
      { module: 'wasi', name: 'f', kind: 'function', type: { params: ['i32', 'i64'], results: ['i32'] } },
    ]);
  });

  it('types exported functions by index, imported functions first', () => {
    const imports = section(2, [1, ...name('env'), ...name('f'), 0x00, 0]);
    const funcs = section(3, [1, 1]);
    const exports = section(7, [3, ...name('f'), 0x00, 0, ...name('_start'), 0x00, 1, ...name('memory'), 0x02, 0]);
    const mem = section(5, [1, 0x00, 1]);
    const code = section(10, [1, 2, 0, 0x0b]);
    const bytes = module(types, imports, funcs, mem, exports, code);
    new WebAssembly.Module(bytes); // the test module itself is valid
    expect(readInterface(bytes)!.exports).toEqual([
      { name: 'f', kind: 'function', type: { params: ['i32', 'i64'], results: ['i32'] } },
      { name: '_start', kind: 'function', type: { params: [], results: [] } },
      { name: 'memory', kind: 'memory' },
    ]);
  });

  it('reads type indices of several bytes among many defined functions', () => {
    // 130 types, the last (i32) -> (); 300 functions, the last of type 129 (two LEB128 bytes).
    const many = [0x82, 0x01, ...Array.from({ length: 129 }, () => [0x60, 0, 0]).flat(), 0x60, 1, I32, 0];
    const funcs = [0xac, 0x02, ...Array(299).fill(0), 0x81, 0x01];
    const face = readInterface(module([1, ...leb(many.length), ...many], [3, ...leb(funcs.length), ...funcs], section(7, [1, ...name('_start'), 0x00, 0xab, 0x02])))!;
    expect(face.exports).toEqual([{ name: '_start', kind: 'function', type: { params: ['i32'], results: [] } }]);
    // A count past the section's end, an index of six bytes, an export of a function not defined.
    expect(readInterface(module(types, section(3, [3, 0, 0])))).toBeNull();
    expect(readInterface(module(types, section(3, [1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00])))).toBeNull();
    expect(readInterface(module(types, section(3, [1, 0]), section(7, [1, ...name('f'), 0x00, 1])))).toBeNull();
  });

  it('reads a module of no sections as no imports and no exports', () => {
    expect(readInterface(module())).toEqual({ imports: [], exports: [] });
  });

  it('gives up (null) on bytes that are not wasm, truncated sections, bad indices and unknown types', () => {
    expect(readInterface(Buffer.from('#!/bin/sh\n'))).toBeNull();
    expect(readInterface(module(types).subarray(0, 12))).toBeNull();
    expect(readInterface(module(types, section(2, [1, ...name('e'), ...name('f'), 0x00, 7])))).toBeNull();
    expect(readInterface(module(section(3, [1, 0]), section(7, [1, ...name('f'), 0x00, 3])))).toBeNull();
    // A GC proposal type (a struct) is not one this reader knows.
    expect(readInterface(module(section(1, [1, 0x5f, 0])))).toBeNull();
    // A name that is not UTF-8.
    expect(readInterface(module(types, section(2, [1, 1, 0xff, ...name('f'), 0x00, 0])))).toBeNull();
  });
});

describe('function types printed', () => {
  it('prints parameters, one result bare, none or several in parentheses', () => {
    expect(formatFuncType({ params: ['i32', 'i64'], results: ['i32'] })).toBe('(i32, i64) -> i32');
    expect(formatFuncType({ params: [], results: [] })).toBe('() -> ()');
    expect(formatFuncType({ params: ['f64'], results: ['i32', 'i32'] })).toBe('(f64) -> (i32, i32)');
  });
});

describe('the modules a binary imports from, read from its first bytes', () => {
  const imports = section(2, [3,
    ...name('wasi_snapshot_preview1'), ...name('fd_write'), 0x00, 0,
    ...name('m'), ...name('mem'), 0x02, 0x01, 1, 2,
    ...name('wasi_snapshot_preview1'), ...name('proc_exit'), 0x00, 1,
  ]);
  const custom = section(0, [...name('note'), 1, 2, 3]);
  const funcs = section(3, [1, 1]);

  it('names each module once, past custom sections, with the rest of the binary cut off', () => {
    const whole = module(custom, types, imports, funcs);
    expect(importModules(whole, true)).toEqual(new Set(['wasi_snapshot_preview1', 'm']));
    const head = whole.subarray(0, whole.length - funcs.length);
    expect(importModules(head, false)).toEqual(new Set(['wasi_snapshot_preview1', 'm']));
  });

  it('is empty for a binary that imports nothing', () => {
    expect(importModules(module(types, funcs), true)).toEqual(new Set());
  });

  it('cannot tell when the head ends before the import section does, or before any section past it', () => {
    const whole = module(types, imports, funcs);
    expect(importModules(whole.subarray(0, whole.length - funcs.length - 3), false)).toBeNull();
    expect(importModules(module(types), false)).toBeNull();
    expect(importModules(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), true)).toBeNull();
  });
});
