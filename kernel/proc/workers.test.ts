import { describe, expect, it } from 'vitest';
import type { MemoryNotice } from '../abi/messages.js';
import type { WorkerHandle } from '../hostapi.js';
import type { Process } from './process.js';
import { WorkerPool } from './workers.js';

/** A pool over one fake worker; `send` delivers a message as from that worker. */
function pool() {
  let deliver: (msg: unknown) => void = () => {};
  const worker: WorkerHandle = {
    postMessage: () => {},
    onMessage: (cb) => (deliver = cb),
    onError: () => {},
    terminate: () => {},
  };
  const workers = new WorkerPool({ startProcessWorker: () => worker }, () => {});
  return { workers, worker: workers.take(), send: (msg: unknown) => deliver(msg) };
}

describe('the worker pool', () => {
  it('takes the memory a MemoryNotice names for the program running now', () => {
    const { workers, worker, send } = pool();
    const p = { pid: 7, runs: 1, memory: null } as unknown as Process;
    workers.bind(worker, p);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
    send({ type: 'memory', pid: 7, run: 1, memory } satisfies MemoryNotice);
    expect(p.memory).toBe(memory);
  });

  it('ignores a MemoryNotice of the program an exec replaced, which may arrive after the new one started', () => {
    // Before: the old program's notice set the new program's memory, so fd_readm
    // and fd_writem moved file bytes into and out of the wrong memory (a `sh -c
    // 'bc FILE > OUT'` that execs bc wrote an empty OUT about once in a hundred).
    const { workers, worker, send } = pool();
    const p = { pid: 7, runs: 2, memory: null } as unknown as Process;
    workers.bind(worker, p);
    const old = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
    send({ type: 'memory', pid: 7, run: 1, memory: old } satisfies MemoryNotice);
    expect(p.memory).toBeNull();
    const current = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
    send({ type: 'memory', pid: 7, run: 2, memory: current } satisfies MemoryNotice);
    expect(p.memory).toBe(current);
  });
});
