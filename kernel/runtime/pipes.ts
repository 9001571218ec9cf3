// The pipe fast path inside the process: a read that finds bytes in a shared
// ring, or a write that finds room, moves them here with no kernel round trip
// (ipc/ring.ts). Anything else — an empty or full ring, EOF, no reader left,
// a pipe whose ring is private — goes to the kernel, which waits, signals and
// reports. The fd → ring map is learnt from the kernel once per fd (pipe_info)
// and forgotten whenever this process's fd table changes under that number.
import { Errno } from '../abi/errno.js';
import { NR } from '../abi/syscalls.js';
import { R, RING_SIZE, Ring } from '../ipc/ring.js';
import type { SyscallClient } from './syscall.js';

interface End {
  ring: Ring;
  writer: boolean;
}

export class PipeFastPath {
  /** fd → its ring end, or null for an fd that is not a shared pipe. */
  private readonly known = new Map<number, End | null>();
  private readonly rings = new Map<number, Ring>();
  private readonly bell: Int32Array;

  constructor(private readonly sys: SyscallClient, private readonly arena: SharedArrayBuffer | undefined, bell: SharedArrayBuffer) {
    this.bell = new Int32Array(bell);
  }

  /** The fd's number now means something else (closed, dup'ed onto, renumbered, newly opened). */
  forget(fd: number): void {
    this.known.delete(fd);
  }

  private end(fd: number): End | null {
    let e = this.known.get(fd);
    if (e !== undefined) return e;
    e = null;
    if (this.arena && this.sys.begin().num(0, fd).call(NR.pipe_info) === Errno.SUCCESS) {
      const slot = this.sys.retNum(0);
      if (slot >= 0) {
        let ring = this.rings.get(slot);
        if (!ring) this.rings.set(slot, (ring = new Ring(this.arena, slot * RING_SIZE)));
        e = { ring, writer: this.sys.retNum(1) === 1 };
      }
    }
    this.known.set(fd, e);
    return e;
  }

  /** Read what the ring holds now into `scatter`; null when the kernel must handle it. */
  read(fd: number, max: number, scatter: (piece: Uint8Array, at: number) => void): number | null {
    const e = this.end(fd);
    if (!e || e.writer || max === 0 || e.ring.used === 0) return null;
    const n = e.ring.read(max, scatter);
    if (n === 0) return null;
    e.ring.kickKernel(this.bell);
    return n;
  }

  /** Write all of `data` if it fits now (and a reader exists); null otherwise. */
  write(fd: number, data: Uint8Array): number | null {
    const e = this.end(fd);
    if (!e || !e.writer || data.length === 0) return null;
    const ring = e.ring;
    if (Atomics.load(ring.h, R.READERS) === 0 || ring.free < data.length) return null;
    // All or nothing, so a write of up to PIPE_BUF stays atomic among several writers.
    const n = ring.writeAll(data);
    if (n === 0) return null;
    ring.kickKernel(this.bell);
    return n;
  }
}
