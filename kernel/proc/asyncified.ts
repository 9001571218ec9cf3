// The asyncify pass's output kept across kernels: a program built in the tab
// that forks pays Binaryen's pass (proc/asyncify.ts, seconds) once per
// machine or browser profile, not once per `tabkernel run` or page load. The
// host keeps the entries (hostapi.ts Host.asyncified: a directory in Node's
// cache, IndexedDB in the page); this file decides what they are called and
// what is in them, and trusts nothing it reads back.
//  - The key: the SHA-256 of the program's digest and the pass's identity
//    (ASYNCIFY_PASS: Binaryen's version and the pass's arguments), so another
//    Binaryen or other arguments never meet an older pass's output.
//  - An entry: the SHA-256 of the output (32 bytes), then the output. An entry
//    that is short, whose hash does not match (a torn write, a bad disk), or
//    that is no module is as good as none: the pass runs again and the entry
//    is written anew.
// proc/modules.ts uses these around the host's pass.
import type { AsyncifiedStore } from '../hostapi.js';
import { ASYNCIFY_PASS } from './asyncify.js';

const HASH_BYTES = 32;

/** A SHA-256 in lowercase hex (the module cache's: proc/modules.ts digest with the host's hash). */
export type Hash = (bytes: Uint8Array) => Promise<string>;

/** The key of the pass's output for the program whose SHA-256 is `program` (hex). */
export function asyncifiedKey(program: string, hash: Hash): Promise<string> {
  return hash(new TextEncoder().encode(`${program}\n${ASYNCIFY_PASS}`));
}

/** An entry for `bytes`: their SHA-256, then them. */
export async function sealAsyncified(bytes: Uint8Array, hash: Hash): Promise<Uint8Array> {
  const hex = await hash(bytes);
  const entry = new Uint8Array(HASH_BYTES + bytes.length);
  for (let i = 0; i < HASH_BYTES; i++) entry[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  entry.set(bytes, HASH_BYTES);
  return entry;
}

/** The output an entry holds, or null if it is not one sealAsyncified made (short, torn, altered). */
export async function unsealAsyncified(entry: Uint8Array, hash: Hash): Promise<Uint8Array | null> {
  if (entry.length <= HASH_BYTES) return null;
  const bytes = entry.subarray(HASH_BYTES);
  const hex = await hash(bytes);
  for (let i = 0; i < HASH_BYTES; i++) {
    if (entry[i] !== parseInt(hex.slice(2 * i, 2 * i + 2), 16)) return null;
  }
  return bytes;
}

/**
 * The asyncified program kept under `key`, or null (none, unreadable, not
 * verified). A store that fails to read counts as one without the entry.
 */
export async function loadAsyncified(store: AsyncifiedStore, key: string, hash: Hash): Promise<Uint8Array | null> {
  let entry: Uint8Array | undefined;
  try {
    entry = await store.get(key);
  } catch {
    return null;
  }
  return entry ? unsealAsyncified(entry, hash) : null;
}

/** Keep `bytes` under `key`; the error a store gives is returned for the log, not thrown. */
export async function saveAsyncified(store: AsyncifiedStore, key: string, bytes: Uint8Array, hash: Hash): Promise<Error | null> {
  try {
    await store.put(key, await sealAsyncified(bytes, hash));
    return null;
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}
