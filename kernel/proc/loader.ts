// Program loading for spawn and exec: find the file, read it, follow a `#!`
// line to its interpreter, and compile — once per file version: compiled
// modules are cached by (device, inode, size, mtime), and by content digest
// or, for an image layer's file left in its stored blob, by the blob's
// digest and the file's place in it (fs/blobfile.ts storedName).
// A program already compiled loads synchronously (no promise), so spawn and
// exec of it finish within the call that asked for them.
// Spec: POSIX exec(2) (ENOENT, EACCES, ENOEXEC, ENOTDIR); the `#!` convention.
import { Errno, err, isErr, type Err } from '../abi/errno.js';
import { DirInode, FileInode, type Inode } from '../fs/inode.js';
import { resolveAbsolute } from '../fs/path.js';
import type { MountNamespace } from '../fs/namespace.js';
import { ModuleCache, importProblems } from './modules.js';
import { IN_PLACE_ROOM } from './memimport.js';
import { concatBytes } from '../lib/bytes.js';
import { readBlobRange, storedName, type StoredRange } from '../fs/blobfile.js';

export interface Program {
  module: WebAssembly.Module;
  /** The path actually loaded and the argv to start it with (changed by `#!`). */
  path: string;
  argv: string[];
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];
const MAX_INTERPRETERS = 4;
/**
 * The largest program file loaded: V8's own limit on a module (1 GiB). A larger
 * file fails with ENOMEM before a byte of it is read, so exec of a huge (even
 * sparse) file cannot fill the kernel's memory.
 */
export const MAX_PROGRAM_BYTES = 1 << 30;

type Maybe<T> = T | Promise<T>;

export class Loader {
  private readonly byVersion = new Map<string, Promise<WebAssembly.Module>>();
  /** The modules of byVersion that are compiled and runnable (proc/modules.ts importProblems: none). */
  private readonly ready = new Map<string, WebAssembly.Module>();

  constructor(private readonly modules: ModuleCache) {}

  /** Load `path` (relative to `cwd`) to run with `argv`: at once when it is compiled already. */
  load(ns: MountNamespace, cwd: string, path: string, argv: string[]): Maybe<Program | Err> {
    for (let depth = 0; depth <= MAX_INTERPRETERS; depth++) {
      const node = this.lookup(ns, cwd, path);
      if (isErr(node)) return node;
      const key = versionKey(node);
      if (isErr(key)) return key;
      const known = this.ready.get(key);
      if (known) return { module: known, path, argv };
      const bytes = readAll(node, 4096);
      if (isErr(bytes)) return bytes;
      if (WASM_MAGIC.every((b, i) => bytes[i] === b)) {
        const p = path, a = argv;
        return this.compile(node, key, p).then((module) => (isErr(module) ? module : { module, path: p, argv: a }));
      }
      const shebang = parseShebang(bytes);
      if (!shebang) return err(Errno.NOEXEC);
      argv = [shebang.interpreter, ...(shebang.arg !== undefined ? [shebang.arg] : []), path, ...argv.slice(1)];
      path = shebang.interpreter;
    }
    return err(Errno.LOOP);
  }

  private lookup(ns: MountNamespace, cwd: string, path: string): Inode | Err {
    if (path === '') return err(Errno.NOENT);
    const r = resolveAbsolute(ns, cwd, path, true);
    if (isErr(r)) return r;
    if (r.node === null) return err(Errno.NOENT);
    if (r.node instanceof DirInode) return err(Errno.ACCES);
    if (!(r.node instanceof FileInode)) return err(Errno.ACCES);
    // exec needs an execute bit; root (the one user) needs just one of the three.
    if ((r.node.getMode() & 0o111) === 0) return err(Errno.ACCES);
    return r.node;
  }

  private async compile(node: Inode, key: string, path: string): Promise<WebAssembly.Module | Err> {
    let m = this.byVersion.get(key);
    if (!m) {
      const st = node.stat();
      if (isErr(st)) return st;
      if (st.size > BigInt(MAX_PROGRAM_BYTES)) return err(Errno.NOMEM);
      const stored = node.stored();
      const got = stored ? this.compileStored(stored, path) : readAll(node, MAX_PROGRAM_BYTES);
      if (isErr(got)) return got;
      m = got instanceof Uint8Array ? this.modules.get(got, false, path) : got;
      this.byVersion.set(key, m);
    }
    try {
      const module = await m;
      if (importProblems(module).length > 0) return err(Errno.NOEXEC);
      this.ready.set(key, module);
      return module;
    } catch {
      this.byVersion.delete(key);
      return err(Errno.NOEXEC);
    }
  }

  /**
   * A program in a stored blob, known by its name there (fs/blobfile.ts
   * storedName): compiled already (the same bytes at another path or in
   * another container), or read afresh into a buffer of the loader's own,
   * whose rewrite is done in place.
   */
  private compileStored(r: StoredRange, path: string): Promise<WebAssembly.Module> | Err {
    const name = storedName(r);
    const known = this.modules.named(name);
    if (known) return known;
    let own: Uint8Array;
    try {
      own = readBlobRange(r.blob, r.at, r.size, IN_PLACE_ROOM);
    } catch {
      return err(Errno.IO);
    }
    return this.modules.get(own, true, path, name);
  }
}

/** A file version's identity: a program compiled for it runs until the file changes. */
function versionKey(node: Inode): string | Err {
  const st = node.stat();
  if (isErr(st)) return st;
  return `${st.dev}:${st.ino}:${st.size}:${st.mtim}`;
}

/** Up to `max` bytes from the start of a file: a view, never to be changed, where the file system holds them whole. */
export function readAll(node: Inode, max: number): Uint8Array | Err {
  const whole = node.wholeView();
  if (whole) return whole.length > max ? whole.subarray(0, max) : whole;
  const file = node.open({ read: true, write: false });
  if (isErr(file)) return file;
  try {
    const parts: Uint8Array[] = [];
    let total = 0;
    while (total < max) {
      const chunk = file.pread(Math.min(max - total, 1 << 20), BigInt(total));
      if (isErr(chunk)) return chunk;
      if (chunk.length === 0) break;
      parts.push(chunk);
      total += chunk.length;
    }
    return parts.length === 1 ? parts[0] : concatBytes(parts, total);
  } finally {
    file.release();
  }
}

/** `#!interpreter [one argument]` from the first line. */
function parseShebang(bytes: Uint8Array): { interpreter: string; arg?: string } | null {
  if (bytes[0] !== 0x23 || bytes[1] !== 0x21) return null;
  let end = bytes.indexOf(0x0a);
  if (end < 0) end = bytes.length;
  const line = new TextDecoder().decode(bytes.subarray(2, end)).trim();
  if (line === '') return null;
  const sp = line.search(/[ \t]/);
  if (sp < 0) return { interpreter: line };
  return { interpreter: line.slice(0, sp), arg: line.slice(sp).trim() || undefined };
}
