import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ABI_HEADER_PATH, abiHeader } from './cheader.js';
import { tabkernelSignatures, type WasmType } from './imports.js';
import { PIPE_BUF } from './tabkernel.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (p: string): string => fs.readFileSync(path.join(root, p), 'utf8');

/** The `TK_IMPORT(name)` prototypes of tabkernel.h as wasm signatures (C types lowered as clang does for wasm32). */
function headerImports(text: string): Map<string, [WasmType[], WasmType | null]> {
  const out = new Map<string, [WasmType[], WasmType | null]>();
  const flat = text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\s+/g, ' ');
  for (const m of flat.matchAll(/(\w+) tk_\w+\(([^)]*)\) TK_IMPORT\((\w+)\);/g)) {
    const [, ret, params, name] = m;
    const lower = (decl: string): WasmType => (/\*|\[/.test(decl) ? 'i32' : /\b(u?int64_t|long long)\b/.test(decl) ? 'i64' : 'i32');
    const list = params.trim() === '' || params.trim() === 'void' ? [] : params.split(',').map(lower);
    out.set(name, [list, ret === 'void' ? null : lower(ret)]);
  }
  return out;
}

describe('the C side of the ABI', () => {
  it('has tabkernel_abi.h as generated from abi/tabkernel.ts (else run: node scripts/abi-header.js)', () => {
    expect(read(ABI_HEADER_PATH)).toBe(abiHeader());
  });

  it("declares in tabkernel.h every call of the import module, with abi/imports.ts's signature", () => {
    const declared = headerImports(read('userland/libc/include/tabkernel.h'));
    const expected = new Map(Object.entries(tabkernelSignatures).map(([n, [params, result]]) => [n, [[...params], result]]));
    expect(Object.fromEntries(declared)).toEqual(Object.fromEntries(expected));
  });

  it("agrees with wasi-libc's PIPE_BUF", () => {
    const limits = '/usr/include/wasm32-wasi/limits.h';
    if (!fs.existsSync(limits)) return; // wasi-libc is not installed: nothing to compare with
    expect(Number(/#define PIPE_BUF (\d+)/.exec(fs.readFileSync(limits, 'utf8'))?.[1])).toBe(PIPE_BUF);
  });
});
