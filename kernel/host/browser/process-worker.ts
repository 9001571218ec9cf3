// A process's Web Worker: waits for the kernel's StartMessage (abi/messages.ts) and
// becomes that process through the shared runtime (kernel/runtime/start.ts),
// which blocks this worker in Atomics.wait on every syscall. Started by the
// kernel worker (host.ts). Mirrors kernel/host/node/process-main.ts.
import { runProcess } from '../../runtime/start.js';
import type { StartMessage } from '../../abi/messages.js';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.addEventListener('message', (e: MessageEvent<StartMessage>) => {
  if (e.data?.type !== 'start') return;
  runProcess(e.data, (m, transfer) => scope.postMessage(m, transfer));
});
