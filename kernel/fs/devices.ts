// Character devices: /dev/null, /dev/zero, /dev/random, /dev/urandom, and the
// host's streams (the terminal or pipes the kernel was started on) that back a
// first process's stdin, stdout and stderr.
// Spec: POSIX "Special Files" (/dev/null, /dev/tty); Linux random(4).
import { Errno, err, type Err } from '../abi/errno.js';
import { Filetype } from '../abi/wasi.js';
import type { HostStream } from '../hostapi.js';
import { WaitQueue } from '../proc/waitqueue.js';
import { OpenFile, type JobControl } from './file.js';
import { Inode, type OpenMode, type Stat } from './inode.js';
import type { Meta } from './meta.js';
import type { MemFs } from './memfs.js';

type DeviceKind = 'null' | 'zero' | 'random';

/** A device node in a directory: opening it yields a fresh DeviceFile. */
export class DeviceInode extends Inode {
  readonly filetype = Filetype.CHARACTER_DEVICE;
  override readonly meta: Meta;

  constructor(fs: MemFs, readonly kind: DeviceKind) {
    super();
    this.meta = fs.meta(this.filetype);
  }

  stat(): Stat {
    return this.meta.stat(0n);
  }
  open(mode: OpenMode): OpenFile {
    return new DeviceFile(this, mode.read, mode.write);
  }
}

export class DeviceFile extends OpenFile {
  readonly filetype = Filetype.CHARACTER_DEVICE;

  constructor(readonly node: DeviceInode, readable: boolean, writable: boolean) {
    super(readable, writable);
  }

  override get inode(): Inode {
    return this.node;
  }

  override read(max: number): Uint8Array | Err {
    if (!this.readable) return err(Errno.BADF);
    switch (this.node.kind) {
      case 'null': return new Uint8Array(0);
      case 'zero': return new Uint8Array(max);
      case 'random': return randomBytes(max);
    }
  }
  override write(data: Uint8Array): number | Err {
    if (!this.writable) return err(Errno.BADF);
    return data.length;
  }
  // Devices ignore offsets: pread/pwrite behave as read/write, lseek succeeds at 0.
  override pread(max: number): Uint8Array | Err {
    return this.read(max);
  }
  override pwrite(data: Uint8Array): number | Err {
    return this.write(data);
  }
  protected override seekTo(): bigint {
    return 0n;
  }
  override get seekable(): boolean {
    return true;
  }
  /** O_TRUNC and ftruncate on a device do nothing, as on Linux. */
  override setSize(): Errno {
    return Errno.SUCCESS;
  }
}

/** crypto.getRandomValues fills at most 64 KiB per call. */
export function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}

/**
 * One of the host's streams. Reads are fetched from the host asynchronously
 * when a reader finds the buffer empty, so a read parks instead of blocking
 * the kernel; writes are handed to the host, which queues them, and park
 * while its queue is full (a slow reader), until the host says it drained.
 */
export class HostStreamFile extends OpenFile {
  readonly filetype: Filetype;
  private readonly waiters = new WaitQueue();
  private buffered: Uint8Array = new Uint8Array(0);
  private eof = false;
  private fetching = false;
  /** Waiting for the host to take writes again (HostStream.onWritable). */
  private draining = false;

  constructor(readonly stream: HostStream, readable: boolean, writable: boolean, private readonly tty: JobControl | null = null) {
    super(readable, writable);
    // wasmtime reports stdio as a character device only when it is a terminal.
    this.filetype = stream.isatty ? Filetype.CHARACTER_DEVICE : Filetype.UNKNOWN;
  }

  /** Like wasmtime: every field zero but the file type. */
  override stat(): Stat {
    return { dev: 0n, ino: 0n, filetype: this.filetype, nlink: 0n, size: 0n, atim: 0n, mtim: 0n, ctim: 0n };
  }
  override setTimes(): Errno {
    return Errno.SUCCESS;
  }
  override get queue(): WaitQueue {
    return this.waiters;
  }
  override get terminal(): JobControl | null {
    return this.stream.isatty ? this.tty : null;
  }

  override readReady(): boolean {
    if (this.buffered.length > 0 || this.eof || !this.stream.read) return true;
    this.fetch();
    return false;
  }
  override writeReady(): boolean {
    if (!this.stream.writable || this.stream.writable()) return true;
    if (!this.draining) {
      this.draining = true;
      this.stream.onWritable?.(() => {
        this.draining = false;
        this.waiters.wake();
      });
    }
    return false;
  }
  override readableBytes(): bigint {
    return BigInt(this.buffered.length);
  }
  override hungUp(): boolean {
    return this.eof && this.buffered.length === 0;
  }

  override read(max: number): Uint8Array | Err {
    if (!this.readable) return err(Errno.BADF);
    const n = Math.min(max, this.buffered.length);
    const out = this.buffered.slice(0, n);
    this.buffered = this.buffered.subarray(n);
    // A terminal's end of file (Ctrl-D) is consumed by the read that reports it.
    if (n === 0 && this.stream.isatty) this.eof = false;
    return out;
  }
  override write(data: Uint8Array): number | Err {
    if (!this.writable || !this.stream.write) return err(Errno.BADF);
    return this.stream.write(data) ? data.length : err(Errno.PIPE);
  }

  private fetch(): void {
    if (this.fetching || !this.stream.read) return;
    this.fetching = true;
    this.stream.read(65536, (data) => {
      this.fetching = false;
      if (!data || data.length === 0) this.eof = true;
      else this.buffered = data;
      this.waiters.wake();
    });
  }
}
