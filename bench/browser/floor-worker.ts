// A floor worker in the browser (a nested Web Worker): one message, one job (core/floor.ts).
import { floorMain, type FloorMessage } from '../core/floor.js';

import { scope } from './scope.js';
scope.addEventListener('message', (e: MessageEvent) => void floorMain(e.data as FloorMessage, (r) => scope.postMessage(r)), { once: true });
