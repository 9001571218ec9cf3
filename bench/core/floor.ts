// The floors: what two workers pay to talk without a kernel between them.
// Runs inside a worker (bench/node/floor-worker.ts, bench/browser/floor-worker.ts
// deliver the message). A pair of workers does one of:
//  - ping-pong on a SharedArrayBuffer: `floor` spins SPIN loads before it
//    Atomics.waits (as the syscall path does), `futex` only waits;
//  - `postMessage`: a round trip over a MessageChannel;
//  - `ring`: a byte ring in a SharedArrayBuffer, as fast as a pipe could be
//    without a kernel: the writer copies chunks in, the reader copies them out.
// The client (or the ring's reader) measures its own batches, calibrated like
// the C programs (bench/programs/common.h), and posts them back.
import type { Sample } from './stats.js';

const SPIN = 2000;
const RING = 65536; // as a kernel pipe's capacity

/** Ping-pong slots (Int32): the ping sequence, the pong sequence, who sleeps. */
const enum PP { PING = 0, PONG = 1, SERVER_SLEEPS = 2, CLIENT_SLEEPS = 3, SIZE = 16 }
/** Ring slots (Int32): free-running u32 counters head/tail, sleep flags, closed. */
const enum R { HEAD = 0, TAIL = 1, READER_SLEEPS = 2, WRITER_SLEEPS = 3, CLOSED = 4, DATA = 64 }

export type FloorMode = 'floor' | 'futex' | 'postMessage';
export interface FloorMessage {
  role: 'client' | 'server' | 'reader' | 'writer';
  mode: FloorMode | 'ring';
  sab?: SharedArrayBuffer;
  port?: MessagePort;
  batches: number;
  targetMs: number;
  chunk?: number;
}
export type FloorReply = { samples: Sample[] } | { error: string };

export function floorSab(mode: FloorMode | 'ring'): SharedArrayBuffer {
  return new SharedArrayBuffer(mode === 'ring' ? R.DATA * 4 + RING : PP.SIZE * 4);
}

/** Wait until i32[idx] differs from `old`: spin `spin` loads, then sleep (announced in i32[sleep]). */
function waitChange(i32: Int32Array, idx: number, old: number, sleep: number, spin: number): number {
  let v = Atomics.load(i32, idx);
  for (let n = 0; v === old && n < spin; n++) v = Atomics.load(i32, idx);
  while (v === old) {
    // Announce, then look again: a store made before the flag was visible did not notify.
    Atomics.store(i32, sleep, 1);
    v = Atomics.load(i32, idx);
    if (v === old) Atomics.wait(i32, idx, old);
    Atomics.store(i32, sleep, 0);
    v = Atomics.load(i32, idx);
  }
  return v;
}

/** Publish `v` in i32[idx]; notify only a sleeper (futex mode always notifies). */
function publish(i32: Int32Array, idx: number, v: number, sleep: number, always: boolean): void {
  Atomics.store(i32, idx, v);
  if (always || Atomics.load(i32, sleep) !== 0) Atomics.notify(i32, idx);
}

/** Calibrate a synchronous batch to `targetMs`, warm up, then measure `batches`. */
function batchesSync(fn: (n: number) => void, batches: number, targetMs: number): Sample[] {
  let n = 1;
  for (;;) {
    const t0 = performance.now();
    fn(n);
    if (performance.now() - t0 >= targetMs || n >= 1 << 24) break;
    n *= 2;
  }
  fn(n);
  const out: Sample[] = [];
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now();
    fn(n);
    out.push({ ns: (performance.now() - t0) * 1e6, ops: n });
  }
  return out;
}

async function batchesAsync(fn: (n: number) => Promise<void>, batches: number, targetMs: number): Promise<Sample[]> {
  let n = 1;
  for (;;) {
    const t0 = performance.now();
    await fn(n);
    if (performance.now() - t0 >= targetMs || n >= 1 << 24) break;
    n *= 2;
  }
  await fn(n);
  const out: Sample[] = [];
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now();
    await fn(n);
    out.push({ ns: (performance.now() - t0) * 1e6, ops: n });
  }
  return out;
}

function pingPong(msg: FloorMessage): Sample[] | null {
  const i32 = new Int32Array(msg.sab!);
  const spin = msg.mode === 'floor' ? SPIN : 0;
  const always = msg.mode === 'futex';
  if (msg.role === 'server') {
    let seq = 0;
    for (;;) {
      seq = waitChange(i32, PP.PING, seq, PP.SERVER_SLEEPS, spin);
      if (seq < 0) return null; // the client is done
      publish(i32, PP.PONG, seq, PP.CLIENT_SLEEPS, always);
    }
  }
  let seq = 0;
  const samples = batchesSync((n) => {
    for (let k = 0; k < n; k++) {
      seq = (seq + 1) & 0x3fffffff;
      publish(i32, PP.PING, seq, PP.SERVER_SLEEPS, always);
      const got = waitChange(i32, PP.PONG, (seq - 1) & 0x3fffffff, PP.CLIENT_SLEEPS, spin);
      if (got !== seq) throw new Error(`ping-pong: sent ${seq}, got ${got}`);
    }
  }, msg.batches, msg.targetMs);
  publish(i32, PP.PING, -1, PP.SERVER_SLEEPS, true);
  return samples;
}

async function postMessages(msg: FloorMessage): Promise<Sample[] | null> {
  const port = msg.port!;
  if (msg.role === 'server') {
    port.onmessage = (e) => port.postMessage(e.data);
    return null;
  }
  let resolve: ((v: number) => void) | null = null;
  port.onmessage = (e) => resolve?.(e.data as number);
  let seq = 0;
  const samples = await batchesAsync(async (n) => {
    for (let k = 0; k < n; k++) {
      const got = await new Promise<number>((r) => {
        resolve = r;
        port.postMessage(++seq);
      });
      if (got !== seq) throw new Error(`postMessage: sent ${seq}, got ${got}`);
    }
  }, msg.batches, msg.targetMs);
  port.close();
  return samples;
}

/** The ring's writer: chunks whose byte k of the stream is k & 0xff, until the reader closes. */
function ringWriter(msg: FloorMessage): null {
  const i32 = new Int32Array(msg.sab!);
  const data = new Uint8Array(msg.sab!, R.DATA * 4, RING);
  const chunk = msg.chunk!;
  const src = new Uint8Array(chunk + 256).map((_, k) => k & 0xff);
  let head = 0;
  while (Atomics.load(i32, R.CLOSED) === 0) {
    let tail = Atomics.load(i32, R.TAIL);
    // head/tail are free-running u32 counters, masked on access; full when head - tail = RING.
    while (((head - tail) >>> 0) === RING) {
      tail = waitChange(i32, R.TAIL, tail, R.WRITER_SLEEPS, SPIN);
      if (Atomics.load(i32, R.CLOSED) !== 0) return null;
    }
    const n = Math.min(chunk, RING - ((head - tail) >>> 0));
    const at = head & (RING - 1);
    const first = Math.min(n, RING - at);
    const from = src.subarray(head & 0xff, (head & 0xff) + n);
    data.set(from.subarray(0, first), at);
    if (first < n) data.set(from.subarray(first), 0);
    head = (head + n) >>> 0;
    publish(i32, R.HEAD, head | 0, R.READER_SLEEPS, false);
  }
  return null;
}

function ringReader(msg: FloorMessage): Sample[] {
  const i32 = new Int32Array(msg.sab!);
  const data = new Uint8Array(msg.sab!, R.DATA * 4, RING);
  const chunk = msg.chunk!;
  const dst = new Uint8Array(chunk);
  let tail = 0;
  let pos = 0;
  const samples = batchesSync((n) => {
    for (let k = 0; k < n; k++) {
      // One operation = 1 MiB read in chunk-sized reads, as bench/programs/posix/procs.c.
      for (let want = 1 << 20; want > 0;) {
        let head = Atomics.load(i32, R.HEAD);
        while (head === (tail | 0)) head = waitChange(i32, R.HEAD, head, R.READER_SLEEPS, SPIN);
        const used = (head - tail) >>> 0;
        const m = Math.min(chunk, want, used);
        const at = tail & (RING - 1);
        const first = Math.min(m, RING - at);
        dst.set(data.subarray(at, at + first));
        if (first < m) dst.set(data.subarray(0, m - first), first);
        if (dst[0] !== (pos & 0xff) || dst[m - 1] !== ((pos + m - 1) & 0xff)) throw new Error(`ring: wrong bytes at ${pos}`);
        pos += m;
        want -= m;
        tail = (tail + m) >>> 0;
        publish(i32, R.TAIL, tail | 0, R.WRITER_SLEEPS, false);
      }
    }
  }, msg.batches, msg.targetMs);
  Atomics.store(i32, R.CLOSED, 1);
  publish(i32, R.TAIL, (tail + 1) | 0, R.WRITER_SLEEPS, true); // wake the writer to see CLOSED
  return samples;
}

/** A floor worker's whole job; replies only from the measuring side. */
export async function floorMain(msg: FloorMessage, reply: (r: FloorReply) => void): Promise<void> {
  try {
    let samples: Sample[] | null;
    if (msg.mode === 'ring') samples = msg.role === 'writer' ? ringWriter(msg) : ringReader(msg);
    else if (msg.mode === 'postMessage') samples = await postMessages(msg);
    else samples = pingPong(msg);
    if (samples) reply({ samples });
  } catch (e) {
    reply({ error: e instanceof Error ? e.message : String(e) });
  }
}
