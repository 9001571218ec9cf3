// The kernel's Web Worker: constructs the Kernel with the browser Host and
// serves the page's RunRequests (protocol.ts), answering each with the
// OutputNotices of its output and one ExitNotice. Started by client.ts; starts
// the process workers itself (host.ts). Mirrors kernel/host/node/kernel-worker.ts.
import { Kernel } from '../../kernel.js';
import type { ExitNotice, RunRequest } from '../protocol.js';
import { BrowserHost } from './host.js';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const host = new BrowserHost((msg, transfer) => scope.postMessage(msg, transfer));
// client.ts names the worker "tabkernel-kernel trace" to turn tracing on.
const kernel = new Kernel(host, { trace: scope.name.split(' ').includes('trace') });

scope.addEventListener('message', (e: MessageEvent<RunRequest>) => {
  const req = e.data;
  if (req?.type !== 'run') return;
  kernel.run(req).then(
    (exit) => scope.postMessage(exit),
    (err: unknown) => {
      // A kernel bug, not the program's failure: report it as a failed start.
      const exit: ExitNotice = { type: 'exit', status: 1, error: `tabkernel: kernel error: ${String(err)}` };
      scope.postMessage(exit);
    },
  );
});
