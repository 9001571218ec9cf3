import { describe, expect, it } from 'vitest';
import { ARG_BASE, ARG_COUNT, Cpu, DATA_OFFSET, MAX_CLOSES, PageViews, PAGE_SIZE, RET_BASE, RET_COUNT, Slot, cpuTimeNs } from './page.js';

describe('syscall page layout', () => {
  it('keeps the Int32 slots, argument cells, result cells and data window apart', () => {
    const lastSlotEnd = (Slot.RINGWAIT + 1) * 4;
    expect(ARG_BASE * 8).toBeGreaterThanOrEqual(lastSlotEnd);
    expect(RET_BASE).toBeGreaterThanOrEqual(ARG_BASE + ARG_COUNT);
    expect((RET_BASE + RET_COUNT) * 8).toBeLessThanOrEqual(Slot.FORK_CHILD * 4);
    expect((Slot.FORK_CHILD + 1) * 4).toBeLessThanOrEqual(Cpu.START * 8);
    expect((Cpu.SINCE + 1) * 8).toBeLessThanOrEqual(Slot.GONE * 4);
    expect((Slot.CLOSE_FDS + MAX_CLOSES) * 4).toBeLessThanOrEqual(DATA_OFFSET);
    expect(DATA_OFFSET % 8).toBe(0);
  });
});

describe('cpuTimeNs', () => {
  const page = (): BigInt64Array => new PageViews(new SharedArrayBuffer(PAGE_SIZE)).i64;

  it('counts the time since the start less the finished waits', () => {
    const i64 = page();
    i64[Cpu.START] = 1_000n;
    i64[Cpu.BLOCKED] = 300n;
    expect(cpuTimeNs(i64, 2_000n)).toBe(700n);
  });
  it('stops counting while a wait is in progress', () => {
    const i64 = page();
    i64[Cpu.START] = 1_000n;
    i64[Cpu.BLOCKED] = 300n;
    i64[Cpu.SINCE] = 1_500n;
    expect(cpuTimeNs(i64, 9_000n)).toBe(200n);
  });
  it('never goes below 0 (a clock read a moment early)', () => {
    const i64 = page();
    i64[Cpu.START] = 1_000n;
    expect(cpuTimeNs(i64, 900n)).toBe(0n);
  });
});
