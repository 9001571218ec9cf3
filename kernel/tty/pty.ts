// Pseudo-terminals: a line discipline between a master side (the terminal
// emulator: xterm.js in the page, the host console with `tabkernel run -t`, or a
// program that opened /dev/ptmx) and a slave side (/dev/pts/N, the programs'
// stdin/stdout). Bytes written to the master are typed input; bytes written to
// the slave are output the master reads. Keys that mean signals go to the
// terminal's foreground process group.
// Spec: POSIX "General Terminal Interface"; posix_openpt(3), ptsname(3).
import { Errno, err, type Err } from '../abi/errno.js';
import { Filetype } from '../abi/wasi.js';
import { OpenFile } from '../fs/file.js';
import type { Stat } from '../fs/inode.js';
import { WaitQueue } from '../proc/waitqueue.js';
import { LineDiscipline } from './ldisc.js';
import type { Termios } from './termios.js';
import { Terminal, type GroupSignaller } from './terminal.js';

const OUTPUT_LIMIT = 1 << 20;

export class Pty {
  readonly ldisc = new LineDiscipline();
  /** Its job-control state and window size. */
  readonly terminal: Terminal;
  /** Output waiting for the master (after OPOST processing). */
  private out: number[] = [];
  /** Woken when input arrives, output is drained, or a side closes. */
  readonly queue = new WaitQueue();
  slaves = 0;
  masterOpen = true;
  /** When set, output goes straight here instead of waiting for a master reader. */
  sink: ((bytes: Uint8Array) => void) | null = null;

  constructor(readonly index: number, private readonly signal: GroupSignaller) {
    this.terminal = new Terminal(signal);
    this.terminal.pty = this;
  }

  /** Keyboard input (a master write). */
  input(bytes: Uint8Array): void {
    const fx = this.ldisc.receive(bytes);
    if (fx.echo.length > 0) this.emit(fx.echo);
    for (const sig of fx.signals) if (this.terminal.fgPgrp) this.signal(this.terminal.fgPgrp, sig);
    this.queue.wake();
  }

  /**
   * tcsetattr: new modes, unread input dropped first under TCSAFLUSH
   * (`flush`). A change of ICANON re-edits typed-ahead input, and echoes it
   * if it was not (ldisc.modeChanged); readers look again (VMIN, VTIME and
   * ICANON decide what is readable).
   */
  setAttr(modes: Termios, flush: boolean): void {
    const ldisc = this.ldisc;
    const wasCanonical = ldisc.canonical;
    const prevLflag = ldisc.termios.lflag;
    ldisc.termios.assign(modes);
    if (flush) ldisc.flushInput();
    if (wasCanonical !== ldisc.canonical) {
      const fx = ldisc.modeChanged(prevLflag);
      if (fx.echo.length > 0) this.emit(fx.echo);
    }
    this.queue.wake();
  }

  /** Program output (a slave write), processed for the terminal. */
  write(bytes: Uint8Array): void {
    this.emit(this.ldisc.output(bytes));
  }

  private emit(bytes: number[]): void {
    if (this.sink) {
      this.sink(Uint8Array.from(bytes));
      return;
    }
    for (const b of bytes) this.out.push(b);
    this.queue.wake();
  }

  /** Room for program output (a slave writer waits while the master lags far behind). */
  get outputRoom(): boolean {
    return this.sink !== null || this.out.length < OUTPUT_LIMIT;
  }

  takeOutput(max: number): Uint8Array {
    const n = Math.min(max, this.out.length);
    const bytes = Uint8Array.from(this.out.splice(0, n));
    if (n > 0) this.queue.wake();
    return bytes;
  }

  get pendingOutput(): number {
    return this.out.length;
  }
}

function ptyStat(ino: bigint): Stat {
  return { dev: 0n, ino, filetype: Filetype.CHARACTER_DEVICE, nlink: 1n, size: 0n, atim: 0n, mtim: 0n, ctim: 0n };
}

export class PtyMaster extends OpenFile {
  readonly filetype = Filetype.CHARACTER_DEVICE;
  constructor(readonly pty: Pty) {
    super(true, true);
  }
  override get queue(): WaitQueue {
    return this.pty.queue;
  }
  override stat(): Stat {
    return ptyStat(BigInt(0x10000 + this.pty.index));
  }
  override readReady(): boolean {
    return this.pty.pendingOutput > 0 || this.pty.slaves === 0;
  }
  override readableBytes(): bigint {
    return BigInt(this.pty.pendingOutput);
  }
  override read(max: number): Uint8Array | Err {
    if (this.pty.pendingOutput === 0 && this.pty.slaves === 0) return err(Errno.IO);
    return this.pty.takeOutput(max);
  }
  override write(data: Uint8Array): number | Err {
    this.pty.input(data);
    return data.length;
  }
  override release(): void {
    this.pty.masterOpen = false;
    this.pty.queue.wake();
  }
}

export class PtySlave extends OpenFile {
  readonly filetype = Filetype.CHARACTER_DEVICE;
  constructor(readonly pty: Pty, readable: boolean, writable: boolean) {
    super(readable, writable);
    pty.slaves++;
  }
  override get queue(): WaitQueue {
    return this.pty.queue;
  }
  override get terminal(): Terminal {
    return this.pty.terminal;
  }
  override stat(): Stat {
    return ptyStat(BigInt(0x20000 + this.pty.index));
  }
  /** Ready with input, or when the master is gone (reads then see EOF). */
  override readReady(): boolean {
    return this.pty.ldisc.readable() || !this.pty.masterOpen;
  }
  /** VTIME: a raw read with VMIN 0 waits that long for a first byte (ldisc.timeoutMs is 0 otherwise). */
  override readTimeoutMs(): number {
    const ldisc = this.pty.ldisc;
    return ldisc.available() === 0 ? ldisc.timeoutMs : 0;
  }
  override readableBytes(): bigint {
    return BigInt(this.pty.ldisc.available());
  }
  override hungUp(): boolean {
    return !this.pty.masterOpen;
  }
  override writeReady(): boolean {
    return this.pty.outputRoom || !this.pty.masterOpen;
  }
  override read(max: number): Uint8Array | Err {
    if (!this.readable) return err(Errno.BADF);
    return this.pty.ldisc.read(max);
  }
  override write(data: Uint8Array): number | Err {
    if (!this.writable) return err(Errno.BADF);
    if (!this.pty.masterOpen && !this.pty.sink) return err(Errno.IO);
    this.pty.write(data);
    return data.length;
  }
  override release(): void {
    this.pty.slaves--;
    this.pty.queue.wake();
  }
}
