// Joining two HostConnections (hostconn.ts): what comes out of one goes into
// the other, each way on its own, a read waiting for the previous write to
// be taken (so back-pressure crosses). EOF one way is passed on as end();
// once both ways are done both are closed. A failure either way (a write
// refused, or a reset: a connection whose `reset` is set after its EOF)
// resets both (abort(), where a connection has it): the far side of each
// sees ECONNRESET. Node's published ports and outbound connections use it.
import type { HostConnection } from './hostconn.js';

/** A connection that can also be reset on purpose (HostEnd, Node's sockets); others are closed. */
type Abortable = HostConnection & { abort?(): void };
const abort = (c: Abortable): void => (c.abort ? c.abort() : c.close());

export function pump(a: Abortable, b: Abortable): Promise<void> {
  let failed = false;
  const fail = (): void => {
    if (failed) return;
    failed = true;
    abort(a);
    abort(b);
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
