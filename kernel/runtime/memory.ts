// A process's view of its own linear memory, with the bounds checks that turn a
// bad pointer into EFAULT. Views are refreshed when memory.grow detaches them.
import { Errno, err, type Err } from '../abi/errno.js';

export class GuestMemory {
  private buf: ArrayBuffer | SharedArrayBuffer | null = null;
  private u8v: Uint8Array = new Uint8Array(0);
  private dv: DataView = new DataView(new ArrayBuffer(0));

  private readonly shared: boolean;

  constructor(private readonly memory: WebAssembly.Memory) {
    this.shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  }

  private refresh(): void {
    // Reading memory.buffer is a host call: skip it while the views are live.
    // Growing a non-shared memory detaches the old buffer (views go to length
    // 0); a shared memory's old buffer stays valid but short, so check it always.
    if (this.u8v.length !== 0 && !this.shared) return;
    const b = this.memory.buffer;
    if (b !== this.buf) {
      this.buf = b;
      this.u8v = new Uint8Array(b);
      this.dv = new DataView(b);
    }
  }

  get u8(): Uint8Array {
    this.refresh();
    return this.u8v;
  }
  get view(): DataView {
    this.refresh();
    return this.dv;
  }

  /** True when [ptr, ptr+len) lies inside memory. */
  ok(ptr: number, len: number): boolean {
    this.refresh();
    return ptr >= 0 && len >= 0 && ptr + len <= this.u8v.length;
  }

  /** The whole-memory DataView when [ptr, ptr+len) lies inside memory, else null (one refresh: hot paths). */
  viewAt(ptr: number, len: number): DataView | null {
    this.refresh();
    return ptr >= 0 && ptr + len <= this.u8v.length ? this.dv : null;
  }

  /** A view of guest bytes, or FAULT. */
  bytes(ptr: number, len: number): Uint8Array | Err {
    if (!this.ok(ptr, len)) return err(Errno.FAULT);
    return this.u8v.subarray(ptr, ptr + len);
  }

  /** A UTF-8 string from guest memory, or FAULT / ILSEQ. */
  string(ptr: number, len: number): string | Err {
    const b = this.bytes(ptr, len);
    if (b instanceof Uint8Array) {
      try {
        return utf8.decode(b);
      } catch {
        return err(Errno.ILSEQ);
      }
    }
    return b;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
