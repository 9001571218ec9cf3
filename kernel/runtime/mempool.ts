// The linear memories a process worker supplies to the programs it runs
// (proc/memimport.ts): shared memories of the type the program declared. A worker runs one program at a time and is reused after
// a clean exit; when it is, it keeps the memory of the program that ended, so a
// fork child it runs next can take over memory whose pages are already touched
// instead of faulting in fresh ones while it copies its parent's image. The
// kernel learns the kept size from proc_exit and sends fork children of that
// size to this worker. A kept memory is only ever given to a fork child, whose
// parent's image then overwrites every byte of it.
import type { MemoryType } from '../abi/imports.js';

const PAGE = 65536;
/** The largest memory a worker keeps for reuse (256 MiB). */
const MAX_KEPT_PAGES = 4096;
/** keepMemoryOnExit's answer for a worker to end rather than reuse (proc/workers.ts). */
export const RETIRE = -1;

interface Supplied {
  memory: WebAssembly.Memory;
  maximum: number;
}

let kept: Supplied | null = null;
let current: Supplied | null = null;

/**
 * The memory for a program of type `type`: for a fork child (`pages` given,
 * its parent's size) the kept memory when it fits exactly, otherwise a new one.
 */
export function supplyMemory(type: MemoryType, pages?: number): WebAssembly.Memory {
  let s: Supplied;
  if (pages !== undefined && kept && kept.memory.buffer.byteLength === pages * PAGE && fits(kept, type)) {
    s = kept;
    kept = null;
  } else {
    const memory = new WebAssembly.Memory({ initial: pages ?? type.initial, maximum: type.maximum, shared: true });
    s = { memory, maximum: type.maximum };
  }
  current = s;
  return s.memory;
}

/** The running program's memory supplied by this worker, if any (for the fork image size). */
export function suppliedMemory(): WebAssembly.Memory | null {
  return current?.memory ?? null;
}

/**
 * The running program is ending cleanly: keep its memory for the next fork
 * child and return its size in pages (0: nothing kept). A memory too large to
 * keep answers RETIRE: an idle worker's isolate may not collect it for a long
 * time (a memory bomb's 1 GiB stayed resident after the program had ended), so
 * the kernel ends this worker instead of reusing it, and the memory goes with it.
 */
export function keepMemoryOnExit(): number {
  const s = current;
  current = null;
  kept = null;
  if (!s) return 0;
  const pages = s.memory.buffer.byteLength / PAGE;
  if (pages > MAX_KEPT_PAGES) return RETIRE;
  kept = s;
  return pages;
}

/** A memory can stand in for an import of `type` if its maximum is within the import's. */
function fits(s: Supplied, type: MemoryType): boolean {
  return s.maximum <= type.maximum;
}
