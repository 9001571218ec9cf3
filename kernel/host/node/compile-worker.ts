// Entry of the Node host's compile thread (compile.ts): each job's program
// read from its blob's file into a buffer of its own, with room before it for
// the memory import's rewrite in place, and compiled as the kernel's module
// cache would compile it (proc/modules.ts compileProgram). A program that
// forks is refused: its asyncified form is the module cache's to make.
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { forkPlan } from '../../proc/asyncify.js';
import { IN_PLACE_ROOM } from '../../proc/memimport.js';
import { compileProgram } from '../../proc/modules.js';
import type { CompileJob, CompileResult } from './compile.js';

const port = parentPort!;

function read({ file, at, size }: CompileJob): Uint8Array {
  const out = new Uint8Array(new ArrayBuffer(IN_PLACE_ROOM + size), IN_PLACE_ROOM, size);
  const fd = openSync(file, 'r');
  try {
    for (let got = 0; got < size;) {
      const n = readSync(fd, out, got, size - got, at + got);
      if (n === 0) throw new Error(`${file} ends at byte ${at + got}, inside a program that should end at byte ${at + size}`);
      got += n;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

port.on('message', (job: CompileJob) => {
  (async () => {
    const bytes = read(job);
    if (forkPlan(bytes) !== 'none') throw new Error('a program that forks is compiled by the kernel');
    return compileProgram(bytes, true);
  })().then(
    (compiled) => port.postMessage({ id: job.id, compiled } satisfies CompileResult),
    (e: unknown) => port.postMessage({ id: job.id, error: e instanceof Error ? e.message : String(e) } satisfies CompileResult),
  );
});
