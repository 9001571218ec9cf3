// The platform the kernel core may use: what every host (Node worker_threads,
// browser Web Workers) provides. The core's tsconfig has neither DOM nor Node
// types, so anything host-specific fails to compile outside kernel/host/.

declare class TextEncoder {
  encode(input?: string): Uint8Array;
  encodeInto(src: string, dest: Uint8Array): { read: number; written: number };
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
}
declare const crypto: { getRandomValues<T extends ArrayBufferView>(array: T): T };
declare const performance: { now(): number; readonly timeOrigin: number };
declare const console: {
  log(...args: unknown[]): void;
  error(...args: unknown[]): void;
  warn(...args: unknown[]): void;
};
declare function setTimeout(cb: () => void, ms?: number): unknown;
declare function clearTimeout(handle: unknown): void;
declare function queueMicrotask(cb: () => void): void;

declare namespace WebAssembly {
  type ImportValue = Function | Global | Memory | Table | number;
  type Imports = Record<string, Record<string, ImportValue>>;
  type ExportValue = Function | Global | Memory | Table;
  type Exports = Record<string, ExportValue>;
  interface ModuleImportDescriptor { module: string; name: string; kind: string }
  interface ModuleExportDescriptor { name: string; kind: string }
  class Module {
    constructor(bytes: ArrayBufferView | ArrayBuffer);
    static imports(module: Module): ModuleImportDescriptor[];
    static exports(module: Module): ModuleExportDescriptor[];
  }
  class Instance {
    constructor(module: Module, imports?: Imports);
    readonly exports: Exports;
  }
  class Memory {
    constructor(desc: { initial: number; maximum?: number; shared?: boolean });
    readonly buffer: ArrayBuffer | SharedArrayBuffer;
    grow(delta: number): number;
  }
  class Global {
    constructor(desc: { value: string; mutable?: boolean }, v?: unknown);
    value: unknown;
  }
  class Table {
    readonly length: number;
  }
  class RuntimeError extends Error {}
  class CompileError extends Error {}
  class LinkError extends Error {}
  function compile(bytes: ArrayBufferView | ArrayBuffer): Promise<Module>;
  function instantiate(module: Module, imports?: Imports): Promise<Instance>;
  function validate(bytes: ArrayBufferView | ArrayBuffer): boolean;
}
