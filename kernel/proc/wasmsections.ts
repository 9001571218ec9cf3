// Reading a WebAssembly binary's sections: the LEB128 reader and section list
// that proc/memimport.ts rewrites with, and a module's interface — its imports
// and exports with their function types — which WebAssembly.Module.imports()
// and exports() do not report, for proc/modules.ts to check a program against
// what the runtime provides (abi/imports.ts).
// Spec: WebAssembly binary format §5.5 (sections: type 1, import 2, function 3,
// export 7), §5.3 (value and function types); threads proposal (shared limits).

export class Malformed extends Error {}

export class Reader {
  constructor(readonly b: Uint8Array, public pos: number, readonly end: number) {}
  byte(): number {
    if (this.pos >= this.end) throw new Malformed();
    return this.b[this.pos++];
  }
  u32(): number {
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const x = this.byte();
      v += (x & 0x7f) * 2 ** shift;
      if ((x & 0x80) === 0) {
        if (v > 0xffffffff) throw new Malformed();
        return v;
      }
    }
    throw new Malformed();
  }
  skip(n: number): void {
    if (n > this.end - this.pos) throw new Malformed();
    this.pos += n;
  }
  /** Skip a name or byte vector. */
  skipVec(): void {
    this.skip(this.u32());
  }
  /** A name: UTF-8 bytes with their length before them. */
  name(): string {
    const n = this.u32();
    const start = this.pos;
    this.skip(n);
    return utf8.decode(this.b.subarray(start, this.pos));
  }
  /** Skip limits (flags, min, [max]); returns the flags. */
  limits(): number {
    const flags = this.byte();
    this.u32();
    if (flags & 1) this.u32();
    return flags;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export interface Section {
  id: number;
  start: number;   // of the id byte
  body: number;    // of the contents
  end: number;
}

export const SECTION_TYPE = 1;
export const SECTION_IMPORT = 2;
export const SECTION_FUNCTION = 3;
export const SECTION_MEMORY = 5;
export const SECTION_EXPORT = 7;

/** The sections of a module, in order; null when `b` is not a wasm 1 binary. Throws Malformed. */
export function sectionsOf(b: Uint8Array): Section[] | null {
  if (b.length < 8 || b[0] !== 0x00 || b[1] !== 0x61 || b[2] !== 0x73 || b[3] !== 0x6d || b[4] !== 1) return null;
  const sections: Section[] = [];
  const r = new Reader(b, 8, b.length);
  while (r.pos < b.length) {
    const start = r.pos;
    const id = r.byte();
    const size = r.u32();
    const body = r.pos;
    r.skip(size);
    sections.push({ id, start, body, end: r.pos });
  }
  return sections;
}

/** An import or export's kind, named as WebAssembly.Module.imports() names it. */
export type ExternKind = 'function' | 'table' | 'memory' | 'global' | 'tag';
const KINDS: readonly ExternKind[] = ['function', 'table', 'memory', 'global', 'tag'];

export interface FuncType {
  params: string[];
  results: string[];
}

export interface Extern {
  name: string;
  kind: ExternKind;
  /** A function's type. */
  type?: FuncType;
}

export interface ModuleInterface {
  imports: Array<Extern & { module: string }>;
  exports: Extern[];
}

/** Value types by their encoding (§5.3.1–5.3.3). */
const VALUE_TYPES: Record<number, string> = {
  0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref',
};
const FUNC_TYPE = 0x60;

/**
 * The imports and exports of a module, with the type of every function among
 * them; null when the module does not parse here, or uses types this reader
 * does not know (the GC proposal's): then the caller has only the names.
 */
export function readInterface(bytes: Uint8Array): ModuleInterface | null {
  try {
    return readSections(bytes);
  } catch (e) {
    if (e instanceof Malformed || e instanceof TypeError) return null; // TypeError: a name that is not UTF-8
    throw e;
  }
}

function readSections(b: Uint8Array): ModuleInterface | null {
  const sections = sectionsOf(b);
  if (!sections) return null;
  const types: FuncType[] = [];
  /** The type of every imported function, in the function index space. */
  const imported: number[] = [];
  /** The type of every function the module defines (after the imported ones). */
  let defined: Uint32Array = new Uint32Array(0);
  const funcType = (index: number): FuncType => {
    const t = index < imported.length ? imported[index] : defined[index - imported.length];
    if (t === undefined) throw new Malformed();
    return typeAt(t);
  };
  const face: ModuleInterface = { imports: [], exports: [] };
  const typeAt = (i: number): FuncType => {
    if (i >= types.length) throw new Malformed();
    return types[i];
  };
  for (const s of sections) {
    const r = new Reader(b, s.body, s.end);
    switch (s.id) {
      case SECTION_TYPE:
        for (let n = r.u32(); n > 0; n--) {
          if (r.byte() !== FUNC_TYPE) throw new Malformed();
          types.push({ params: valueTypes(r), results: valueTypes(r) });
        }
        break;
      case SECTION_IMPORT:
        for (let n = r.u32(); n > 0; n--) {
          const module = r.name();
          const name = r.name();
          const kind = kindOf(r.byte());
          if (kind === 'function') {
            const t = r.u32();
            imported.push(t);
            face.imports.push({ module, name, kind, type: typeAt(t) });
            continue;
          }
          skipImportType(r, kind);
          face.imports.push({ module, name, kind });
        }
        break;
      case SECTION_FUNCTION:
        defined = typeIndices(r);
        break;
      case SECTION_EXPORT:
        for (let n = r.u32(); n > 0; n--) {
          const name = r.name();
          const kind = kindOf(r.byte());
          const index = r.u32();
          if (kind !== 'function') {
            face.exports.push({ name, kind });
            continue;
          }
          face.exports.push({ name, kind, type: funcType(index) });
        }
        break;
      default:
        continue;
    }
    if (r.pos !== s.end) throw new Malformed();
  }
  return face;
}

/**
 * The function section's vector of type indices, read by one loop of its own:
 * a large program defines a hundred thousand functions (clang's: 40 ms through
 * the Reader's calls, before the engine has compiled them).
 */
function typeIndices(r: Reader): Uint32Array {
  const n = r.u32();
  if (n > r.end - r.pos) throw new Malformed();
  const out = new Uint32Array(n);
  const b = r.b;
  let p = r.pos;
  for (let i = 0; i < n; i++) {
    if (p >= r.end) throw new Malformed();
    let x = b[p++];
    let v = x & 0x7f;
    for (let shift = 7; x & 0x80; shift += 7) {
      if (shift > 28 || p >= r.end) throw new Malformed();
      x = b[p++];
      v += (x & 0x7f) * 2 ** shift;
    }
    if (v > 0xffffffff) throw new Malformed();
    out[i] = v;
  }
  r.pos = p;
  return out;
}

function valueTypes(r: Reader): string[] {
  const out: string[] = [];
  for (let n = r.u32(); n > 0; n--) out.push(valueType(r));
  return out;
}

function valueType(r: Reader): string {
  const t = VALUE_TYPES[r.byte()];
  if (t === undefined) throw new Malformed();
  return t;
}

export function kindOf(byte: number): ExternKind {
  const kind = KINDS[byte];
  if (kind === undefined) throw new Malformed();
  return kind;
}

/** Skip the type of an import of this kind. */
export function skipImportType(r: Reader, kind: ExternKind): void {
  switch (kind) {
    case 'function': r.u32(); break;                // type index
    case 'table': valueType(r); r.limits(); break;  // element type, limits
    case 'memory': r.limits(); break;
    case 'global': valueType(r); r.byte(); break;   // value type, mutability
    case 'tag': r.byte(); r.u32(); break;       // attribute, type index
  }
}

/** A function type as wasm's text format and tools print it: "(i32, i64) -> i32", "() -> ()". */
export function formatFuncType(t: FuncType): string {
  const results = t.results.length === 1 ? t.results[0] : `(${t.results.join(', ')})`;
  return `(${t.params.join(', ')}) -> ${results}`;
}

/**
 * The module names a binary imports from, read from its first bytes `head`
 * alone (the import section comes before the code; `whole`: `head` is the
 * whole binary); null when `head` is not the start of a wasm 1 binary, or
 * ends before the import section does.
 */
export function importModules(head: Uint8Array, whole: boolean): Set<string> | null {
  if (head.length < 8 || head[0] !== 0x00 || head[1] !== 0x61 || head[2] !== 0x73 || head[3] !== 0x6d || head[4] !== 1) return null;
  const modules = new Set<string>();
  try {
    const r = new Reader(head, 8, head.length);
    while (r.pos < head.length) {
      const id = r.byte();
      const size = r.u32();
      if (id !== 0 && id > SECTION_IMPORT) return modules; // past where imports may be
      if (id !== SECTION_IMPORT) {
        r.skip(size);
        continue;
      }
      const s = new Reader(head, r.pos, r.pos + size);
      if (s.end > head.length) return null;
      for (let n = s.u32(); n > 0; n--) {
        modules.add(s.name());
        s.name();
        skipImportType(s, kindOf(s.byte()));
      }
      return modules;
    }
    return whole ? modules : null;
  } catch (e) {
    if (e instanceof Malformed || e instanceof TypeError) return null;
    throw e;
  }
}
