// The host's stdout in the browser, with flow control for the console PTY.
// Each write goes to the page as an OutputNotice (abi/messages.ts). xterm.js draws
// some MB/s; a program such as `yes` writes faster, and unread messages would
// pile up in the page (xterm drops data past 50 MB, with an error). So the page
// acknowledges the bytes it has drawn (AckRequest, messages.ts), and while more
// than HIGH bytes are unacknowledged the console PTY stops pushing its output
// here (Pty.sink) and holds it, as a PTY holds output that nobody reads from
// its master — up to its limit, after which the programs writing to it wait
// (kernel/tty/pty.ts). Acknowledgements bring the held output out in slices
// and, once none is left and the page has caught up, turn pushing back on.
// Signal keys are unaffected: input still reaches the line discipline at once,
// so Ctrl-C stops `yes` even while its output waits.
import type { HostStream } from '../../hostapi.js';
import type { Pty } from '../../tty/pty.js';

/** Unacknowledged bytes above which the console's output is held in its PTY. */
const HIGH = 512 * 1024;
/** ...and below which it flows again. */
const LOW = 128 * 1024;
/** Held output goes out at most this much per message. */
const SLICE = 64 * 1024;

export class ConsoleOutput implements HostStream {
  readonly isatty = false;
  /** Bytes posted to the page that it has not acknowledged yet. */
  private unacked = 0;
  /** The console PTY while its output is held, with the sink to give back. */
  private held: { pty: Pty; sink: (bytes: Uint8Array) => void } | null = null;

  /**
   * `post` sends bytes to the page (as OutputNotice fd 1); `consolePty` is the
   * kernel's console PTY, if a run with a terminal has attached one.
   */
  constructor(
    private readonly post: (data: Uint8Array) => void,
    private readonly consolePty: () => Pty | null,
  ) {}

  write(data: Uint8Array): boolean {
    this.send(data);
    if (this.unacked > HIGH) this.hold();
    return true;
  }

  /** The page has drawn `bytes` more bytes. */
  ack(bytes: number): void {
    this.unacked = Math.max(0, this.unacked - bytes);
    if (this.held && this.unacked <= LOW) this.drain(HIGH);
  }

  /** Send everything still held, whatever the page's backlog (before the exit notice). */
  flush(): void {
    if (this.held) this.drain(Infinity);
  }

  private send(data: Uint8Array): void {
    this.unacked += data.length;
    // Copy: `data` may be a view of memory the kernel reuses; the copy is ours to transfer.
    this.post(data.slice());
  }

  private hold(): void {
    const pty = this.consolePty();
    if (this.held || !pty?.sink) return; // not the console's output: nothing to hold back
    this.held = { pty, sink: pty.sink };
    pty.sink = null;
  }

  /** Send held output until `limit` bytes are in flight; push mode again once none is held. */
  private drain(limit: number): void {
    const { pty, sink } = this.held!;
    // takeOutput wakes the PTY's queue: writers parked on a full PTY go on.
    while (pty.pendingOutput > 0 && this.unacked < limit) this.send(pty.takeOutput(SLICE));
    if (pty.pendingOutput > 0) return;
    pty.sink = sink;
    this.held = null;
  }
}
