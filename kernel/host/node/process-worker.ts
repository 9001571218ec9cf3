// Entry of a process worker in Node: wait for the kernel's StartMessage, run.
import { parentPort } from 'node:worker_threads';
import type { StartMessage } from '../protocol.js';
import { runProcess } from '../../runtime/start.js';

parentPort!.once('message', (msg: StartMessage) => {
  runProcess(msg);
  parentPort!.close();
});
