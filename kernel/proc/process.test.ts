// A process's own state, without a kernel: the fork call's wait for this
// thread's view of a grown memory (Process.forkSourceLags).
import { describe, expect, it } from 'vitest';
import { PAGE_SIZE } from '../abi/page.js';
import type { WorkerHandle } from '../hostapi.js';
import { Process, type CurrentCall } from './process.js';

function proc(): Process {
  return new Process(2, null, ['prog'], [], new SharedArrayBuffer(PAGE_SIZE), {} as WorkerHandle, {} as WebAssembly.Module);
}

const call = (): CurrentCall => ({ name: 'fork' } as CurrentCall);

/** How many times in a row `p`'s current call is told to look again for `bytes`. */
function waits(p: Process, bytes: number): number {
  let n = 0;
  while (p.forkSourceLags(bytes)) if (++n > 1000) break;
  return n;
}

describe('process: a fork waiting for its memory view to grow', () => {
  it('goes ahead at once when the view already holds the bytes', () => {
    const p = proc();
    p.task = call();
    p.forkSource = { source: new WebAssembly.Memory({ initial: 2 }), gen: 1 };
    expect(p.forkSourceLags(2 * 65536)).toBe(false);
  });

  it('looks again at most 20 times in one call while the view lags, then goes ahead', () => {
    const p = proc();
    p.task = call();
    p.forkSource = { source: new WebAssembly.Memory({ initial: 1 }), gen: 1 };
    expect(waits(p, 2 * 65536)).toBe(20);
  });

  it('counts afresh for the next fork call', () => {
    const p = proc();
    p.forkSource = { source: new WebAssembly.Memory({ initial: 1 }), gen: 1 };
    p.task = call();
    expect(p.forkSourceLags(2 * 65536)).toBe(true);
    p.task = call();
    expect(waits(p, 2 * 65536)).toBe(20);
  });

  it('never waits on a source that is a plain SharedArrayBuffer (a copy: its size is fixed)', () => {
    const p = proc();
    p.task = call();
    p.forkSource = { source: new SharedArrayBuffer(65536), gen: 1 };
    expect(p.forkSourceLags(2 * 65536)).toBe(false);
  });
});
