// A floor worker in Node (worker_threads): one message, one job (core/floor.ts).
import { parentPort } from 'node:worker_threads';
import { floorMain, type FloorMessage } from '../core/floor.js';

parentPort!.once('message', (msg: FloorMessage) => void floorMain(msg, (r) => parentPort!.postMessage(r)));
