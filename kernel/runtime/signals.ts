// Running signal handlers inside the process. When the kernel leaves a signal
// for a handler it raises the page's SIGNAL slot; after every import returns,
// the runtime checks the slot and, while the kernel hands out signals
// (sigtake), calls the handler through the libc's trampoline and restores the
// mask (sigreturn). A call that a signal ended with RESTART is made again
// after the handlers when the first one has SA_RESTART, else it is EINTR. The trampoline is found through data, not an exported
// function (which wasm-ld would wrap in the program's constructors and exit
// code): the exported global `__tk_sigtramp` is the address of the
// trampoline's function-table index, and the table is exported
// (userland/libc/signal.c). A program without it cannot run handlers, so
// installing one is refused (sigaction: ENOTSUP) instead of leaving signals
// pending for ever.
import { Errno } from '../abi/errno.js';
import { Slot } from '../abi/page.js';
import { SaFlag } from '../abi/tabkernel.js';
import type { SyscallClient } from './syscall.js';

/** run()'s answer when no handler ran (sa_flags are never negative as the kernel keeps them). */
const NO_HANDLER = -1;

/** The most parameters an import may take: Signals.wrap passes this many on. */
export const WRAP_ARITY = 11;

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
   * call); no import takes more than WRAP_ARITY (signals.test.ts checks).
   */
  wrap<F extends (...a: never[]) => unknown>(f: F, blocked: () => boolean): F {
    const sys = this.sys;
    const g = f as unknown as (...a: unknown[]) => unknown;
    return ((a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, f2: unknown, h: unknown, i: unknown, j: unknown, k: unknown, l: unknown) => {
      let r = g(a, b, c, d, e, f2, h, i, j, k, l);
      while (r === Errno.RESTART) r = this.restarts(blocked()) ? g(a, b, c, d, e, f2, h, i, j, k, l) : Errno.INTR;
      if (Atomics.load(sys.page.i32, Slot.SIGNAL) !== 0 && !blocked()) this.run();
      return r;
    }) as unknown as F;
  }

  /**
   * A call came back with RESTART (a signal ended its wait, abi/syscalls.ts):
   * run the handlers, then say whether to make the call again — when the
   * first handler was installed with SA_RESTART; EINTR otherwise. Also EINTR
   * when no handler can run now (`busy`: fork's unwinding; or inside a
   * handler already) or none was left to run, rather than spin.
   */
  restarts(busy: boolean): boolean {
    if (busy) return false;
    const flags = this.run();
    return flags !== NO_HANDLER && (flags & SaFlag.RESTART) !== 0;
  }

  /** A signal waits for a handler (the page's SIGNAL slot is raised). */
  pending(): boolean {
    return Atomics.load(this.sys.page.i32, Slot.SIGNAL) !== 0;
  }

  /** Run the handlers of pending signals (call after an import returned). */
  runPending(): void {
    this.run();
  }

  /** Run every handler the kernel hands out; the sa_flags of the first, or NO_HANDLER. */
  private run(): number {
    if (this.running || !this.trampoline) return NO_HANDLER;
    this.running = true;
    let first = NO_HANDLER;
    try {
      for (;;) {
        const s = this.sys;
        s.call('sigtake');
        const sig = s.retNum(0);
        if (sig === 0) break;
        const handler = s.retNum(1);
        const oldMask = s.retNum(2);
        if (first === NO_HANDLER) first = s.retNum(3);
        this.trampoline(sig, handler);
        s.call('sigreturn', oldMask);
      }
    } finally {
      this.running = false;
    }
    return first;
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
