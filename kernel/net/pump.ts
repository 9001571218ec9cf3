// Joining two HostConnections (hostconn.ts): what comes out of one goes into
// the other, each way on its own, a read waiting for the previous write to
// be taken (so back-pressure crosses). EOF one way is passed on as end();
// once both ways are done both are closed. A failure either way (a write
// refused, a reset: a connection whose `reset` is set after its EOF) closes both: the far side of each sees the connection
// end. Node's published ports and outbound connections use it.
import type { HostConnection } from './hostconn.js';

export function pump(a: HostConnection, b: HostConnection): Promise<void> {
  let failed = false;
  const fail = (): void => {
    if (failed) return;
    failed = true;
    a.close();
    b.close();
  };
  const copy = async (from: HostConnection, to: HostConnection): Promise<void> => {
    try {
      for (;;) {
        const bytes = await from.read();
        if (failed) return;
        if (bytes === null) {
          // A reset is passed on as one (HostEnd and Node's sockets say so).
          if ((from as { reset?: boolean }).reset) return fail();
          to.end();
          return;
        }
        await to.write(bytes);
      }
    } catch {
      fail();
    }
  };
  return Promise.all([copy(a, b), copy(b, a)]).then(() => {
    a.close();
    b.close();
  });
}
