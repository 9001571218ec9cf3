// Compiled programs, cached by the SHA-256 of their bytes: a program is compiled
// once and every process running it instantiates the same WebAssembly.Module.
// This file also judges, once per compiled module, whether a process could run
// it: every import one the runtime provides with the type it is declared with
// (abi/imports.ts), and the entry point a command exports. A JS host function
// accepts any signature, so a mistyped import would link and then misbehave.
// A program that imports fork but was not built with asyncify is asyncified
// first, by the host (proc/asyncify.ts), and cached under its own digest; the
// pass's output is also kept in the host's store for the next kernel
// (proc/asyncified.ts).
import type { AsyncifiedStore } from '../hostapi.js';
import { ENTRY_POINT, importSignatures, INVOKE_MODULE, invokeSignature, MEMORY_IMPORT, type MemoryType, type Signature } from '../abi/imports.js';
import type { Sha256Factory } from '../image/digest.js';
import { forkPlan } from './asyncify.js';
import { asyncifiedKey, loadAsyncified, saveAsyncified } from './asyncified.js';
import { importMemory, importMemoryInPlace } from './memimport.js';
import { type ExternKind, formatFuncType, type FuncType, readInterface, type ModuleInterface } from './wasmsections.js';

/**
 * Programs at least this large start compiling before their hash is known:
 * the engine compiles on threads of its own while this one hashes (a 21 MB
 * program: ~15 ms of hashing off the start's critical path). Small ones are
 * hashed first, so a cached one is never compiled twice. (The loader asks
 * only for a new version of a file: proc/loader.ts remembers each version.)
 */
const EARLY_COMPILE_BYTES = 1 << 20;

/** What the cache needs for programs that fork (hostapi.ts Host.asyncify and Host.log). */
export interface ForkSupport {
  /** Binaryen's asyncify (proc/asyncify.ts asyncifyWith); absent: such programs cannot fork. */
  asyncify?: (bytes: Uint8Array) => Promise<Uint8Array>;
  /** Where the pass's output is kept across kernels (hostapi.ts Host.asyncified); absent: in this cache only. */
  store?: AsyncifiedStore;
  /** Where a program that cannot fork is reported, once per program. */
  log: (line: string) => void;
  /** The kernel's trace (TABKERNEL_TRACE): where each asyncified program came from, the pass or the store. */
  trace?: ((line: string) => void) | null;
}

export class ModuleCache {
  private readonly modules = new Map<string, Promise<WebAssembly.Module>>();
  /** The first program's filing under its digest, until another program is asked for (get). */
  private unfiled: (() => Promise<void>) | null = null;
  /** The first program's digest, while it is computed (get). */
  private filing: Promise<void> | null = null;

  /** `sha256`: the host's hash (hostapi.ts Host.sha256), else WebCrypto's. */
  constructor(private readonly sha256?: Sha256Factory, private readonly forks?: ForkSupport) {}

  /**
   * The compiled module of `bytes`. `owned`: the caller hands the bytes over
   * (the CLI's program, read into a buffer with room before it: the rewrite
   * of a large one is done in place, proc/memimport.ts). `name`: the
   * program's path, for the log. `stored`: a name no other bytes have (an
   * image layer's stored file: fs/blobfile.ts storedName), the key instead
   * of the digest, which then is not computed (clang's 75 MB: ~60 ms of
   * hashing on the kernel's thread).
   */
  async get(bytes: Uint8Array, owned = false, name = 'program', stored?: string): Promise<WebAssembly.Module> {
    const plan = this.forks ? forkPlan(bytes) : 'none';
    if (plan !== 'none') return this.getForking(bytes, plan, name);
    // A digest of bytes rewritten in place needs the host's hash (it takes pieces); a stored name needs none.
    const inPlace = owned && (stored !== undefined || this.sha256) && bytes.length >= EARLY_COMPILE_BYTES ? importMemoryInPlace(bytes) : null;
    const compileThem = (): Promise<WebAssembly.Module> => (inPlace ? compileRewritten(inPlace.bytes, inPlace.type) : compile(bytes));
    // Names of stored programs are no digests: the first program's filing can wait.
    if (stored !== undefined) return this.named(stored) ?? this.file(storedKey(stored), compileThem());
    const early = bytes.length >= EARLY_COMPILE_BYTES ? compileThem() : null;
    // A failed early compile is reported through the entry below, or dropped with it.
    early?.catch(() => {});
    // The key is the digest of the program as given, whose first bytes the rewrite in place replaced.
    const keyOf = (): Promise<string> => digest(inPlace ? [inPlace.prefix, inPlace.tail] : bytes, this.sha256);
    if (owned && this.modules.size === 0 && !this.unfiled && !this.filing) {
      // The kernel's first program (the CLI's): there is nothing to find yet,
      // so it compiles at once, and is filed under its digest only when
      // another program is asked for, which may be the same: a one-program
      // run never loads the host's hash (node:crypto, ~4 ms) nor hashes,
      // which were on the start's path. Owned bytes change no more, so the
      // digest is theirs.
      const m = early ?? compile(bytes);
      this.unfiled = () => keyOf().then((key) => {
        if (!this.modules.has(key)) this.file(key, m);
      }).catch(() => {});
      return m;
    }
    // Another program: it may be the first one.
    await this.fileFirst();
    const key = await keyOf();
    return this.modules.get(key) ?? this.file(key, early ?? compile(bytes));
  }

  /** File the first program under its digest (get) if it is not yet; resolves once it is. */
  private fileFirst(): Promise<void> | null {
    if (this.unfiled) {
      this.filing = this.unfiled().finally(() => (this.filing = null));
      this.unfiled = null;
    }
    return this.filing;
  }

  /** The module of a stored program's name (get's `stored`), compiled or on its way. */
  named(stored: string): Promise<WebAssembly.Module> | undefined {
    return this.modules.get(storedKey(stored));
  }

  /** Keep `m` under `key` until it fails to compile. */
  private file(key: string, m: Promise<WebAssembly.Module>): Promise<WebAssembly.Module> {
    this.modules.set(key, m);
    m.catch(() => this.modules.delete(key));
    return m;
  }

  /**
   * A program that imports fork without asyncify's exports: asyncified, then
   * compiled, once (the pass takes seconds), under the digest of `bytes`. If
   * it cannot be (exception handling, no Binaryen, Binaryen's error) it runs
   * as it is, fork failing with ENOSYS, and the log says why.
   */
  private async getForking(bytes: Uint8Array, plan: 'asyncify' | { cannot: string }, name: string): Promise<WebAssembly.Module> {
    await this.fileFirst();
    const key = await digest(bytes, this.sha256);
    return this.modules.get(key) ?? this.file(key, plan === 'asyncify' ? this.asyncified(bytes, key, name) : this.cannotFork(bytes, name, plan.cannot));
  }

  /**
   * The program whose digest is `program`, asyncified and compiled: the
   * output an earlier kernel kept in the host's store if it is there and
   * verified, else the host's pass, whose output is then kept. A store that
   * fails costs only the pass (a failed write is logged).
   */
  private async asyncified(bytes: Uint8Array, program: string, name: string): Promise<WebAssembly.Module> {
    const { asyncify, store } = this.forks!;
    if (!asyncify) return this.cannotFork(bytes, name, 'this host cannot asyncify programs (no Binaryen)');
    const hash = (b: Uint8Array): Promise<string> => digest(b, this.sha256);
    const storeKey = store ? await asyncifiedKey(program, hash) : '';
    const kept = store ? await loadAsyncified(store, storeKey, hash) : null;
    // A verified entry that does not compile (another engine's limits) is replaced like a torn one.
    if (kept) {
      this.forks!.trace?.(`asyncify ${name}: the output an earlier run kept`);
      return compile(kept).catch(() => this.asyncifyAndKeep(bytes, storeKey, name));
    }
    return this.asyncifyAndKeep(bytes, storeKey, name);
  }

  /** The host's pass on `bytes`, its output kept under `storeKey` (when there is a store), compiled. */
  private async asyncifyAndKeep(bytes: Uint8Array, storeKey: string, name: string): Promise<WebAssembly.Module> {
    const { asyncify, store, log, trace } = this.forks!;
    trace?.(`asyncify ${name}: Binaryen's pass${store ? ', its output kept for the next run' : ''}`);
    let out: Uint8Array;
    try {
      out = await asyncify!(bytes);
    } catch (e) {
      return this.cannotFork(bytes, name, `asyncify failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    const [module, failed] = await Promise.all([compile(out), store ? saveAsyncified(store, storeKey, out, (b) => digest(b, this.sha256)) : null]);
    if (failed) log(`tabkernel: ${name}: the asyncified program is not kept for the next run: ${failed.message}`);
    return module;
  }

  /** `bytes` compiled as they are, fork failing with ENOSYS; the log says why. */
  private cannotFork(bytes: Uint8Array, name: string, why: string): Promise<WebAssembly.Module> {
    this.forks!.log(`tabkernel: ${name}: fork() will fail with ENOSYS: ${why}`);
    return compile(bytes);
  }
}

/** A cache key for a stored program's name, apart from the digests'. */
function storedKey(stored: string): string {
  return `${stored} as stored`;
}

/** Modules whose memory the runtime supplies (proc/memimport.ts), with its type. */
const suppliedMemory = new WeakMap<WebAssembly.Module, MemoryType>();

async function compile(bytes: Uint8Array): Promise<WebAssembly.Module> {
  const rewritten = importMemory(bytes);
  if (rewritten) return compileRewritten(rewritten.bytes, rewritten.type);
  const module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  problemsOf.set(module, findProblems(readInterface(bytes) ?? namesOnly(module, false)));
  return module;
}

/** A module whose memory import the runtime supplies (proc/memimport.ts). */
async function compileRewritten(bytes: Uint8Array, type: MemoryType): Promise<WebAssembly.Module> {
  const module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  suppliedMemory.set(module, type);
  // The program's own imports and exports: not the supplied memory's import.
  const face = readInterface(bytes);
  problemsOf.set(module, findProblems(face ? { ...face, imports: face.imports.filter((i) => !isSuppliedMemory(i)) } : namesOnly(module, true)));
  return module;
}

function isSuppliedMemory(i: { module: string; name: string; kind: string }): boolean {
  return i.kind === 'memory' && i.module === MEMORY_IMPORT.module && i.name === MEMORY_IMPORT.name;
}

/** The type of the memory the runtime must create for `module`, if it supplies it. */
export function memoryTypeOf(module: WebAssembly.Module): MemoryType | undefined {
  return suppliedMemory.get(module);
}

/** The SHA-256 of `bytes`, or of the pieces one after the other (those need the host's hash). */
export async function digest(bytes: Uint8Array | Uint8Array[], sha256?: Sha256Factory): Promise<string> {
  if (sha256) {
    const h = await sha256();
    for (const piece of Array.isArray(bytes) ? bytes : [bytes]) h.update(piece);
    return h.hex();
  }
  if (Array.isArray(bytes)) throw new TypeError('digest: pieces need the host\'s SHA-256');
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** importProblems' answers: a module is judged once, when it is compiled, not at every spawn. */
const problemsOf = new WeakMap<WebAssembly.Module, string[]>();

/**
 * Why no process could run `module`, one phrase each ("unknown import: env::f",
 * "mistyped import: …: expected …, found …", "no _start export"); [] if it can run.
 */
export function importProblems(module: WebAssembly.Module): string[] {
  let problems = problemsOf.get(module);
  if (!problems) problemsOf.set(module, (problems = findProblems(namesOnly(module, suppliedMemory.has(module)))));
  return problems;
}

/** Why a module of this interface could not run (importProblems' phrases). */
export function findProblems(face: ModuleInterface): string[] {
  const unknown: string[] = [];
  const mistyped: string[] = [];
  for (const imp of face.imports) {
    const what = `${imp.module}::${imp.name}`;
    const sig = Object.hasOwn(importSignatures, imp.module) && Object.hasOwn(importSignatures[imp.module], imp.name)
      ? importSignatures[imp.module][imp.name]
      : imp.module === INVOKE_MODULE ? invokeSignature(imp.name) : undefined;
    if (!sig) unknown.push(what);
    else if (imp.kind !== 'function') mistyped.push(`mistyped import: ${what}: expected a function, found a ${imp.kind}`);
    else if (imp.type && !matches(imp.type, sig)) mistyped.push(`mistyped import: ${what}: expected ${formatSignature(sig)}, found ${formatFuncType(imp.type)}`);
  }
  const problems = unknown.length > 0 ? [`unknown import${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`] : [];
  problems.push(...mistyped);
  const entry = entryProblem(face);
  if (entry) problems.push(entry);
  // The runtime reads and writes the program's memory through this export (runtime/start.ts).
  const memory = face.exports.find((e) => e.name === 'memory');
  if (!memory) problems.push('no memory export (a WASI command exports its memory as "memory")');
  else if (memory.kind !== 'memory') problems.push(`mistyped memory export: expected a memory, found a ${memory.kind}`);
  return problems;
}

function entryProblem(face: ModuleInterface): string | null {
  const { name, signature } = ENTRY_POINT;
  const start = face.exports.find((e) => e.name === name);
  if (!start) {
    const reactor = face.exports.some((e) => e.name === '_initialize');
    return `no ${name} export${reactor ? ' (a WASI reactor, exporting _initialize, is a library: only commands run)' : ''}`;
  }
  if (start.kind !== 'function') return `mistyped ${name} export: expected a function, found a ${start.kind}`;
  if (start.type && !matches(start.type, signature)) return `mistyped ${name} export: expected ${formatSignature(signature)}, found ${formatFuncType(start.type)}`;
  return null;
}

function matches(t: FuncType, [params, result]: Signature): boolean {
  const results = result === null ? [] : [result];
  return t.params.length === params.length && t.params.every((p, i) => p === params[i])
    && t.results.length === results.length && t.results.every((r, i) => r === results[i]);
}

function formatSignature([params, result]: Signature): string {
  return formatFuncType({ params: [...params], results: result === null ? [] : [result] });
}

/**
 * What the engine reports of a module whose binary this reader cannot read
 * (proc/wasmsections.ts): names and kinds, no types. The runtime's memory
 * import is left out when the runtime supplies it.
 */
function namesOnly(module: WebAssembly.Module, memorySupplied: boolean): ModuleInterface {
  const isSupplied = (i: WebAssembly.ModuleImportDescriptor): boolean => memorySupplied && isSuppliedMemory(i);
  return {
    // The engine names kinds as ExternKind does ('function', 'memory', …).
    imports: WebAssembly.Module.imports(module).filter((i) => !isSupplied(i)).map(({ module, name, kind }) => ({ module, name, kind: kind as ExternKind })),
    exports: WebAssembly.Module.exports(module).map(({ name, kind }) => ({ name, kind: kind as ExternKind })),
  };
}

/** usesTabkernel's answers, per module. */
const tabkernelUsers = new WeakMap<WebAssembly.Module, boolean>();

/** Whether `module` is built on tabkernel's libc extension (it imports the `tabkernel` module). */
export function usesTabkernel(module: WebAssembly.Module): boolean {
  let uses = tabkernelUsers.get(module);
  if (uses === undefined) tabkernelUsers.set(module, (uses = WebAssembly.Module.imports(module).some((i) => i.module === 'tabkernel')));
  return uses;
}
