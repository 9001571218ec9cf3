// Entry of the kernel worker in Node: build the kernel on the Node host, run
// the program the CLI asked for, report its end.
import { parentPort } from 'node:worker_threads';
import { Kernel } from '../../kernel.js';
import type { RunRequest } from '../protocol.js';
import { NodeHost } from './host.js';

const port = parentPort!;
port.once('message', async (req: RunRequest) => {
  const kernel = new Kernel(new NodeHost(), { trace: !!process.env.TABKERNEL_TRACE });
  const notice = await kernel.run(req);
  port.postMessage(notice);
});
