// The C side of abi/tabkernel.ts: the text of userland/libc/include/tabkernel_abi.h.
// scripts/abi-header.js writes it; kernel/abi/cheader.test.ts checks the
// committed file against it.
import { headerItems, type CType, type HeaderItem } from './tabkernel.js';

export const ABI_HEADER_PATH = 'userland/libc/include/tabkernel_abi.h';

const C_TYPE: Record<CType, string> = { u16: 'uint16_t', i32: 'int32_t', u32: 'uint32_t', i64: 'int64_t', u64: 'uint64_t' };

/** A constant as C reads it: masks in hex, past INT_MAX unsigned. */
function literal(v: number): string {
  if (v < 0) return `(${v})`;
  if (v < 0xffff) return String(v);
  return `0x${v.toString(16)}${v > 0x7fffffff ? 'u' : ''}`;
}

function render(item: HeaderItem): string {
  switch (item.kind) {
    case 'define':
      return `/* ${item.doc} */\n#define ${item.name} ${literal(item.value)}\n`;
    case 'enum':
      return `/* ${item.doc} */\n` + Object.entries(item.values).map(([k, v]) => `#define ${item.prefix}${k} ${literal(v)}\n`).join('');
    case 'struct': {
      const s = item.struct;
      const fields = s.fields.map((f) => `  ${C_TYPE[f.type]} ${f.name};${f.doc ? ` /* ${f.doc} */` : ''}\n`).join('');
      // The compiler checks that it lays the struct out as the kernel reads it.
      const checks = [`sizeof(struct ${s.name}) == ${s.size}`, ...s.fields.map((f) => `__builtin_offsetof(struct ${s.name}, ${f.name}) == ${s.at[f.name]}`)]
        .map((c) => `_Static_assert(${c}, "kernel/abi/tabkernel.ts");\n`).join('');
      return `/* ${s.doc.replace(/\.$/, '')} (${s.size} bytes). */\nstruct ${s.name} {\n${fields}};\n${checks}`;
    }
  }
}

export function abiHeader(): string {
  return [
    '/*',
    ' * Generated from kernel/abi/tabkernel.ts by `node scripts/abi-header.js`: do not edit.',
    ' * The constants and structs of tabkernel\'s own calls (tabkernel.h declares the calls).',
    ' */',
    '#ifndef _TABKERNEL_ABI_H',
    '#define _TABKERNEL_ABI_H',
    '',
    '#include <stdint.h>',
    '',
    headerItems.map(render).join('\n'),
    '#endif',
    '',
  ].join('\n');
}
