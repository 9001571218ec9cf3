// The body of a process worker in Node (dist/process-main.js, which the
// worker's entry, process-worker.ts, loads from its code cache): run each
// program the kernel hands over.
// A worker is reused after its program exits (runProcess returns), so it
// listens for the next StartMessage rather than just one. CLOCK_MONOTONIC is
// the host's (process.hrtime.bigint), as in the kernel's thread (host.ts).
import { parentPort } from 'node:worker_threads';
import type { StartMessage } from '../../abi/messages.js';
import { useMonotonicClock } from '../../lib/time.js';
import { runProcess } from '../../runtime/start.js';

useMonotonicClock(process.hrtime.bigint);
const port = parentPort!;
port.on('message', (msg: StartMessage) => {
  if (msg.type === 'start') runProcess(msg, (m, transfer) => port.postMessage(m, transfer));
});
