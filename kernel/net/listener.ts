// A listening socket's backlog: connections made to it and not yet accepted.
// A connect completes at once — the guest's loopback has no handshake to
// wait for — so what waits here is an established connection's far end
// (connection.ts), with the addresses its accepted socket will report. A
// guest's connect finds the backlog full (listen()'s backlog + 1, as Linux
// lets one more in) and waits for room, or fails with EAGAIN under
// O_NONBLOCK; the host's connections (hostconn.ts) are always let in.
// Closing the listener resets every connection still waiting.
// Spec: POSIX listen(2), accept(2).
import { SOMAXCONN } from '../abi/socket.js';
import { WaitQueue } from '../proc/waitqueue.js';
import type { SockAddr } from './address.js';
import type { Endpoint } from './connection.js';

export interface PendingConnection {
  end: Endpoint;
  /** The accepted socket's own address, and its peer's. */
  local: SockAddr;
  peer: SockAddr;
}

export class Listener {
  readonly pending: PendingConnection[] = [];
  /** Woken when a connection arrives (accept, poll) and when one is taken (room for connects). */
  readonly queue = new WaitQueue();
  private capacity = 1;

  constructor(backlog: number) {
    this.setBacklog(backlog);
  }

  /** listen(2) again changes the backlog; past SOMAXCONN it is cut to it, below 0 taken as 0. */
  setBacklog(backlog: number): void {
    this.capacity = Math.min(Math.max(0, Math.trunc(backlog) || 0), SOMAXCONN) + 1;
  }

  get full(): boolean {
    return this.pending.length >= this.capacity;
  }

  offer(c: PendingConnection): void {
    this.pending.push(c);
    this.queue.wake();
  }

  take(): PendingConnection | undefined {
    const c = this.pending.shift();
    if (c) this.queue.wake();
    return c;
  }

  /** The listener is closing: every connection waiting is reset. */
  close(): void {
    for (const c of this.pending.splice(0)) c.end.abort();
    this.queue.wake();
  }
}
