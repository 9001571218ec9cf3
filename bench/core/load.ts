// --load N: busy-loop workers that compete for the cores while a syscall case
// runs, as a laptop's other tabs and programs do (issue 14: a round trip
// waits for a descheduled thread). Each runs inside a worker (the floor
// workers' entry points deliver the message: bench/{node,browser}/floor-worker.ts),
// says it spins, and spins on integer arithmetic until the shared stop flag is
// set; the platform then ends it. No memory traffic beyond one cache line.
export interface LoadMessage {
  role: 'load';
  /** Int32 slot 0: set to 1 to stop. */
  stop: SharedArrayBuffer;
}
export type LoadReply = { spinning: true };

export function isLoadMessage(m: unknown): m is LoadMessage {
  return typeof m === 'object' && m !== null && (m as { role?: unknown }).role === 'load';
}

export function loadSab(): SharedArrayBuffer {
  return new SharedArrayBuffer(64);
}

/** Spin until the stop flag is set; `reply` once, when spinning starts. */
export function loadMain(msg: LoadMessage, reply: (r: LoadReply) => void): void {
  const stop = new Int32Array(msg.stop);
  reply({ spinning: true });
  let x = 1;
  while (Atomics.load(stop, 0) === 0) {
    for (let i = 0; i < 100_000; i++) x = (Math.imul(x, 1103515245) + 12345) | 0;
  }
  if (x === 0) reply({ spinning: true }); // keeps x alive: the loop is not dead code
}
