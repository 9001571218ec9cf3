// When an integration test fails (a hang ends in a timeout), print the state of
// the in-process kernels it made (test/support/kernel.ts): which call each
// process is in and what its syscall page says.
import { afterEach } from 'vitest';
import { liveKernels } from './kernel.js';

afterEach((ctx) => {
  if (ctx.task.result?.state === 'fail') {
    for (const k of liveKernels) console.error(`kernel state after "${ctx.task.name}":\n${k.describe()}`);
  }
  liveKernels.clear();
});
