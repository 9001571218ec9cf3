// A terminal driven by a test: a kernel whose console is a PTY (as with
// `tabkernel run -t` and the page), keys typed into it, and what the programs
// showed — as the raw byte stream, and as a screen drawn from it by a small
// model of the terminal (enough of ECMA-48 for the shell's line editor).
import path from 'node:path';
import { NodeHost } from '../../kernel/host/node/host.js';
import type { HostStream } from '../../kernel/hostapi.js';
import { Kernel } from '../../kernel/kernel.js';
import { asyncifyWorker, processWorker, root } from './kernel.js';

export interface TerminalKernel {
  kernel: Kernel;
  /** Type keys (UTF-8) at the terminal. */
  type: (s: string) => void;
  /** Everything written to the terminal so far, decoded. */
  screen: () => string;
  /** Poll until `pred` holds or `ms` pass (it does not throw). */
  until: (pred: () => boolean, ms?: number) => Promise<void>;
}

/** A kernel whose terminal is driven by the test: type() feeds keys, screen() is what was shown. */
export function terminalKernel(): TerminalKernel {
  const shown: number[] = [];
  const keys: Uint8Array[] = [];
  let waiting: ((d: Uint8Array | null) => void) | null = null;
  const stdin: HostStream = {
    isatty: true,
    read(_max, done) {
      const k = keys.shift();
      if (k) setTimeout(() => done(k), 0);
      else waiting = done;
    },
  };
  const out: HostStream = { isatty: true, write: (d) => (shown.push(...d), true) };
  const kernel = new Kernel(new NodeHost({ processWorker, asyncifyWorker, stdio: [stdin, out, out], rootfs: path.join(root, 'userland/rootfs') }));
  const type = (s: string) => {
    const k = new TextEncoder().encode(s);
    if (waiting) {
      const w = waiting;
      waiting = null;
      w(k);
    } else keys.push(k);
  };
  const screen = () => new TextDecoder().decode(Uint8Array.from(shown));
  const until = async (pred: () => boolean, ms = 10_000) => {
    const end = Date.now() + ms;
    while (!pred() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  };
  return { kernel, type, screen, until };
}

/**
 * The rows a terminal `cols` wide would show after `text`: printable
 * characters (wrapping at the right margin), CR, LF, BS, and the sequences
 * CUF (ESC[nC), CUB (ESC[nD), EL (ESC[K), CUP home (ESC[H) and ED (ESC[2J);
 * SGR (ESC[...m) and other CSI sequences change nothing. Rows are
 * right-trimmed; trailing empty rows are dropped.
 */
export function render(text: string, cols = 80): string[] {
  const rows: string[][] = [[]];
  let row = 0;
  let col = 0;
  const line = () => (rows[row] ??= []);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\x1b' && text[i + 1] === '[') {
      let j = i + 2;
      while (j < text.length && !/[\x40-\x7e]/.test(text[j])) j++;
      const param = text.slice(i + 2, j);
      const n = Math.max(1, Number(param) || 0);
      switch (text[j]) {
        case 'C': col = Math.min(cols - 1, col + n); break;
        case 'D': col = Math.max(0, col - n); break;
        case 'K': line().length = Math.min(line().length, col); break;
        case 'H': row = 0; col = 0; break;
        case 'J': if (param === '2') rows.length = 0; break;
      }
      i = j;
    } else if (c === '\r') {
      col = 0;
    } else if (c === '\n') {
      row++;
    } else if (c === '\b') {
      col = Math.max(0, col - 1);
    } else if (c >= ' ') {
      if (col >= cols) {
        row++;
        col = 0;
      }
      const l = line();
      while (l.length < col) l.push(' ');
      l[col++] = c;
    }
  }
  const out = Array.from(rows, (r) => (r ?? []).join('').trimEnd());
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}
