// A process's view of its own linear memory, with the bounds checks that turn a
// bad pointer into EFAULT. Views are refreshed when memory.grow detaches or outgrows them.
import { Errno, err, type Err } from '../abi/errno.js';

export class GuestMemory {
  private buf: ArrayBuffer | SharedArrayBuffer | null = null;
  private u8v: Uint8Array = new Uint8Array(0);
  private dv: DataView = new DataView(new ArrayBuffer(0));

  constructor(private readonly memory: WebAssembly.Memory) {}

  /**
   * Views that are live: reading memory.buffer is a host call (~50 ns), so it
   * is read only when the views went to length 0 (a non-shared memory's grow
   * detaches its buffer) or when a bounds check fails (a shared memory's old
   * buffer stays valid but short after a grow; memories never shrink, so a
   * view that covers a checked range is current enough for it).
   */
  private refresh(): void {
    if (this.u8v.length === 0) this.reload();
  }

  private reload(): void {
    const b = this.memory.buffer;
    if (b !== this.buf || this.u8v.length !== b.byteLength) {
      this.buf = b;
      this.u8v = new Uint8Array(b);
      this.dv = new DataView(b);
    }
  }

  private covers(ptr: number, len: number): boolean {
    return ptr >= 0 && len >= 0 && ptr + len <= this.u8v.length;
  }

  get u8(): Uint8Array {
    this.refresh();
    return this.u8v;
  }
  get view(): DataView {
    this.refresh();
    return this.dv;
  }

  /** True when [ptr, ptr+len) lies inside memory; the views then cover it. */
  ok(ptr: number, len: number): boolean {
    if (this.covers(ptr, len) && this.u8v.length !== 0) return true;
    this.reload();
    return this.covers(ptr, len);
  }

  /** The whole-memory DataView when [ptr, ptr+len) lies inside memory, else null (hot paths). */
  viewAt(ptr: number, len: number): DataView | null {
    return this.ok(ptr, len) ? this.dv : null;
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
        // TextDecoder may refuse views of shared memory: decode a copy of those.
        return utf8.decode(b.buffer instanceof ArrayBuffer ? b : b.slice());
      } catch {
        return err(Errno.ILSEQ);
      }
    }
    return b;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
