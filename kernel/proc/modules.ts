// Compiled programs, cached by the SHA-256 of their bytes: a program is compiled
// once and every process running it instantiates the same WebAssembly.Module.
// This file also knows which imports the process runtime can satisfy.
import { tabkernelImportNames, wasiImportNames } from '../abi/imports.js';

export class ModuleCache {
  private readonly modules = new Map<string, Promise<WebAssembly.Module>>();

  async get(bytes: Uint8Array): Promise<WebAssembly.Module> {
    const key = await digest(bytes);
    let m = this.modules.get(key);
    if (!m) {
      m = WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
      this.modules.set(key, m);
      m.catch(() => this.modules.delete(key));
    }
    return m;
  }
}

export async function digest(bytes: Uint8Array): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Imports of `module` that no process could be given, as "module::name". */
export function missingImports(module: WebAssembly.Module): string[] {
  const missing: string[] = [];
  for (const imp of WebAssembly.Module.imports(module)) {
    const ok = imp.kind === 'function' && (
      (imp.module === 'wasi_snapshot_preview1' && wasiImportNames.has(imp.name))
      || (imp.module === 'tabkernel' && tabkernelImportNames.has(imp.name)));
    if (!ok) missing.push(`${imp.module}::${imp.name}`);
  }
  return missing;
}
