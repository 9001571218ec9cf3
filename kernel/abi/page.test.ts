import { describe, expect, it } from 'vitest';
import { ARG_BASE, ARG_COUNT, DATA_OFFSET, RET_BASE, RET_COUNT, Slot } from './page.js';

describe('syscall page layout', () => {
  it('keeps the Int32 slots, argument cells, result cells and data window apart', () => {
    const lastSlotEnd = (Slot.RINGWAIT + 1) * 4;
    expect(ARG_BASE * 8).toBeGreaterThanOrEqual(lastSlotEnd);
    expect(RET_BASE).toBeGreaterThanOrEqual(ARG_BASE + ARG_COUNT);
    expect((RET_BASE + RET_COUNT) * 8).toBeLessThanOrEqual(DATA_OFFSET);
  });
});
