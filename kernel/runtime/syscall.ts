// The process end of the syscall page: marshal a call, ring the kernel, wait.
// This is the only place a process blocks. It spins on the page's STATE before
// falling back to Atomics.wait, because a futex wake costs tens of microseconds
// while most calls are answered within one — when the kernel's thread is
// running. When it is not (more runnable threads than cores), spinning only
// takes the core the kernel needs. So the process keeps a running score of how
// often a full spin was answered: while most are, it spins in full; when most
// are not, it sleeps at once (after a token spin), and every PROBE_EVERY-th
// call spins in full to see whether spinning pays again. Calls that waited
// long (they blocked: a read of an empty terminal, waitpid) do not count.
// Time in Atomics.wait is not CPU time: each wait of the runtime (here, the
// pipe rings', the sleeps') goes between blockBegin and blockEnd, which keep
// the page's CPU cells (abi/page.ts, Cpu); a call answered during the spin
// writes nothing there.
import { Errno } from '../abi/errno.js';
import { ARG_BASE, Bell, Cpu, DATA_SIZE, PageViews, RET_BASE, Slot, State, cpuTimeNs } from '../abi/page.js';
import { monotonicNs } from '../lib/time.js';

/** A full spin and a token one, in loads of STATE (10–40 ns each on a 2-core VM). */
const SPIN_FULL = 2000;
const SPIN_TOKEN = 32;
/** While spinning does not pay, one call in this many spins in full anyway (a power of 2). */
const PROBE_EVERY = 8;
/** A wait longer than this was a call that blocked, not a late kernel (ns). */
const BLOCKED_NS = 1_000_000n;
const encoder = new TextEncoder();

export class SyscallClient {
  /** The running process's page (a worker runs one process at a time: see attach). */
  page: PageViews;
  private readonly bell: Int32Array;
  /** Bytes of input written to the data window by the call being built. */
  private inputEnd = 0;
  /** Running score (0–1) of full spins that were answered while spinning. */
  private hits = 1;
  private calls = 0;

  constructor(page: SharedArrayBuffer, bell: SharedArrayBuffer) {
    this.page = new PageViews(page);
    this.bell = new Int32Array(bell);
  }

  /** Call through the page of the next process this worker runs. */
  attach(page: SharedArrayBuffer): void {
    if (page !== this.page.sab) this.page = new PageViews(page);
    this.hits = 1;
    this.calls = 0;
  }

  /** Start building a call. */
  begin(): this {
    this.inputEnd = 0;
    return this;
  }
  num(i: number, v: number): this {
    this.page.f64[ARG_BASE + i] = v;
    return this;
  }
  big(i: number, v: bigint): this {
    this.page.i64[ARG_BASE + i] = v;
    return this;
  }
  /** Copy bytes into the window as argument `i`; the caller keeps them within room(). */
  bytes(i: number, src: Uint8Array): this {
    this.page.data.set(src, this.inputEnd);
    this.inputEnd += src.length;
    this.page.f64[ARG_BASE + i] = src.length;
    return this;
  }
  /** A UTF-8 string argument; false when it does not fit the window. */
  str(i: number, s: string): boolean {
    // Browsers refuse to encode into shared memory: encode, then copy.
    const bytes = encoder.encode(s);
    if (bytes.length > this.room()) return false;
    this.bytes(i, bytes);
    return true;
  }
  /** Raw bytes already in place: declare `len` bytes at the input cursor as argument `i`. */
  reserve(i: number, len: number): Uint8Array {
    const view = this.page.data.subarray(this.inputEnd, this.inputEnd + len);
    this.inputEnd += len;
    this.page.f64[ARG_BASE + i] = len;
    return view;
  }
  /** Room left in the window for inputs. */
  room(): number {
    return DATA_SIZE - this.inputEnd;
  }

  /** Make the call; returns the errno. Results stay readable until the next call. */
  call(nr: number): Errno {
    const i32 = this.page.i32;
    i32[Slot.NR] = nr;
    Atomics.store(i32, Slot.STATE, State.PENDING);
    // Ring only a sleeping kernel: an awake one scans the pages. Not writing
    // the bell keeps its cache line shared instead of moving between cores on
    // every call. (The kernel stores SLEEPING, then scans the pages once more:
    // with both seq-cst, either it sees PENDING or this load sees SLEEPING.)
    if (Atomics.load(this.bell, Bell.SLEEPING) !== 0) {
      Atomics.add(this.bell, Bell.RING, 1);
      Atomics.notify(this.bell, Bell.RING);
    }
    const full = this.hits >= 0.5 || (++this.calls & (PROBE_EVERY - 1)) === 0;
    const budget = full ? SPIN_FULL : SPIN_TOKEN;
    let s = Atomics.load(i32, Slot.STATE);
    for (let n = 0; s === State.PENDING && n < budget; n++) s = Atomics.load(i32, Slot.STATE);
    if (s === State.DONE) {
      this.hits += (1 - this.hits) / 8;
    } else {
      // Still PENDING after the spin, or PARKED: the kernel said the call
      // waits (waitpid, an empty terminal), which says nothing about spinning.
      let parked = false;
      const slept = this.blockBegin();
      while (s !== State.DONE) {
        if (s === State.PARKED) parked = true;
        // Announce the wait before re-checking STATE: the kernel stores DONE, then
        // reads WAITING; with both seq-cst one side always sees the other.
        Atomics.store(i32, Slot.WAITING, 1);
        Atomics.wait(i32, Slot.STATE, s);
        Atomics.store(i32, Slot.WAITING, 0);
        s = Atomics.load(i32, Slot.STATE);
      }
      if (this.blockEnd(slept) < BLOCKED_NS && full && !parked) this.hits -= this.hits / 8;
    }
    Atomics.store(i32, Slot.STATE, State.IDLE);
    return i32[Slot.ERRNO] as Errno;
  }

  /** The process stops running until blockEnd: its CPU clock stops (abi/page.ts, Cpu). */
  blockBegin(): bigint {
    const now = monotonicNs();
    Atomics.store(this.page.i64, Cpu.SINCE, now);
    return now;
  }
  /** The wait that began at `since` is over: count it as blocked; its length in ns. */
  blockEnd(since: bigint): bigint {
    const i64 = this.page.i64;
    const waited = monotonicNs() - since;
    // BLOCKED before SINCE: a reader in between counts the wait twice, never not at all (cpuTimeNs).
    if (waited > 0n) Atomics.store(i64, Cpu.BLOCKED, Atomics.load(i64, Cpu.BLOCKED) + waited);
    Atomics.store(i64, Cpu.SINCE, 0n);
    return waited;
  }

  /** The process's CPU time in ns (abi/page.ts, Cpu). */
  cpuTimeNs(): bigint {
    return cpuTimeNs(this.page.i64, monotonicNs());
  }

  retNum(k: number): number {
    return this.page.f64[RET_BASE + k];
  }
  retBig(k: number): bigint {
    return this.page.i64[RET_BASE + k];
  }
  /** The output area of the window for the call just made. */
  out(len: number): Uint8Array {
    const off = (this.inputEnd + 7) & ~7;
    return this.page.data.subarray(off, off + len);
  }
  /** Largest output a call can return after its inputs. */
  outRoom(): number {
    return DATA_SIZE - ((this.inputEnd + 7) & ~7);
  }
}
