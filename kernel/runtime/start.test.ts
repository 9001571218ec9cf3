import { describe, expect, it } from 'vitest';
import { wasmBacktrace } from './start.js';

describe('trap backtraces', () => {
  it('keeps the wasm frames, named or not, innermost first, and drops the runtime\'s', () => {
    const stack = [
      'RuntimeError: unreachable',
      '    at wasm://wasm/000189fa:wasm-function[30]:0x58c3',
      '    at my_func (wasm://wasm/000189fa:wasm-function[12]:0x1a2)',
      '    at runProcess (file:///work/dist/process-worker.js:1656:7)',
      '    at [nodejs.internal.kHybridDispatch] (node:internal/event_target:831:20)',
    ].join('\n');
    expect(wasmBacktrace(stack)).toBe('    wasm backtrace:\n        0: 0x58c3 - <wasm function 30>\n        1: 0x1a2 - my_func\n');
  });

  it('says nothing when the stack has no wasm frame', () => {
    expect(wasmBacktrace('Error: x\n    at f (file:///a.js:1:1)')).toBe('');
  });
});
