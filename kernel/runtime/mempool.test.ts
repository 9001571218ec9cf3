// The memories a process worker supplies: kept for a fork child after a clean
// exit, or retired with the worker when too large to keep.
import { describe, expect, it } from 'vitest';
import { keepMemoryOnExit, RETIRE, supplyMemory } from './mempool.js';

describe('mempool', () => {
  it('keeps the memory of a program that ended and gives it to a fork child of its size', () => {
    const m = supplyMemory({ initial: 2, maximum: 16 });
    expect(keepMemoryOnExit()).toBe(2);
    expect(supplyMemory({ initial: 1, maximum: 16 }, 2)).toBe(m);
    keepMemoryOnExit();
  });

  it('answers RETIRE for a memory too large to keep, so the worker ends and the memory with it', () => {
    const big = { initial: 4097, maximum: 4097 }; // 256 MiB + 1 page, reserved, not touched
    const m = supplyMemory(big);
    expect(keepMemoryOnExit()).toBe(RETIRE);
    expect(supplyMemory(big, 4097)).not.toBe(m);
    keepMemoryOnExit();
  });
});
