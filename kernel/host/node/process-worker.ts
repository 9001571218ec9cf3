// Entry of a process worker in Node: wait for the kernel's StartMessage, run.
import { parentPort } from 'node:worker_threads';
import type { StartMessage } from '../protocol.js';
import { runProcess } from '../../runtime/start.js';

const port = parentPort!;
port.once('message', (msg: StartMessage) => {
  runProcess(msg, (m, transfer) => port.postMessage(m, transfer));
  port.close();
});
