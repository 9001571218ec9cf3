// The process side of a spawn: instantiate the program with the WASI imports,
// run `_start`, and report how it ended. Host entries (kernel/host/*/process-worker.ts)
// deliver the StartMessage and call runProcess.
import { NR } from '../abi/syscalls.js';
import type { StartMessage } from '../host/protocol.js';
import { GuestMemory } from './memory.js';
import { SyscallClient } from './syscall.js';
import { ProcExit, wasiImports } from './wasi.js';

/** Exit status of a trapped program: 128 + SIGABRT, as wasmtime reports it. */
export const TRAP_STATUS = 134;

export function runProcess(msg: StartMessage): void {
  const sys = new SyscallClient(msg.page, msg.bell);
  let mem: GuestMemory | null = null;
  const getMem = (): GuestMemory => mem!;
  try {
    const imports = wasiImports(sys, getMem, msg.argv, msg.env);
    const instance = new WebAssembly.Instance(msg.module, {
      wasi_snapshot_preview1: imports as unknown as Record<string, WebAssembly.ImportValue>,
    });
    const memory = instance.exports.memory;
    if (!(memory instanceof WebAssembly.Memory)) {
      exitWith(sys, 1, `tabkernel: ${msg.argv[0]}: the module exports no memory`);
      return;
    }
    mem = new GuestMemory(memory);
    const start = instance.exports._start;
    if (typeof start !== 'function') {
      exitWith(sys, 1, `tabkernel: ${msg.argv[0]}: the module exports no _start function`);
      return;
    }
    start();
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
