// fork() for programs built with Binaryen's asyncify on the fork import's call
// paths (userland/build.sh). The first call unwinds the guest's stack into an
// asyncify data area inside its own memory and returns to runProcess; the
// memory image (with that area) is copied into a shared snapshot buffer that
// goes to the kernel, which starts a child that copies it in and rewinds; the
// parent rewinds too. Both land back in the fork
// import, which then returns: the child's pid to the parent, 0 to the child.
// The stack pointer is a wasm global, so it travels beside the image.
// Spec: POSIX fork(2); Binaryen's Asyncify (start/stop_unwind, start/stop_rewind).
import { Errno } from '../abi/errno.js';
import { NR } from '../abi/syscalls.js';
import { SNAPSHOT_HEADER, type ForkImage } from '../host/protocol.js';
import type { SyscallClient } from './syscall.js';

interface AsyncifyExports {
  asyncify_start_unwind(addr: number): void;
  asyncify_stop_unwind(): void;
  asyncify_start_rewind(addr: number): void;
  asyncify_stop_rewind(): void;
}

export class Forker {
  private exports: (AsyncifyExports & { memory: WebAssembly.Memory; __stack_pointer: WebAssembly.Global }) | null = null;
  private unwinding = false;
  private rewinding = false;
  private dataAddr = 0;
  private stackPointer = 0;
  /** What the rewound fork call returns: errno and pid. */
  private result: [Errno, number] = [Errno.SUCCESS, 0];
  /** Where this process's memory was copied for its last child (see snapshotBuffer). */
  private snapshot: SharedArrayBuffer | null = null;

  constructor(private readonly sys: SyscallClient, private readonly post: (msg: ForkImage, transfer: ArrayBuffer[]) => void) {}

  attach(exports: WebAssembly.Exports): void {
    const e = exports as Record<string, unknown>;
    const ok = ['asyncify_start_unwind', 'asyncify_stop_unwind', 'asyncify_start_rewind', 'asyncify_stop_rewind']
      .every((n) => typeof e[n] === 'function') && e.__stack_pointer instanceof WebAssembly.Global;
    this.exports = ok ? (exports as unknown as Forker['exports']) : null;
  }

  get busy(): boolean {
    return this.unwinding || this.rewinding;
  }

  /** The `fork` import. */
  readonly fork = (buf: number, len: number, pidPtr: number): number => {
    const x = this.exports;
    if (!x) return Errno.NOSYS;
    const view = new DataView(x.memory.buffer);
    if (this.rewinding) {
      x.asyncify_stop_rewind();
      this.rewinding = false;
      const [errno, pid] = this.result;
      if (errno === Errno.SUCCESS) view.setUint32(pidPtr >>> 0, pid, true);
      return errno;
    }
    buf >>>= 0;
    len >>>= 0;
    if (len < 64 || buf + len > view.byteLength || (pidPtr >>> 0) + 4 > view.byteLength) return Errno.FAULT;
    view.setUint32(buf, buf + 8, true);      // asyncify data: current position …
    view.setUint32(buf + 4, buf + len, true); // … and end
    this.dataAddr = buf;
    this.stackPointer = x.__stack_pointer.value as number;
    this.unwinding = true;
    x.asyncify_start_unwind(buf);
    return 0; // ignored: the stack is unwinding
  };

  /**
   * After the entry point returned: if it returned because fork unwound it,
   * hand the image to the kernel, prepare the rewind and say to call it again.
   */
  resumeAfterUnwind(): boolean {
    const x = this.exports;
    if (!x || !this.unwinding) return false;
    x.asyncify_stop_unwind();
    this.unwinding = false;
    const image = new Uint8Array(x.memory.buffer);
    const snapshot = this.snapshotBuffer(image.length);
    new Uint8Array(snapshot, SNAPSHOT_HEADER, image.length).set(image);
    const busy = new Int32Array(snapshot, 0, 1);
    Atomics.store(busy, 0, 1);
    this.post({ type: 'fork-image', snapshot, bytes: image.length, stackPointer: this.stackPointer, asyncifyData: this.dataAddr }, []);
    const errno = this.sys.begin().call(NR.fork);
    if (errno !== Errno.SUCCESS) Atomics.store(busy, 0, 0); // no child will read it
    this.result = [errno, errno === Errno.SUCCESS ? this.sys.retNum(0) : 0];
    this.rewind(this.dataAddr, this.stackPointer);
    return true;
  }

  /**
   * The buffer to copy this process's memory into for a child: the one of the
   * last fork when its child is done with it and it is large enough (its pages
   * are touched: the copy runs at memory speed), else a new one.
   */
  private snapshotBuffer(bytes: number): SharedArrayBuffer {
    const s = this.snapshot;
    if (s && s.byteLength >= SNAPSHOT_HEADER + bytes && Atomics.load(new Int32Array(s, 0, 1), 0) === 0) return s;
    return (this.snapshot = new SharedArrayBuffer(SNAPSHOT_HEADER + bytes));
  }

  /**
   * In a new child: take the parent's image and prepare to rewind into fork,
   * returning 0. A supplied memory already has the parent's size
   * (runtime/mempool.ts); a program's own memory is grown to it.
   */
  adopt(image: ForkImage): void {
    const x = this.exports;
    if (!x) throw new Error('fork image for a program without asyncify');
    const have = x.memory.buffer.byteLength;
    if (image.bytes > have) x.memory.grow((image.bytes - have) / 65536);
    new Uint8Array(x.memory.buffer).set(new Uint8Array(image.snapshot, SNAPSHOT_HEADER, image.bytes));
    Atomics.store(new Int32Array(image.snapshot, 0, 1), 0, 0); // the parent may reuse it
    this.result = [Errno.SUCCESS, 0];
    this.rewind(image.asyncifyData, image.stackPointer);
  }

  private rewind(addr: number, sp: number): void {
    const x = this.exports!;
    x.__stack_pointer.value = sp;
    this.rewinding = true;
    x.asyncify_start_rewind(addr);
  }
}
