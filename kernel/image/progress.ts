// A pull's progress as people see it, and a push's. PullMeter follows each
// layer of one pull (image/pull.ts's LayerProgress; a push's blobs, push.ts,
// the same way): its rate since it began, and whether an update is worth
// passing on now — a layer's start and end always, between them at most
// every PROGRESS_MS. ProgressText turns those updates into the text of a
// stream, as `docker pull` does: on a terminal a bar per layer, redrawn in
// place; otherwise one line per finished layer ("exists", "mounted" or
// "pushed" for a push's blob).
// One meter and one renderer for every front end: the CLI's stderr
// (host/node/images.ts), the fd a process names in tk_image
// (syscall/image.ts), the page's status line (PullReport through the Host,
// hostapi.ts; host/browser/pull.ts for the page's own pulls).
import type { LayerProgress } from './pull.js';

/** The shortest gap between two updates of one layer, in ms. */
export const PROGRESS_MS = 100;

/** A layer's progress with its rate. */
export interface LayerUpdate extends LayerProgress {
  /** Bytes per second since the layer began (0 for a layer the store held). */
  rate: number;
  /** The layer's last update: it was in the store, or every byte is in. */
  end: boolean;
}

/** How a pull a process asked for goes, for the host (Host.pullProgress). */
export interface PullReport {
  /** The process that asked. */
  pid: number;
  /** The reference as the process named it. */
  reference: string;
  /** A layer's progress (absent in the last report). */
  layer?: LayerUpdate;
  /** Set in the last report: the pull's outcome. */
  end?: 'done' | 'failed';
  /** With end 'failed': why. */
  error?: string;
}

export class PullMeter {
  private readonly layers = new Map<string, { start: number; shown: number; done: number }>();
  /** Bytes fetched so far, over every layer (a layer the store held counts none). */
  bytes = 0;

  /** `now`: a clock in ms (performance.now, Date.now). */
  constructor(private readonly now: () => number, private readonly everyMs = PROGRESS_MS) {}

  /** `p` with its rate when it is worth showing now; null when its layer was shown less than everyMs ago. */
  update(p: LayerProgress): LayerUpdate | null {
    const now = this.now();
    let l = this.layers.get(p.digest);
    if (!l) this.layers.set(p.digest, (l = { start: now, shown: -Infinity, done: 0 }));
    if (!p.cached) this.bytes += p.done - l.done;
    l.done = p.done;
    const end = p.cached || p.done >= p.total;
    if (!end && p.done > 0 && now - l.shown < this.everyMs) return null;
    l.shown = now;
    const rate = p.cached ? 0 : p.done / Math.max((now - l.start) / 1000, 1e-3);
    return { ...p, rate, end };
  }
}

export const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);
/** A digest's first 12 hex digits, as Docker shows image and layer ids. */
export const shortDigest = (digest: string): string => digest.replace(/^sha256:/, '').slice(0, 12);

const BAR_WIDTH = 24;

export class ProgressText {
  /** A bar is drawn whose line is not ended yet. */
  private open = false;

  /**
   * `tty`: whether the text goes to a terminal (bars) or not (lines); `noun`
   * what each line counts (a pull's layers, a push's blobs).
   */
  constructor(private readonly tty: boolean, private readonly noun: 'layer' | 'blob' = 'layer') {}

  /** The text that shows `u` ('' when there is nothing to show). */
  text(u: LayerUpdate): string {
    const head = `${this.noun} ${u.index + 1}/${u.count} ${shortDigest(u.digest)}`;
    // A pull's layer: cached, or its rate; a push's blob: exists, mounted, or pushed at its rate.
    const rate = u.cached ? (u.outcome ?? 'cached') : `${u.outcome ? `${u.outcome}, ` : ''}${mb(u.rate)} MB/s`;
    if (!this.tty) return u.end ? `${head}: ${mb(u.total)} MB, ${rate}\n` : '';
    const filled = u.total > 0 ? Math.min(BAR_WIDTH, Math.round((BAR_WIDTH * u.done) / u.total)) : BAR_WIDTH;
    const bar = `[${'#'.repeat(filled)}${' '.repeat(BAR_WIDTH - filled)}]`;
    this.open = !u.end;
    // CR and erase-line redraw the bar in place; the layer's last one ends its line.
    return `\r\x1b[K${head} ${bar} ${mb(u.done)} of ${mb(u.total)} MB, ${rate}${u.end ? '\n' : ''}`;
  }

  /** What ends the progress (a pull that failed mid-layer leaves a bar's line open). */
  finish(): string {
    const end = this.open ? '\n' : '';
    this.open = false;
    return end;
  }
}
