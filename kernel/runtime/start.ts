// The process side of a spawn: instantiate the program with the WASI and
// tabkernel imports, run `_start`, and report how it ended. A forked child
// starts from its parent's memory image instead. Host entries
// (kernel/host/*/process-worker.ts) deliver the StartMessage and call runProcess.
import { NR } from '../abi/syscalls.js';
import type { ForkImage, StartMessage } from '../host/protocol.js';
import { Forker } from './fork.js';
import { GuestMemory } from './memory.js';
import { PipeFastPath } from './pipes.js';
import { SignalRunner } from './signals.js';
import { SyscallClient } from './syscall.js';
import { tabkernelImports } from './tabkernel.js';
import { ProcExit, wasiImports } from './wasi.js';

/** Exit status of a trapped program: 128 + SIGABRT, as wasmtime reports it. */
export const TRAP_STATUS = 134;

type ImportFn = (...a: never[]) => unknown;

export function runProcess(msg: StartMessage, post: (m: ForkImage, transfer: ArrayBuffer[]) => void): void {
  const sys = new SyscallClient(msg.page, msg.bell);
  let mem: GuestMemory | null = null;
  const getMem = (): GuestMemory => mem!;
  const forker = new Forker(sys, post);
  const signals = new SignalRunner(sys);
  const pipes = new PipeFastPath(sys, msg.pipes, msg.bell);
  const wrapAll = (o: Record<string, ImportFn>): Record<string, WebAssembly.ImportValue> =>
    Object.fromEntries(Object.entries(o).map(([k, f]) => [k, signals.wrap(f, () => forker.busy) as unknown as WebAssembly.ImportValue]));
  try {
    const imports = {
      wasi_snapshot_preview1: wrapAll(wasiImports(sys, getMem, msg.argv, msg.env, pipes) as Record<string, ImportFn>),
      tabkernel: wrapAll(tabkernelImports(sys, getMem, forker.fork as (...a: never[]) => number, pipes) as Record<string, ImportFn>),
    };
    const instance = new WebAssembly.Instance(msg.module, imports);
    const memory = instance.exports.memory;
    if (!(memory instanceof WebAssembly.Memory)) {
      exitWith(sys, 1, `tabkernel: ${msg.argv[0]}: the module exports no memory`);
      return;
    }
    mem = new GuestMemory(memory);
    forker.attach(instance.exports);
    signals.attach(instance.exports);
    const start = instance.exports._start;
    if (typeof start !== 'function') {
      exitWith(sys, 1, `tabkernel: ${msg.argv[0]}: the module exports no _start function`);
      return;
    }
    if (msg.fork) forker.adopt(msg.fork);
    do start(); while (forker.resumeAfterUnwind());
    exitWith(sys, 0, '');
  } catch (e) {
    if (e instanceof ProcExit) return;
    exitWith(sys, TRAP_STATUS, trapMessage(msg.argv[0] ?? 'program', e));
  }
}

function exitWith(sys: SyscallClient, status: number, message: string): void {
  sys.begin().num(0, status);
  sys.str(1, message.slice(0, 16384));
  sys.call(NR.proc_exit);
}

function trapMessage(prog: string, e: unknown): string {
  if (e instanceof Error) {
    const kind = e instanceof WebAssembly.RuntimeError || e instanceof RangeError ? 'wasm trap' : e.name;
    return `Error: failed to run main module \`${prog}\`\n\nCaused by:\n    ${kind}: ${e.message}\n${e.stack ?? ''}`;
  }
  return `Error: failed to run main module \`${prog}\`: ${String(e)}`;
}
