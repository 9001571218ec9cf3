// Running signal handlers inside the process. When the kernel leaves a signal
// for a handler it raises the page's SIGNAL slot; after every import returns,
// the runtime checks the slot and, while the kernel hands out signals
// (sigtake), calls the handler through the libc's trampoline and restores the
// mask (sigreturn). The trampoline is found through data, not an exported
// function (which wasm-ld would wrap in the program's constructors and exit
// code): the exported global `__tk_sigtramp` is the address of the
// trampoline's function-table index, and the table is exported
// (userland/libc/signal.c). A program without it cannot run handlers, so
// installing one is refused (sigaction: ENOTSUP) instead of leaving signals
// pending for ever.
import { Slot } from '../abi/page.js';
import type { SyscallClient } from './syscall.js';

export class SignalRunner {
  private trampoline: ((sig: number, handler: number) => void) | null = null;
  private running = false;

  constructor(private readonly sys: SyscallClient) {}

  /** Run handlers through the trampoline of the program just instantiated. */
  attach(exports: WebAssembly.Exports): void {
    this.running = false;
    this.trampoline = findTrampoline(exports);
  }

  /** Whether this program can run signal handlers at all. */
  get canRunHandlers(): boolean {
    return this.trampoline !== null;
  }

  /**
   * Wrap an import so that pending handlers run when it returns. Fixed
   * parameters instead of rest arguments keep the wrapper cheap (no array per
   * call); no import takes more than ten.
   */
  wrap<F extends (...a: never[]) => unknown>(f: F, blocked: () => boolean): F {
    const sys = this.sys;
    const g = f as unknown as (...a: unknown[]) => unknown;
    return ((a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, f2: unknown, h: unknown, i: unknown, j: unknown, k: unknown) => {
      const r = g(a, b, c, d, e, f2, h, i, j, k);
      if (Atomics.load(sys.page.i32, Slot.SIGNAL) !== 0 && !blocked()) this.run();
      return r;
    }) as unknown as F;
  }

  /** A signal waits for a handler (the page's SIGNAL slot is raised). */
  pending(): boolean {
    return Atomics.load(this.sys.page.i32, Slot.SIGNAL) !== 0;
  }

  /** Run the handlers of pending signals (call after an import returned). */
  runPending(): void {
    this.run();
  }

  private run(): void {
    if (this.running || !this.trampoline) return;
    this.running = true;
    try {
      for (;;) {
        const s = this.sys;
        s.call('sigtake');
        const sig = s.retNum(0);
        if (sig === 0) break;
        const handler = s.retNum(1);
        const oldMask = s.retNum(2);
        this.trampoline(sig, handler);
        s.call('sigreturn', oldMask);
      }
    } finally {
      this.running = false;
    }
  }
}

/** The libc's trampoline: the table entry whose index is stored at `__tk_sigtramp`. */
function findTrampoline(exports: WebAssembly.Exports): ((sig: number, handler: number) => void) | null {
  const at = exports.__tk_sigtramp;
  const table = exports.__indirect_function_table;
  const memory = exports.memory;
  if (!(at instanceof WebAssembly.Global && table instanceof WebAssembly.Table && memory instanceof WebAssembly.Memory)) return null;
  const addr = Number(at.value);
  if (!(addr >= 0 && addr + 4 <= memory.buffer.byteLength)) return null;
  const index = new DataView(memory.buffer).getUint32(addr, true);
  const f: unknown = index < table.length ? table.get(index) : null;
  return typeof f === 'function' ? (f as (sig: number, handler: number) => void) : null;
}
