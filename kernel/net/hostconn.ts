// The host's side of a connection with a guest: what the Node CLI's
// published ports (kernel/host/node/publish.ts) and the page's service
// worker carry HTTP through, reached as `kernel.net` (network.ts):
//   kernel.net.connect(port)  a HostConnection to the guest listening on TCP
//                             port `port` of its loopback (127.0.0.1, else ::1),
//                             or null when nobody listens there
//   kernel.net.listening()    the TCP ports with a listener, ascending
// The guest accepts it as a connection from 127.0.0.1. The host end is an
// Endpoint (connection.ts) the kernel thread drives: a read waits on the
// guest's ring, a write waits for room in it, so a slow guest holds the host
// back and the other way round. The same interface is what Host.net hands
// over for an outbound connection (outbound.ts), and pump.ts joins two.
// Shape kept stable: the page's service worker codes against it.
import { Errno, isErr } from '../abi/errno.js';
import type { Endpoint } from './connection.js';

export interface HostConnection {
  /** The next bytes from the guest; null at EOF (also after a reset or close: `reset` tells). */
  read(): Promise<Uint8Array | null>;
  /** Bytes to the guest; resolves once they are all taken (back-pressure), rejects once the guest reads no more (EPIPE). */
  write(bytes: Uint8Array): Promise<void>;
  /** shutdown(SHUT_WR): the guest reads EOF after what was written. */
  end(): void;
  /**
   * Abort both ways: the guest reads EOF and its writes fail with EPIPE —
   * or, when bytes it sent were left unread, its next call fails with
   * ECONNRESET (a close with unread data resets, as TCP's does).
   */
  close(): void;
}

/** The most bytes one read hands over. */
const READ_MAX = 64 * 1024;

export class HostEnd implements HostConnection {
  private closed = false;
  /** end() was called; read() answered EOF: once both, the connection is let go of by itself. */
  private ended = false;
  private eof = false;
  /** Writes go one after another, each once the previous one is taken. */
  private writing: Promise<void> = Promise.resolve();
  /** The connection was reset by the guest (its socket closed with bytes unread). */
  reset = false;

  constructor(private readonly ep: Endpoint) {}

  read(): Promise<Uint8Array | null> {
    return new Promise((resolve) => {
      const attempt = (): void => {
        if (this.closed) return resolve(null);
        // readReady marks the ring watched first, so a runtime's write after it rings the kernel (ipc/ring.ts).
        if (!this.ep.readReady()) {
          this.ep.readQueue.add(attempt);
          return;
        }
        const r = this.ep.read(READ_MAX);
        if (isErr(r)) {
          if (r.errno === Errno.AGAIN) {
            this.ep.readQueue.add(attempt);
            return;
          }
          this.reset = true;
          this.close();
          return resolve(null);
        }
        if (r.length === 0) {
          this.eof = true;
          if (this.ended) this.close();
          return resolve(null);
        }
        resolve(r);
      };
      attempt();
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    const copy = bytes.slice(); // the caller may reuse its buffer once the promise settles; ours waits longer
    const next = this.writing.then(() => this.writeAll(copy));
    this.writing = next.catch(() => {});
    return next;
  }

  private writeAll(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      let off = 0;
      const attempt = (): void => {
        for (;;) {
          if (this.closed) return reject(epipe('the connection was closed'));
          if (off >= bytes.length) return resolve();
          if (!this.ep.writeReady()) {
            this.ep.writeQueue.add(attempt);
            return;
          }
          const n = this.ep.write(bytes.subarray(off));
          if (isErr(n)) return reject(epipe(n.errno === Errno.CONNRESET ? 'the guest reset the connection' : 'the guest reads no more'));
          if (n === 0) {
            this.ep.writeQueue.add(attempt);
            return;
          }
          off += n;
        }
      };
      attempt();
    });
  }

  end(): void {
    if (this.closed || this.ended) return;
    this.ended = true;
    // After the writes queued so far.
    void this.writing.then(() => {
      if (this.closed) return;
      this.ep.shutdown(false, true);
      if (this.eof) this.close();
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.ep.close();
  }

  /** Reset the connection whatever is unread: the guest's next read or write fails with ECONNRESET (pump.ts). */
  abort(): void {
    if (this.closed) return;
    this.closed = true;
    this.ep.abort();
  }
}

function epipe(why: string): Error {
  return Object.assign(new Error(`EPIPE: ${why}`), { code: 'EPIPE' });
}
