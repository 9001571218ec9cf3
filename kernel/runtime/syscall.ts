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
import { ARG_BASE, Bell, DATA_SIZE, MAX_CLOSES, PageViews, RET_BASE, Slot, State, cpuTimeNs, waitBegins, waitEnds } from '../abi/page.js';
import { Arg, NR, syscalls, type SyscallName } from '../abi/syscalls.js';
import { monotonicNs } from '../lib/time.js';

/** A full spin and a token one, in loads of STATE (10–40 ns each on a 2-core VM). */
const SPIN_FULL = 2000;
const SPIN_TOKEN = 32;
/** While spinning does not pay, one call in this many spins in full anyway (a power of 2). */
const PROBE_EVERY = 8;
/** A wait longer than this was a call that blocked, not a late kernel (ns). */
const BLOCKED_NS = 1_000_000n;
const encoder = new TextEncoder();

/** The most input bytes one call carries: the window less room for small outputs. */
export const INPUT_ROOM = DATA_SIZE - 64;

/** Bytes written straight into the window (a gathered write): `len` of them, by `fill`. */
export interface Gather {
  readonly len: number;
  fill(window: Uint8Array): void;
}

/** What the process passes for each argument kind (the kernel decodes STR to a string). */
type Param<K> = K extends Arg.N ? number : K extends Arg.B ? bigint : K extends Arg.BUF ? Uint8Array | Gather : Uint8Array | string;
/** The parameters of a call, typed from its declaration. */
export type Params<L extends readonly Arg[]> = { -readonly [I in keyof L]: Param<L[I]> };

/** Thrown out of a call of an inline process that no longer lives: the program unwinds (runtime/start.ts). */
export class ProcessGone {}

export class SyscallClient {
  /** The running process's page (a worker runs one process at a time: see attach). */
  page: PageViews;
  private readonly bell: Int32Array;
  /** Bytes of input written to the data window by the call being built. */
  private inputEnd = 0;
  /** Running score (0–1) of full spins that were answered while spinning. */
  private hits = 1;
  private calls = 0;
  /** Calls sent to the kernel so far (tracing tells them from calls answered in the process). */
  sent = 0;
  /**
   * For a process run in the kernel's own thread (hostapi.ts
   * WorkerHandle.inline): serves the call just written to the page, there
   * and then; false when the process no longer lives. Null in a worker.
   */
  serveHere: (() => boolean) | null = null;

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

  /**
   * Put off the close of `fd` until the next call (abi/page.ts Slot.CLOSES);
   * false when the list is full (the caller makes the call, which empties it).
   */
  putOffClose(fd: number): boolean {
    const i32 = this.page.i32;
    const n = i32[Slot.CLOSES];
    if (n >= MAX_CLOSES) return false;
    i32[Slot.CLOSE_FDS + n] = fd;
    i32[Slot.CLOSES] = n + 1;
    return true;
  }

  /**
   * Take back the put-off close of `fd`, if it is still to be told and no
   * put-off close of a lower fd is (so an open now would be given `fd`):
   * whether it was taken back.
   */
  takeBackClose(fd: number): boolean {
    const i32 = this.page.i32;
    const n = i32[Slot.CLOSES];
    let at = -1;
    for (let i = 0; i < n; i++) {
      const c = i32[Slot.CLOSE_FDS + i];
      if (c < fd) return false;
      if (c === fd) at = i;
    }
    if (at < 0) return false;
    for (let i = at + 1; i < n; i++) i32[Slot.CLOSE_FDS + i - 1] = i32[Slot.CLOSE_FDS + i];
    i32[Slot.CLOSES] = n - 1;
    return true;
  }

  /**
   * Call the kernel: `name`'s arguments, typed from its declaration
   * (abi/syscalls.ts), go into the page's cells and window in slot order; the
   * answer's errno comes back, its results stay readable (retNum, retBig,
   * out) until the next call. Inputs that do not fit the window fail here:
   * a path with ENAMETOOLONG, bytes with E2BIG.
   */
  call<K extends SyscallName>(name: K, ...args: Params<(typeof syscalls)[K]>): Errno {
    const kinds: readonly Arg[] = syscalls[name];
    const f64 = this.page.f64;
    this.inputEnd = 0;
    for (let i = 0; i < kinds.length; i++) {
      const v = args[i];
      const kind = kinds[i];
      if (kind === Arg.N) f64[ARG_BASE + i] = v as number;
      else if (kind === Arg.B) this.page.i64[ARG_BASE + i] = v as bigint;
      else {
        const e = this.input(i, kind, v as Uint8Array | Gather | string);
        if (e !== Errno.SUCCESS) return e;
      }
    }
    return this.send(NR[name]);
  }

  /** Put argument `i`'s bytes at the input cursor, if they fit. */
  private input(i: number, kind: Arg, v: Uint8Array | Gather | string): Errno {
    // Browsers refuse to encode into shared memory: encode, then copy.
    const src = typeof v === 'string' ? encoder.encode(v) : v;
    const len = src instanceof Uint8Array ? src.length : src.len;
    if (len > INPUT_ROOM - this.inputEnd) return kind === Arg.STR ? Errno.NAMETOOLONG : Errno.TOOBIG;
    const at = this.page.data.subarray(this.inputEnd, this.inputEnd + len);
    if (src instanceof Uint8Array) at.set(src);
    else src.fill(at);
    this.inputEnd += len;
    this.page.f64[ARG_BASE + i] = len;
    return Errno.SUCCESS;
  }

  /** Ring the kernel with call `nr` (its arguments in place) and wait for the answer. */
  private send(nr: number): Errno {
    this.sent++;
    const i32 = this.page.i32;
    i32[Slot.NR] = nr;
    Atomics.store(i32, Slot.STATE, State.PENDING);
    if (this.serveHere) {
      // Killed (by a signal its own call raised, SIGPIPE) or exited: unwind the program.
      if (!this.serveHere()) throw new ProcessGone();
      Atomics.store(i32, Slot.STATE, State.IDLE);
      return i32[Slot.ERRNO] as Errno;
    }
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
    waitBegins(this.page.i64, now);
    return now;
  }
  /** The wait that began at `since` is over: count it as blocked; its length in ns. */
  blockEnd(since: bigint): bigint {
    return waitEnds(this.page.i64, since, monotonicNs());
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
  /** The byte offset of that output area in the window (page.dataView). */
  outOffset(): number {
    return (this.inputEnd + 7) & ~7;
  }
  /** Largest output a call can return after `inputs` bytes of inputs (outputs start 8-aligned). */
  outRoom(inputs = 0): number {
    return DATA_SIZE - ((inputs + 7) & ~7);
  }
}
