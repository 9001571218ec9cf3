import { describe, expect, it } from 'vitest';
import { formatFuncType, readInterface } from './wasmsections.js';

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const name = (s: string): number[] => [s.length, ...Buffer.from(s)];
const section = (id: number, body: number[]): number[] => [id, body.length, ...body];
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
