// A floor worker in Node (worker_threads): one message, one job (core/floor.ts),
// or a busy loop for --load (core/load.ts).
import { parentPort } from 'node:worker_threads';
import { floorMain, type FloorMessage } from '../core/floor.js';
import { isLoadMessage, loadMain, type LoadMessage } from '../core/load.js';

parentPort!.once('message', (msg: FloorMessage | LoadMessage) => {
  if (isLoadMessage(msg)) loadMain(msg, (r) => parentPort!.postMessage(r));
  else void floorMain(msg, (r) => parentPort!.postMessage(r));
});
