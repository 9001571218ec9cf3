// Pipes as open files: the life cycle the kernel keeps (ends, EOF, EPIPE),
// PIPE_BUF atomicity, and KWAIT, the kernel's note to the runtimes that it
// waits on the ring. Spec: POSIX write(2) "Write Requests to a Pipe or FIFO", read(2).
import { describe, expect, it } from 'vitest';
import { Errno, isErr } from '../abi/errno.js';
import { Pipe, PipeArena, PipeReader, PipeWriter } from './pipe.js';
import { PIPE_BUF, R, RING_CAPACITY } from './ring.js';

function pipe(arena: PipeArena | null = null): { p: Pipe; r: PipeReader; w: PipeWriter } {
  const p = new Pipe(arena);
  return { p, r: new PipeReader(p), w: new PipeWriter(p) };
}

describe('pipe', () => {
  it('reads what was written, in order', () => {
    const { r, w } = pipe();
    expect(w.write(new TextEncoder().encode('hello'))).toBe(5);
    const got = r.read(100);
    expect(isErr(got) ? got : new TextDecoder().decode(got)).toBe('hello');
  });

  it('is not ready to read while empty and a writer remains', () => {
    const { r } = pipe();
    expect(r.readReady()).toBe(false);
  });

  it('returns 0 (EOF) once every writer has closed', () => {
    const { p, r, w } = pipe();
    const w2 = new PipeWriter(p);
    w.release();
    expect(r.readReady()).toBe(false); // one writer is left
    w2.release();
    expect(r.readReady()).toBe(true);
    expect(r.hungUp()).toBe(true);
    const got = r.read(10);
    expect(isErr(got) ? got : got.length).toBe(0);
  });

  it('fails a write with EPIPE when no reader is left', () => {
    const { r, w } = pipe();
    r.release();
    expect(w.writeReady()).toBe(true); // ready: the write fails at once instead of waiting
    expect(w.canWrite(10)).toBe(true);
    const n = w.write(new Uint8Array(10));
    expect(isErr(n) ? n.errno : n).toBe(Errno.PIPE);
  });

  it('makes a write of up to PIPE_BUF wait until it fits whole; a longer one goes in part', () => {
    const { w } = pipe();
    w.write(new Uint8Array(RING_CAPACITY - 100));
    expect(w.canWrite(PIPE_BUF)).toBe(false);
    expect(w.canWrite(100)).toBe(true);
    expect(w.canWrite(PIPE_BUF + 1)).toBe(true);
  });

  it('sets KWAIT when the kernel checks readiness, and a kernel-side change wakes its queue', () => {
    const { p, r, w } = pipe();
    let woken = 0;
    expect(r.readReady()).toBe(false);
    expect(Atomics.load(p.ring.h, R.KWAIT)).toBe(1);
    p.queue.add(() => woken++);
    w.write(new Uint8Array(3));
    expect(woken).toBe(1);
  });

  it('gives its arena slot back once both ends are closed, and a new pipe there starts clean', () => {
    const arena = new PipeArena();
    const first = pipe(arena);
    const slot = first.p.slot;
    first.w.write(new Uint8Array(10));
    Atomics.store(first.p.ring.h, R.KWAIT, 1);
    first.r.release();
    first.w.release();
    const second = pipe(arena);
    expect(second.p.slot).toBe(slot);
    expect(second.p.used).toBe(0);
    expect(Atomics.load(second.p.ring.h, R.KWAIT)).toBe(0);
  });
});
