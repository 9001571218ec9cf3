// The kernel-wide memory budget: one ceiling on what all guests hold together
// — the linear memories of their programs, the bytes of in-memory files, the
// rings of pipes — so that no mix of programs takes the tab or the Node
// process down (docs/LIMITS.md).
//
// The kernel allocates file data and pipe rings itself, so those are charged
// before they exist and fail cleanly (ENOSPC, ENFILE). A program's memory
// grows inside its worker (memory.grow needs no kernel call), so it is
// charged at exec, spawn and fork (ENOMEM when it cannot start), observed as it
// grows, and when the sum passes the budget the out-of-memory killer ends the
// largest process, as Linux's does when it has overcommitted
// (proc/oom.ts). RLIMIT_AS bounds each program on its own (proc/limits.ts).
// Spec: Linux's overcommit and OOM killer (Documentation/mm); tmpfs(5) for size=.

/** What the budget is spent on (as /proc/meminfo shows it). */
export const enum Use { FILES = 0, PIPES = 1 }
const USES = 2;

export class MemoryBudget {
  private readonly held = new Array<number>(USES).fill(0);
  /** The bytes programs hold now (their memories, and what a process costs besides). */
  processBytes: () => number = () => 0;

  /** `limit`: the most, in bytes, guests may hold together. */
  constructor(public limit: number) {}

  /** What the kernel holds for guests of kind `use`. */
  heldFor(use: Use): number {
    return this.held[use];
  }

  /** Everything charged: kernel-held bytes and programs' memories. */
  used(): number {
    return this.held[Use.FILES] + this.held[Use.PIPES] + this.processBytes();
  }

  /** What is left (0 when over). */
  available(): number {
    return Math.max(0, this.limit - this.used());
  }

  /** Whether `bytes` more fit now (for a program about to start). */
  fits(bytes: number): boolean {
    return this.used() + bytes <= this.limit;
  }

  /** Take `bytes` for `use` if they fit (or anyway, when `force`); false (nothing taken) if not. */
  charge(use: Use, bytes: number, force = false): boolean {
    if (!force && bytes > 0 && !this.fits(bytes)) return false;
    this.held[use] += bytes;
    return true;
  }

  /** Give back `bytes` taken for `use`. */
  release(use: Use, bytes: number): void {
    this.held[use] -= bytes;
  }
}

/** Parse a size as the CLI and the page take it: bytes, or with K, M, G, T (powers of 1024). */
export function parseSize(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) return null;
  const scale = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  const n = Math.floor(Number(m[1]) * scale);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}
