// Compiled programs, cached by the SHA-256 of their bytes: a program is compiled
// once and every process running it instantiates the same WebAssembly.Module.
// This file also knows which imports the process runtime can satisfy.
import { tabkernelImportNames, wasiImportNames } from '../abi/imports.js';
import { MEMORY_IMPORT, type MemoryType } from '../abi/imports.js';
import { importMemory } from './memimport.js';

export class ModuleCache {
  private readonly modules = new Map<string, Promise<WebAssembly.Module>>();

  async get(bytes: Uint8Array): Promise<WebAssembly.Module> {
    const key = await digest(bytes);
    let m = this.modules.get(key);
    if (!m) {
      m = compile(bytes);
      this.modules.set(key, m);
      m.catch(() => this.modules.delete(key));
    }
    return m;
  }
}

/** Modules whose memory the runtime supplies (proc/memimport.ts), with its type. */
const suppliedMemory = new WeakMap<WebAssembly.Module, MemoryType>();

async function compile(bytes: Uint8Array): Promise<WebAssembly.Module> {
  const rewritten = importMemory(bytes);
  const module = await WebAssembly.compile((rewritten?.bytes ?? bytes) as Uint8Array<ArrayBuffer>);
  if (rewritten) suppliedMemory.set(module, rewritten.type);
  return module;
}

/** The type of the memory the runtime must create for `module`, if it supplies it. */
export function memoryTypeOf(module: WebAssembly.Module): MemoryType | undefined {
  return suppliedMemory.get(module);
}

export async function digest(bytes: Uint8Array): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** missingImports' answers: a module's imports are read once, not at every spawn. */
const missingOf = new WeakMap<WebAssembly.Module, string[]>();

/** Imports of `module` that no process could be given, as "module::name". */
export function missingImports(module: WebAssembly.Module): string[] {
  let missing = missingOf.get(module);
  if (!missing) missingOf.set(module, (missing = findMissing(module)));
  return missing;
}

function findMissing(module: WebAssembly.Module): string[] {
  const missing: string[] = [];
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.kind === 'memory' && imp.module === MEMORY_IMPORT.module && imp.name === MEMORY_IMPORT.name && suppliedMemory.has(module)) continue;
    const ok = imp.kind === 'function' && (
      (imp.module === 'wasi_snapshot_preview1' && wasiImportNames.has(imp.name))
      || (imp.module === 'tabkernel' && tabkernelImportNames.has(imp.name)));
    if (!ok) missing.push(`${imp.module}::${imp.name}`);
  }
  return missing;
}
