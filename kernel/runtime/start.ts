// The process side of a spawn: instantiate the program with the WASI and
// tabkernel imports, run `_start`, and report how it ended. A forked child
// starts from its parent's memory image instead. Host entries
// (kernel/host/browser/process-worker.ts, kernel/host/node/process-main.ts) deliver the StartMessage and call runProcess.
//
// A worker runs one program after another (the kernel reuses it after a clean
// exit, and exec runs the new program in it). The import objects and the
// runtime's parts are built once per worker and pointed at each new process
// (its syscall page, arguments, memory): building them took ~0.2 ms of every
// spawn, since code that runs once per process never gets optimised.
import { Errno } from '../abi/errno.js';
import type { StartMessage, WorkerNotice } from '../abi/messages.js';
import { alignMonotonic, sleepSync } from '../lib/time.js';
import { INVOKE_MODULE, MEMORY_IMPORT, tabkernelSignatures, wasiSignatures } from '../abi/imports.js';
import { Forker } from './fork.js';
import { keepMemoryOnExit, supplyMemory } from './mempool.js';
import { GuestMemory } from './memory.js';
import { PipeFastPath } from './pipes.js';
import { FdCache, type FastPaths } from './fdinfo.js';
import { FileFastPath } from './files.js';
import { PathCache } from './dentries.js';
import { SignalRunner } from './signals.js';
import { Invoker } from './sjlj.js';
import { ProcessGone, SyscallClient } from './syscall.js';
import { Tracer } from './trace.js';
import { tabkernelImports } from './tabkernel.js';
import { ProcExit, ProgramInfo, wasiImports } from './wasi.js';

/** Exit status of a trapped program: 128 + SIGABRT, as wasmtime reports it. */
export const TRAP_STATUS = 134;

type ImportFn = (...a: never[]) => unknown;

/** This worker's runtime: one set of imports, pointed at whichever process runs now. */
class WorkerRuntime {
  readonly sys: SyscallClient;
  readonly forker: Forker;
  readonly invoker = new Invoker();
  readonly signals: SignalRunner;
  /** What the fast paths know of the process's fds. */
  readonly fds: FdCache;
  private readonly files: FileFastPath;
  private readonly pipes: PipeFastPath;
  readonly program = new ProgramInfo();
  /** The running program's memory. */
  mem: GuestMemory | null = null;
  readonly imports: WebAssembly.Imports;
  /** TABKERNEL_TRACE: every import wrapped to report the calls answered here. */
  readonly tracer: Tracer | null;

  constructor(first: StartMessage, post: (m: WorkerNotice, transfer: ArrayBuffer[]) => void) {
    const sys = (this.sys = new SyscallClient(first.page, first.bell));
    const getMem = (): GuestMemory => this.mem!;
    const forker = (this.forker = new Forker(sys, post));
    const signals = (this.signals = new SignalRunner(sys));
    const files = new FileFastPath(sys, first.files, first.fileData);
    const paths = new PathCache(files.table);
    const fds = (this.fds = new FdCache(sys, paths, files.table));
    files.useFds(fds);
    const fast: FastPaths = { fds, pipes: new PipeFastPath(sys, fds, first.pipes, first.bell), files, paths };
    this.files = fast.files;
    this.pipes = fast.pipes;
    const wrapAll = (o: Record<string, ImportFn>): Record<string, WebAssembly.ImportValue> =>
      Object.fromEntries(Object.entries(o).map(([k, f]) => [k, signals.wrap(f, () => forker.busy) as unknown as WebAssembly.ImportValue]));
    const wasi = wasiImports(sys, getMem, this.program, fast);
    const tracer = (this.tracer = first.trace ? new Tracer(sys, post) : null);
    // Traced, the hot imports go through the shared wrappers too: speed does not matter then.
    const wasiMod = tracer ? tracer.wrapAll(wasi, wasiSignatures) : wasi;
    const tkMod = tabkernelImports(sys, getMem, forker.fork, this.invoker.longjmp, fast, signals);
    this.imports = {
      wasi_snapshot_preview1: { ...wrapAll(wasiMod as Record<string, ImportFn>), ...(tracer ? {} : hotImports(wasi, signals, forker)) },
      tabkernel: wrapAll((tracer ? tracer.wrapAll(tkMod, tabkernelSignatures) : tkMod) as Record<string, ImportFn>),
      [INVOKE_MODULE]: this.invoker.module as Record<string, WebAssembly.ImportValue>,
    };
  }

  /** Point the runtime at the process of `msg`; the imports to instantiate its program with. */
  enter(msg: StartMessage): WebAssembly.Imports {
    this.sys.attach(msg.page);
    if (this.tracer) this.tracer.pid = msg.pid;
    this.fds.reset();
    this.files.enter(msg.pid);
    this.pipes.enter(msg.pid);
    this.program.set(msg.argv, msg.env);
    this.mem = null;
    const imports = this.imports;
    if (msg.memory) {
      // A fork child's memory has its parent's size from the start.
      const pages = msg.fork ? msg.fork.bytes / 65536 : undefined;
      imports[MEMORY_IMPORT.module] = { [MEMORY_IMPORT.name]: supplyMemory(msg.memory, pages) };
    } else {
      delete imports[MEMORY_IMPORT.module];
    }
    return imports;
  }
}

let runtime: WorkerRuntime | null = null;

/**
 * Run the program of `msg` to its end. `serve`: for a program run in the
 * kernel's own thread (hostapi.ts WorkerHandle.inline), what serves each of
 * its calls there (kernel.ts serveInline); absent in a worker.
 */
export function runProcess(msg: StartMessage, post: (m: WorkerNotice, transfer: ArrayBuffer[]) => void, serve?: (pid: number) => boolean): void {
  alignMonotonic(msg.clockOrigin);
  const rt = (runtime ??= new WorkerRuntime(msg, post));
  const sys = rt.sys;
  sys.serveHere = serve ? () => serve(msg.pid) : null;
  try {
    runProgram(msg, rt, post);
  } catch (e) {
    if (!(e instanceof ProcessGone)) throw e;
  } finally {
    sys.serveHere = null;
  }
}

function runProgram(msg: StartMessage, rt: WorkerRuntime, post: (m: WorkerNotice, transfer: ArrayBuffer[]) => void): void {
  const { sys, forker, signals } = rt;
  try {
    const instance = instantiate(() => new WebAssembly.Instance(msg.module, rt.enter(msg)));
    const memory = instance.exports.memory;
    if (!(memory instanceof WebAssembly.Memory)) {
      exitWith(sys, 1, `tabkernel: ${msg.argv[0]}: the module exports no memory`);
      return;
    }
    rt.mem = new GuestMemory(memory);
    // The kernel watches shared memories grow against its budget (a private one it cannot see).
    if (memory.buffer instanceof SharedArrayBuffer) post({ type: 'memory', pid: msg.pid, run: msg.run, memory }, []);
    forker.attach(instance.exports);
    rt.invoker.attach(instance.exports);
    signals.attach(instance.exports);
    const start = instance.exports._start;
    if (typeof start !== 'function') {
      exitWith(sys, 1, `tabkernel: ${msg.argv[0]}: the module exports no _start function`);
      return;
    }
    if (msg.fork) forker.adopt(msg.fork, msg.pid);
    do start(); while (forker.resumeAfterUnwind());
    exitWith(sys, 0, '');
  } catch (e) {
    if (e instanceof ProcExit || e instanceof ProcessGone) return;
    exitWith(sys, TRAP_STATUS, trapMessage(msg.argv[0] ?? 'program', e));
  }
}

/**
 * Each wasm memory takes a large reservation of address space (V8: about
 * 10 GiB with its guard regions), and a browser's renderer allows a bounded
 * total. The memories of processes that just ended are given back when their
 * workers are torn down and their isolates collected, which can lag behind a
 * burst of short processes (`yes | head` 60 times): then allocating a new one
 * fails with "could not allocate memory". Wait a little for that and try
 * again, for up to a second, before the process fails.
 */
function instantiate(make: () => WebAssembly.Instance): WebAssembly.Instance {
  for (let attempt = 1; ; attempt++) {
    try {
      return make();
    } catch (e) {
      if (!(e instanceof RangeError && /allocate/i.test(e.message)) || attempt >= ALLOC_ATTEMPTS) throw e;
      sleepSync(ALLOC_PAUSE_MS);
    }
  }
}
const ALLOC_ATTEMPTS = 20;
const ALLOC_PAUSE_MS = 50;

function exitWith(sys: SyscallClient, status: number, message: string): void {
  sys.call('proc_exit', status, message.slice(0, 16384), message === '' ? keepMemoryOnExit() : 0);
}

function trapMessage(prog: string, e: unknown): string {
  if (e instanceof Error) {
    const kind = e instanceof WebAssembly.RuntimeError || e instanceof RangeError ? 'wasm trap' : e.name;
    return `Error: failed to run main module \`${prog}\`\n\nCaused by:\n    ${kind}: ${e.message}\n${wasmBacktrace(e.stack ?? '')}`;
  }
  return `Error: failed to run main module \`${prog}\`: ${String(e)}`;
}

/**
 * The guest's frames of a trap, innermost first, as wasmtime lists them
 * ("0: 0x58c3 - <wasm function 30>", with the function's name when the module
 * has a name section); the runtime's own JavaScript frames are left out.
 */
export function wasmBacktrace(stack: string): string {
  const frames: string[] = [];
  for (const line of stack.split('\n')) {
    const m = /^\s*at (?:(.+?) \()?wasm:\/\/wasm\/[^:]*:wasm-function\[(\d+)\]:(0x[0-9a-f]+)\)?$/.exec(line);
    if (!m) continue;
    const [, name, index, offset] = m;
    frames.push(`        ${frames.length}: ${offset} - ${name ?? `<wasm function ${index}>`}`);
  }
  return frames.length > 0 ? `    wasm backtrace:\n${frames.join('\n')}\n` : '';
}

/**
 * The calls programs make in loops (clocks, random bytes, reads and writes),
 * each wrapped by its own function: one shared wrapper would make its inner
 * call site megamorphic, and these are the calls where that shows.
 */
function hotImports(w: ReturnType<typeof wasiImports>, signals: SignalRunner, forker: Forker): Record<string, WebAssembly.ImportValue> {
  type F = (...a: number[]) => number;
  const clock = w.clock_time_get as unknown as (id: number, precision: bigint, ptr: number) => number;
  const random = w.random_get as unknown as F;
  const write = w.fd_write as unknown as F;
  const read = w.fd_read as unknown as F;
  const after = (r: number): number => {
    if (signals.pending() && !forker.busy) signals.runPending();
    return r;
  };
  return {
    clock_time_get: (id: number, precision: bigint, ptr: number) => after(clock(id, precision, ptr)),
    random_get: (buf: number, len: number) => after(random(buf, len)),
    // A wait a signal ended comes back RESTART: again after the handlers, or EINTR (SignalRunner.restarts).
    fd_write: (fd: number, iovs: number, n: number, ptr: number) => {
      let r = write(fd, iovs, n, ptr);
      while (r === Errno.RESTART) r = signals.restarts(forker.busy) ? write(fd, iovs, n, ptr) : Errno.INTR;
      return after(r);
    },
    fd_read: (fd: number, iovs: number, n: number, ptr: number) => {
      let r = read(fd, iovs, n, ptr);
      while (r === Errno.RESTART) r = signals.restarts(forker.busy) ? read(fd, iovs, n, ptr) : Errno.INTR;
      return after(r);
    },
  };
}
