// Node built-ins that only some runs use (the network, the images: zlib,
// dns, crypto, fs/promises), loaded on first use rather than when the CLI's
// runner.js is: its top level is on the path of every `tabkernel run`, and
// requiring these four cost ~7 ms of it on this machine's cores, which the
// first process's worker is booting on meanwhile (runner.ts). The module
// object stands in for the built-in: its first property read requires it.
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

/** `name` (a Node built-in), required when one of its properties is first read. */
export function lazyBuiltin<T extends object>(name: string): T {
  let mod: T | undefined;
  return new Proxy({} as T, {
    get: (_target, key) => Reflect.get((mod ??= load(name) as T), key),
  });
}
