// fork() for programs built with Binaryen's asyncify on the fork import's call
// paths (userland/build.sh). The first call unwinds the guest's stack into an
// asyncify data area inside its own memory and returns to runProcess, which
// makes the fork call; the kernel starts a child that copies the parent's
// memory and rewinds, and once the child has copied it, the parent rewinds too.
// Both land back in the fork import, which then returns: the child's pid to the
// parent, 0 to the child. The stack pointer is a wasm global, so it travels
// beside the image.
//
// A supplied memory is shared (proc/memimport.ts), so the child copies straight
// out of the parent's memory: one copy, made by the child while the parent
// waits (page Slot.FORK_CHILD). The kernel is sent the memory once per program
// (ForkSource), so a fork is one call, with no message to wait for. A program
// with a memory of its own is first copied into a shared buffer kept for its
// next fork (touched pages copy ~10× faster than fresh ones).
// Spec: POSIX fork(2); Binaryen's Asyncify (start/stop_unwind, start/stop_rewind).
import { Errno } from '../abi/errno.js';
import { Slot, releaseForkParent } from '../abi/page.js';
import type { ForkImage, ForkSource } from '../abi/messages.js';
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
  /** The copy of a non-shared memory for the last child, reused by the next fork. */
  private snapshot: SharedArrayBuffer | null = null;
  /** What the kernel was last sent to copy children from, and its generation. */
  private source: WebAssembly.Memory | SharedArrayBuffer | null = null;
  private gen = 0;

  constructor(private readonly sys: SyscallClient, private readonly post: (msg: ForkSource, transfer: ArrayBuffer[]) => void) {}

  /** Fork the program just instantiated (a new process: nothing sent to the kernel yet). */
  attach(exports: WebAssembly.Exports): void {
    this.unwinding = this.rewinding = false;
    this.source = null;
    this.gen = 0;
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
   * make the fork call, wait until the child has the image, prepare the rewind
   * and say to call the entry point again.
   */
  resumeAfterUnwind(): boolean {
    const x = this.exports;
    if (!x || !this.unwinding) return false;
    x.asyncify_stop_unwind();
    this.unwinding = false;
    const bytes = x.memory.buffer.byteLength;
    this.offerImage(x.memory);
    const errno = this.sys.call('fork', this.gen, bytes, this.stackPointer, this.dataAddr);
    const pid = errno === Errno.SUCCESS ? this.sys.retNum(0) : 0;
    // The memory is the child's to read until it has copied it (abi/page.ts, FORK_CHILD).
    // Wait on the value just read: one read again for the wait could see 0 and sleep for good.
    const i32 = this.sys.page.i32;
    const since = this.sys.blockBegin();
    for (let child = Atomics.load(i32, Slot.FORK_CHILD); child !== 0; child = Atomics.load(i32, Slot.FORK_CHILD)) {
      Atomics.wait(i32, Slot.FORK_CHILD, child);
    }
    this.sys.blockEnd(since);
    this.result = [errno, pid];
    this.rewind(this.dataAddr, this.stackPointer);
    return true;
  }

  /** Make the image readable by the child and tell the kernel where, if that changed. */
  private offerImage(memory: WebAssembly.Memory): void {
    let source: WebAssembly.Memory | SharedArrayBuffer = memory;
    const buffer = memory.buffer;
    if (!(buffer instanceof SharedArrayBuffer)) {
      let s = this.snapshot;
      if (!s || s.byteLength < buffer.byteLength) s = this.snapshot = new SharedArrayBuffer(buffer.byteLength);
      new Uint8Array(s, 0, buffer.byteLength).set(new Uint8Array(buffer));
      source = s;
    }
    if (source !== this.source) {
      this.source = source;
      this.post({ type: 'fork-source', source, gen: ++this.gen }, []);
    }
  }

  /**
   * In a new child: copy the parent's image, let the parent go on, and prepare
   * to rewind into fork, returning 0. A supplied memory already has the
   * parent's size (runtime/mempool.ts); a program's own memory is grown to it.
   */
  adopt(image: ForkImage, pid: number): void {
    const x = this.exports;
    if (!x) throw new Error('fork image for a program without asyncify');
    const have = x.memory.buffer.byteLength;
    if (image.bytes > have) x.memory.grow((image.bytes - have) / 65536);
    new Uint8Array(x.memory.buffer).set(new Uint8Array(image.image, 0, image.bytes));
    releaseForkParent(image.parentPage, pid);
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
