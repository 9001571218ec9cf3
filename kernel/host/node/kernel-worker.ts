// Entry of the kernel worker in Node: build the kernel on the Node host, run
// the program the CLI asked for, report its end. Standard input is read by the
// CLI's main thread (an in-flight read of a pipe on libuv's thread pool would
// keep the OS process from exiting) and handed over on request.
import { parentPort } from 'node:worker_threads';
import tty from 'node:tty';
import { Kernel } from '../../kernel.js';
import type { HostStream } from '../../hostapi.js';
import type { ResizeRequest, RunRequest } from '../../abi/messages.js';
import { nodeImageService } from './images.js';
import { NodeHost } from './host.js';
import { outputStreams } from './output.js';

const port = parentPort!;
let pending: ((data: Uint8Array | null) => void) | null = null;

/** Stdin via the main thread: ask for a chunk, get it as a message. */
const stdin: HostStream = {
  isatty: tty.isatty(0),
  read(_max, done) {
    pending = done;
    port.postMessage({ type: 'stdin-want' });
  },
};

let kernel: Kernel | null = null;

port.on('message', async (msg: RunRequest | ResizeRequest | { type: 'stdin-data'; data: Uint8Array | null }) => {
  if (msg.type === 'resize') {
    kernel?.boot.resizeConsole(msg.rows, msg.cols);
    return;
  }
  if (msg.type === 'stdin-data') {
    const done = pending;
    pending = null;
    done?.(msg.data);
    return;
  }
  // Images: the store the CLI pulled a container's image into; the shell's `image` command.
  const images = nodeImageService(msg.insecure ?? [], msg.image?.store);
  kernel = new Kernel(new NodeHost({ stdio: [stdin, ...outputStreams()], images }), {
    trace: !!process.env.TABKERNEL_TRACE, memory: msg.memory, tmpSize: msg.tmpSize,
  });
  const notice = await kernel.boot.run(msg);
  port.postMessage(notice);
});
