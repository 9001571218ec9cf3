// Entry of a process worker in Node: run each program the kernel hands over.
// A worker is reused after its program exits (runProcess returns), so it
// listens for the next StartMessage rather than just one.
import { parentPort } from 'node:worker_threads';
import type { StartMessage } from '../../abi/messages.js';
import { runProcess } from '../../runtime/start.js';

const port = parentPort!;
port.on('message', (msg: StartMessage) => {
  if (msg.type === 'start') runProcess(msg, (m, transfer) => port.postMessage(m, transfer));
});
