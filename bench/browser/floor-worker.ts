// A floor worker in the browser (a nested Web Worker): one message, one job
// (core/floor.ts), or a busy loop for --load (core/load.ts).
import { floorMain, type FloorMessage } from '../core/floor.js';
import { isLoadMessage, loadMain, type LoadMessage } from '../core/load.js';

import { scope } from './scope.js';
scope.addEventListener('message', (e: MessageEvent) => {
  const msg = e.data as FloorMessage | LoadMessage;
  if (isLoadMessage(msg)) loadMain(msg, (r) => scope.postMessage(r));
  else void floorMain(msg, (r) => scope.postMessage(r));
}, { once: true });
