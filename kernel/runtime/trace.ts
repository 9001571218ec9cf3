// TABKERNEL_TRACE inside the process: one wrapper per import that reports the
// calls the runtime answered without the kernel (clocks, random bytes,
// arguments, reads and writes of shared pipes, /dev/null). Calls that reached
// the kernel are traced there (syscall/dispatch.ts), with the kernel's view of
// their arguments; a line from here is marked "(in process)". Lines go to the
// kernel as notices (abi/messages.ts TraceNotice), so every trace line leaves
// through the one sink the kernel logs to.
import type { Signature } from '../abi/imports.js';
import type { WorkerNotice } from '../abi/messages.js';
import type { SyscallClient } from './syscall.js';

type ImportFn = (...a: never[]) => unknown;

export class Tracer {
  /** The process running now. */
  pid = 0;

  constructor(private readonly sys: SyscallClient, private readonly post: (m: WorkerNotice, transfer: ArrayBuffer[]) => void) {}

  /** Every function of an import module, traced; `signatures` say how many arguments each takes. */
  wrapAll<T extends Record<string, ImportFn>>(mod: T, signatures: Readonly<Record<string, Signature>>): T {
    return Object.fromEntries(Object.entries(mod).map(([name, f]) => [name, this.wrap(name, signatures[name][0].length, f)])) as T;
  }

  private wrap<F extends ImportFn>(name: string, arity: number, f: F): F {
    const g = f as unknown as (...a: unknown[]) => unknown;
    return ((...all: unknown[]) => {
      // The signal wrapper outside passes a fixed ten arguments (runtime/signals.ts).
      const args = all.slice(0, arity);
      const sent = this.sys.sent;
      let result: unknown;
      try {
        result = g(...args);
      } finally {
        // A call that ended the program (proc_exit, exec) reached the kernel, so nothing is lost here.
        if (this.sys.sent === sent) {
          const shown = result === undefined ? '' : ` = ${String(result)}`;
          this.post({ type: 'trace', pid: this.pid, line: `pid ${this.pid} ${name}(${args.map(String).join(', ')})${shown} (in process)` }, []);
        }
      }
      return result;
    }) as unknown as F;
  }
}
