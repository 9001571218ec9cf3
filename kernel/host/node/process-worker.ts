// Entry of a process worker in Node (dist/process-worker.js): its body,
// dist/process-main.js (process-main.ts), compiled from V8's code cache as the
// CLI compiles runner.js (codecache.ts). A worker's boot is on the path of
// every start and of every spawn that finds no idle worker: the cache makes
// the body ready ~6 ms sooner than Node's own loading of it (parse, UTF-8).
// The cache is written once, by the first worker that finds none, right after
// the body's top level ran: a worker has no exit of its own to wait for (the
// kernel terminates it).
import { fileURLToPath } from 'node:url';
import { requireCached } from './codecache.js';

requireCached(fileURLToPath(new URL('./process-main.js', import.meta.url)), 'now');
