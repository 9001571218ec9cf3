// The syscall page: one SharedArrayBuffer per process through which it calls
// the kernel, and the kernel's doorbell that every process rings.
//
// Protocol (P = process runtime, K = kernel):
//   P writes NR, the argument slots and the input bytes in the data window,
//   then STATE IDLE→PENDING, rings the bell if the kernel sleeps (Bell.RING += 1,
//   notify; an awake kernel scans the pages) and waits on STATE.
//   K serves the call (possibly much later: blocking calls are parked), writes
//   ERRNO, the result slots and output bytes, then STATE PENDING→DONE and notifies.
//   P reads the results and stores STATE DONE→IDLE.
// Only the owner of a transition writes STATE; every other field is written by
// exactly one side while the other is waiting on STATE, so STATE's seq-cst
// Atomics operations order all plain accesses around them — except the CPU-time
// cells (Cpu), which each side reads while the other runs, with Atomics only.
//
// CPU time: a process's worker runs guest code or the runtime except while it
// waits in Atomics.wait (a call that blocks, a pipe ring, a sleep). The kernel
// stamps START when it makes the process; the runtime adds every wait to
// BLOCKED and marks the wait in progress in SINCE, so nobody writes anything
// for a call answered while the runtime spins. CPU = now - START - BLOCKED,
// less the wait in progress (cpuTimeNs). exec keeps the page, and with it the
// count (the process is the same, as on Linux); a fork child starts at 0.

/** Int32 slots: 0-5 at the start of the page (bytes 0-23), 30 and 31 after the results (bytes 120-127), 38-47 after the CPU cells (bytes 152-191). */
export const enum Slot {
  STATE = 0,   // P: IDLE→PENDING, DONE→IDLE; K: PENDING→PARKED→DONE or PENDING→DONE. Atomics only.
  NR = 1,      // P: syscall number (abi/syscalls.ts)
  ERRNO = 2,   // K: the call's errno
  SIGNAL = 3,  // K: set when a signal is pending for the process (Atomics; wakes sleeps)
  WAITING = 4, // P: 1 while blocked in Atomics.wait on STATE, so K notifies only then
  RINGWAIT = 5, // P: 1 + the pipe ring slot the runtime waits on (0: none), so K can interrupt it
  /**
   * K: the pid of a fork child that has yet to copy this process's memory, set
   * before the fork call is answered; the child (or K, when the child ends
   * first) swaps it back to 0 and notifies. P does not run while it is set.
   */
  FORK_CHILD = 30,
  /**
   * K: the process's RLIMIT_FSIZE soft limit in bytes, capped at 2^31-1
   * (-1: none), kept current by the kernel: the runtime's own file writes
   * (runtime/files.ts) stay below it and leave the rest to the kernel.
   */
  FSIZE = 31,
  /**
   * K: 1 once the process has ended. Its worker may still run a little
   * (stopping one is asynchronous): the runtime, which changes shared state
   * itself (runtime/files.ts), checks this first and leaves the change to
   * the kernel, which takes no call from a process that has ended.
   */
  GONE = 38,
  /**
   * P: closes of regular files the runtime has yet to tell the kernel of
   * (0 to MAX_CLOSES), their fds in CLOSE_FDS on. close(2) of such an fd
   * cannot fail and has nothing to wake, so the runtime forgets the fd at once
   * and the kernel closes it before it serves the process's next call (a
   * close with the list full is a call). Written by P while it runs, read and
   * emptied by K only while P waits for a call (STATE orders them).
   */
  CLOSES = 39,
  CLOSE_FDS = 40,
}

/** How many closes a runtime keeps for its next call (Slot.CLOSE_FDS..). */
export const MAX_CLOSES = 8;

/**
 * PARKED: K took the call but it must wait (a parked task: waitpid, a read with
 * nothing to read…); P stops spinning and sleeps at once. K: PENDING→PARKED,
 * then →DONE when it answers.
 */
export const enum State { IDLE = 0, PENDING = 1, DONE = 2, PARKED = 3 }

/**
 * Argument and result slots: 8-byte cells viewed both as Float64 (integers up to
 * 2^53: fds, lengths, flags, rights) and as BigInt64 (offsets, timestamps,
 * cookies). Each syscall's declaration says which view each argument uses.
 */
export const ARG_BASE = 3;   // first 8-byte cell of the arguments (byte 24, after the Int32 slots)
export const ARG_COUNT = 8;
export const RET_BASE = 11;  // first 8-byte cell of the results (byte 88)
export const RET_COUNT = 4;

/** BigInt64 cells of the CPU-time count, in CLOCK_MONOTONIC ns (lib/time.ts); Atomics only. */
export const enum Cpu {
  START = 16,   // K: when the process was made; never changes after it starts
  BLOCKED = 17, // P: total of the process's finished waits
  SINCE = 18,   // P: when the wait in progress began; 0 while the process runs
}

/** Byte offset of the data window: inputs first, then outputs (8-aligned). */
export const DATA_OFFSET = 192;
/** Size of the data window; larger reads return short, larger writes are split. */
export const DATA_SIZE = 256 * 1024;
export const PAGE_SIZE = DATA_OFFSET + DATA_SIZE;

/** The kernel's doorbell: Int32 slots in a small SharedArrayBuffer of its own. */
export const enum Bell {
  RING = 0,   // P: Atomics.add after publishing a request while SLEEPING; K waits on it
  SLEEPING = 1, // K: 1 while the kernel waits, so P notifies only then
  PIPES = 2,    // P: a runtime moved bytes of a pipe the kernel waits on (ipc/ring.ts)
}
export const BELL_SIZE = 64;

/** Typed views of one page, shared by both sides. */
export class PageViews {
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  readonly i64: BigInt64Array;
  readonly u64: BigUint64Array;
  readonly data: Uint8Array;
  readonly dataView: DataView;

  constructor(readonly sab: SharedArrayBuffer) {
    this.i32 = new Int32Array(sab, 0, DATA_OFFSET / 4);
    this.f64 = new Float64Array(sab, 0, DATA_OFFSET / 8);
    this.i64 = new BigInt64Array(sab, 0, DATA_OFFSET / 8);
    this.u64 = new BigUint64Array(sab, 0, DATA_OFFSET / 8);
    this.data = new Uint8Array(sab, DATA_OFFSET, DATA_SIZE);
    this.dataView = new DataView(sab, DATA_OFFSET, DATA_SIZE);
  }
}

/**
 * The process's CPU time in ns at `now` (CLOCK_MONOTONIC), read by either side.
 * The runtime ends a wait by adding it to BLOCKED, then clearing SINCE; reading
 * in the other order, a reader that sees SINCE still set may count that wait
 * twice (a moment's undercount, never an overcount that could raise SIGXCPU early).
 */
export function cpuTimeNs(i64: BigInt64Array, now: bigint): bigint {
  const since = Atomics.load(i64, Cpu.SINCE);
  const cpu = (since !== 0n ? since : now) - Atomics.load(i64, Cpu.START) - Atomics.load(i64, Cpu.BLOCKED);
  return cpu > 0n ? cpu : 0n;
}

/** The process begins a wait at `now` (the runtime's side; an inline process's waits are the kernel's: kernel.ts serveInline). */
export function waitBegins(i64: BigInt64Array, now: bigint): void {
  Atomics.store(i64, Cpu.SINCE, now);
}

/** The wait that began at `since` ended at `now`: counted as blocked; its length in ns. */
export function waitEnds(i64: BigInt64Array, since: bigint, now: bigint): bigint {
  const waited = now - since;
  // BLOCKED before SINCE: a reader in between counts the wait twice, never not at all (cpuTimeNs).
  if (waited > 0n) Atomics.store(i64, Cpu.BLOCKED, Atomics.load(i64, Cpu.BLOCKED) + waited);
  Atomics.store(i64, Cpu.SINCE, 0n);
  return waited;
}

/** The fork child `pid` is done with its parent's image, or will never read it: the parent may run on. */
export function releaseForkParent(parentPage: SharedArrayBuffer, pid: number): void {
  const i32 = new Int32Array(parentPage, 0, Slot.FORK_CHILD + 1);
  if (Atomics.compareExchange(i32, Slot.FORK_CHILD, pid, 0) === pid) Atomics.notify(i32, Slot.FORK_CHILD);
}
