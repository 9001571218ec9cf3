// A program's linear memory, made an import. A module that defines its own
// memory gets a fresh one at each instantiation, and the first touch of every
// fresh page is a page fault (DESIGN §5: ~0.65 ms per MiB on these VMs), which
// makes a fork child's copy of its parent's image the slowest part of fork. With
// the memory section turned into an import of the same type, the runtime
// supplies the memory itself — for a fork child, one already touched and of the
// parent's size, kept from an earlier process of the same worker (runtime/start.ts).
// The import is of a *shared* memory: its buffer is a SharedArrayBuffer, so a
// fork child copies its parent's image straight out of the parent's memory —
// one copy instead of two through a snapshot (runtime/fork.ts). A shared
// memory must have a maximum: the declared one, or all 4 GiB of wasm32.
// The program cannot tell the difference: the memory has the size it declared,
// grows as far as it declared, starts zeroed, and is still exported under its
// own name (a program has no instruction that tells shared from not).
// Spec: WebAssembly binary format §5.5 (sections, imports, memory types);
// threads proposal (shared limits, flag 0x03). The reading is proc/wasmsections.ts's.
import { MEMORY_IMPORT, type MemoryType } from '../abi/imports.js';
import { kindOf, Malformed, Reader, SECTION_IMPORT, SECTION_MEMORY, sectionsOf, skipImportType } from './wasmsections.js';
import { concatBytes } from '../lib/bytes.js';

/** The room a buffer needs before a program for importMemoryInPlace (its rewrite re-emits ~30 bytes more). */
export const IN_PLACE_ROOM = 64;

/** A wasm32 memory's largest size in pages (4 GiB): the maximum of a memory that declared none. */
export const MAX_PAGES = 65536;
/** Limits flags of a shared memory with a maximum. */
const LIMITS_SHARED_MAX = 0x03;

const KIND_MEMORY = 2;

/**
 * `bytes` with its one defined memory turned into the import MEMORY_IMPORT, and
 * that memory's type; null when the module does not qualify (no memory or
 * several, an imported memory already, shared or 64-bit memories) or does not
 * parse — then it is compiled as it is, and the compiler reports what is wrong.
 */
export function importMemory(bytes: Uint8Array): { bytes: Uint8Array; type: MemoryType } | null {
  try {
    return rewrite(bytes);
  } catch (e) {
    if (e instanceof Malformed) return null;
    throw e;
  }
}

/**
 * The same rewrite done where the bytes are, for bytes the caller owns and
 * will not read again as they were: the sections up to the memory section
 * (types, imports, functions, tables: a few KB) are re-emitted just before
 * the rest, into the room the buffer has before `bytes.byteOffset` — a program
 * of 21 MB is not copied (~10 ms of page faults on these VMs). Null when the
 * module does not qualify, or the room is too small. `prefix` is a copy of the
 * original bytes that were overwritten; the original module is `prefix`
 * followed by `tail`, which is shared with the rewritten one.
 */
export function importMemoryInPlace(bytes: Uint8Array): { bytes: Uint8Array; type: MemoryType; prefix: Uint8Array; tail: Uint8Array } | null {
  let r: ReturnType<typeof rewrite>;
  try {
    r = rewrite(bytes, true);
  } catch (e) {
    if (e instanceof Malformed) return null;
    throw e;
  }
  if (!r || r.tailStart === undefined) return null;
  const head = r.bytes;
  const at = r.tailStart - head.length;
  if (bytes.byteOffset + at < 0) return null;
  const prefix = bytes.slice(0, r.tailStart);
  const out = new Uint8Array(bytes.buffer, bytes.byteOffset + at, bytes.length - at);
  out.set(head);
  return { bytes: out, type: r.type, prefix, tail: bytes.subarray(r.tailStart) };
}

/**
 * The rewritten module; with `headOnly`, only what comes before `tailStart`
 * (the end of the later of the import and memory sections), after which the
 * original bytes follow unchanged.
 */
function rewrite(b: Uint8Array, headOnly = false): { bytes: Uint8Array; type: MemoryType; tailStart?: number } | null {
  const sections = sectionsOf(b);
  if (!sections) return null;
  const mem = sections.filter((s) => s.id === SECTION_MEMORY);
  const imp = sections.filter((s) => s.id === SECTION_IMPORT);
  if (mem.length !== 1 || imp.length > 1) return null;

  // The memory section: exactly one plain 32-bit memory.
  const m = new Reader(b, mem[0].body, mem[0].end);
  if (m.u32() !== 1) return null;
  const flags = m.byte();
  if (flags !== 0 && flags !== 1) return null;
  const initial = m.u32();
  const maximum = flags & 1 ? m.u32() : MAX_PAGES;
  if (m.pos !== mem[0].end || initial > maximum || maximum > MAX_PAGES) return null;
  const limits = concatBytes([Uint8Array.of(LIMITS_SHARED_MAX), leb(initial), leb(maximum)]);

  // The import section: no memory imported already; its entries are kept as they are.
  let count = 0;
  let entries: Uint8Array = new Uint8Array(0);
  if (imp.length === 1) {
    const ir = new Reader(b, imp[0].body, imp[0].end);
    count = ir.u32();
    const first = ir.pos;
    for (let i = 0; i < count; i++) {
      ir.skipVec();
      ir.skipVec();
      const kind = kindOf(ir.byte());
      if (kind === 'memory') return null;
      skipImportType(ir, kind);
    }
    if (ir.pos !== imp[0].end) return null;
    entries = b.subarray(first, ir.pos);
  }
  const utf8 = new TextEncoder();
  const entry = concatBytes([
    vec(utf8.encode(MEMORY_IMPORT.module)), vec(utf8.encode(MEMORY_IMPORT.name)), Uint8Array.of(KIND_MEMORY), limits,
  ]);
  // Imported memories come before defined ones in the index space: with no
  // other memory, the import is memory 0, as the defined one was.
  const importBody = concatBytes([leb(count + 1), entries, entry]);
  const importSection = concatBytes([Uint8Array.of(SECTION_IMPORT), leb(importBody.length), importBody]);

  // Reassemble: the new import section where the old one was (or before the
  // first section that must follow it), the memory section dropped.
  const tailStart = Math.max(mem[0].end, imp.length === 1 ? imp[0].end : 0);
  const parts: Uint8Array[] = [b.subarray(0, 8)];
  let placed = false;
  for (const s of sections) {
    if (headOnly && s.start >= tailStart) break;
    if (!placed && (s.id === SECTION_IMPORT || (s.id !== 0 && s.id > SECTION_IMPORT))) {
      parts.push(importSection);
      placed = true;
    }
    if (s.id === SECTION_IMPORT || s.id === SECTION_MEMORY) continue;
    parts.push(b.subarray(s.start, s.end));
  }
  if (headOnly) {
    if (!placed) return null;
    return { bytes: concatBytes(parts), type: { initial, maximum }, tailStart };
  }
  return { bytes: concatBytes(parts), type: { initial, maximum } };
}

function leb(v: number): Uint8Array {
  const out: number[] = [];
  do {
    let x = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) x |= 0x80;
    out.push(x);
  } while (v > 0);
  return Uint8Array.from(out);
}

function vec(bytes: Uint8Array): Uint8Array {
  return concatBytes([leb(bytes.length), bytes]);
}

