// fork() for programs built without Binaryen's asyncify: the loader's side.
// runtime/fork.ts forks a program only through asyncify's exports, which
// userland/build.sh adds with wasm-opt. A program built in the tab (the
// toolchain image's `cc -ltk`) has no wasm-opt to run, so the loader runs the
// same pass on it, once per program, before it compiles (proc/modules.ts; the
// compiled module is cached under the digest of the program as given). The
// pass itself runs where the host puts Binaryen (hostapi.ts Host.asyncify):
// this file decides which programs need it, and holds the pass, for the hosts
// to run on the `binaryen` package's module they load.
// A program that uses wasm exception handling (clang's setjmp/longjmp lowering
// defines a tag) cannot be asyncified — the pass does not know its `try`s —
// so fork stays ENOSYS for it; the loader logs why.
// Spec: Binaryen's Asyncify pass (asyncify-imports); WebAssembly binary format
// §5.5 (the tag section, id 13: exception-handling proposal).
import { Malformed, sectionsOf, readInterface } from './wasmsections.js';

/** The arguments userland/build.sh gives wasm-opt: the imports that unwind. */
export const ASYNCIFY_IMPORTS = 'tabkernel.fork,env.invoke_*';

/** npm's `binaryen`, pinned in package.json (asyncify.test.ts checks the two agree). */
export const BINARYEN_VERSION = '132.0.0';

/**
 * What the pass is, for the key its output is kept under across runs
 * (proc/asyncified.ts): another Binaryen or other arguments, another key.
 */
export const ASYNCIFY_PASS = `binaryen ${BINARYEN_VERSION}: --asyncify --pass-arg=asyncify-imports@${ASYNCIFY_IMPORTS} -O2 --strip-debug --strip-producers`;

/** The exports runtime/fork.ts needs; a module that has the first has been asyncified. */
const ASYNCIFY_EXPORT = 'asyncify_start_unwind';
const FORK_IMPORT = { module: 'tabkernel', name: 'fork' };
const SECTION_TAG = 13;

/**
 * What the loader does about fork for a program: nothing ('none': it imports
 * no fork, or is asyncified already), run the pass ('asyncify'), or leave
 * fork ENOSYS, for the reason given.
 */
export type ForkPlan = 'none' | 'asyncify' | { cannot: string };

export function forkPlan(bytes: Uint8Array): ForkPlan {
  const face = readInterface(bytes);
  if (!face) return 'none';   // the engine judges it (proc/modules.ts namesOnly)
  const forks = face.imports.some((i) => i.kind === 'function' && i.module === FORK_IMPORT.module && i.name === FORK_IMPORT.name);
  if (!forks || face.exports.some((e) => e.name === ASYNCIFY_EXPORT)) return 'none';
  if (face.imports.some((i) => i.kind === 'tag') || hasTagSection(bytes)) {
    return { cannot: 'it uses WebAssembly exception handling (setjmp/longjmp), which asyncify cannot transform' };
  }
  return 'asyncify';
}

function hasTagSection(bytes: Uint8Array): boolean {
  try {
    return sectionsOf(bytes)?.some((s) => s.id === SECTION_TAG) ?? false;
  } catch (e) {
    if (e instanceof Malformed) return false;
    throw e;
  }
}

/** The part of the `binaryen` package's API the pass uses (its index.d.ts). */
export interface Binaryen {
  readBinary(data: Uint8Array): BinaryenModule;
  setPassArgument(key: string, value: string | null): void;
  setOptimizeLevel(level: number): number;
  setShrinkLevel(level: number): number;
  setDebugInfo(on: boolean): boolean;
}

interface BinaryenModule {
  runPasses(passes: readonly string[]): void;
  optimize(): void;
  emitBinary(): Uint8Array;
  dispose(): void;
}

/**
 * ASYNCIFY_PASS: `wasm-opt --asyncify --pass-arg=asyncify-imports@ASYNCIFY_IMPORTS
 * -O2 --strip-debug --strip-producers` (userland/build.sh), on the `binaryen`
 * package's module: the same bytes as that command. The features are the
 * module's own: readBinary enables those its target_features section names,
 * as wasm-opt's feature detection does. Throws what Binaryen throws.
 * Binaryen's options are global: the host runs one pass at a time.
 */
export function asyncifyWith(binaryen: Binaryen, bytes: Uint8Array): Uint8Array {
  const module = binaryen.readBinary(bytes);
  try {
    binaryen.setPassArgument('asyncify-imports', ASYNCIFY_IMPORTS);
    binaryen.setOptimizeLevel(2);
    binaryen.setShrinkLevel(0);
    binaryen.setDebugInfo(false);
    module.runPasses(['asyncify']);
    module.optimize();
    module.runPasses(['strip-debug', 'strip-producers']);
    return module.emitBinary();
  } finally {
    binaryen.setPassArgument('asyncify-imports', null);
    module.dispose();
  }
}
